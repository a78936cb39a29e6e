#include "retrieve/snippet.h"

#include <gtest/gtest.h>

#include <string>

namespace ragd {
namespace {

std::unordered_set<std::string> terms_of(const Analyzer& analyzer, const std::string& query) {
  std::vector<std::string> terms;
  analyzer.analyze(query, terms);
  return {terms.begin(), terms.end()};
}

TEST(Snippet, ShortTextIsWholeWithMatchesHighlighted) {
  Analyzer analyzer;
  Snippet s = make_snippet("Tastings run daily.\nBook ahead.", terms_of(analyzer, "tasting"),
                           analyzer);
  EXPECT_EQ(s.text, "Tastings run daily. Book ahead.");  // newlines flattened
  ASSERT_EQ(s.highlights.size(), 1u);
  EXPECT_EQ(s.text.substr(s.highlights[0].first, s.highlights[0].second - s.highlights[0].first),
            "Tastings");
  EXPECT_EQ(mark_highlights(s, "[", "]"), "[Tastings] run daily. Book ahead.");
}

TEST(Snippet, LongTextWindowMovesToTheDensestMatches) {
  Analyzer analyzer;
  std::string text;
  for (int i = 0; i < 60; ++i) text += "filler words about nothing in particular. ";
  text += "The reserve tier includes library wines and reserve tastings. ";
  for (int i = 0; i < 60; ++i) text += "more filler words follow here. ";
  Snippet s = make_snippet(text, terms_of(analyzer, "reserve tier library"), analyzer, 160);
  EXPECT_LE(s.text.size(), 160u + 2 * std::string("…").size());
  EXPECT_EQ(s.text.rfind("…", 0), 0u) << "cut at the start";
  EXPECT_NE(s.text.find("reserve tier includes library"), std::string::npos) << s.text;
  EXPECT_GE(s.highlights.size(), 3u);
  for (auto [b, e] : s.highlights) {
    ASSERT_LE(e, s.text.size());
    EXPECT_LT(b, e);
  }
}

TEST(Snippet, NeverCutsInsideAWordOrUtf8Sequence) {
  Analyzer analyzer;
  std::string text;
  for (int i = 0; i < 200; ++i) text += "Sémillon rosé château ";
  Snippet s = make_snippet(text, terms_of(analyzer, "chateau"), analyzer, 100);
  const std::string ellipsis = "…";
  std::string body = s.text;
  if (body.rfind(ellipsis, 0) == 0) body.erase(0, ellipsis.size());
  if (body.size() >= ellipsis.size() &&
      body.compare(body.size() - ellipsis.size(), ellipsis.size(), ellipsis) == 0) {
    body.erase(body.size() - ellipsis.size());
  }
  size_t at = text.find(body);
  ASSERT_NE(at, std::string::npos) << "the snippet is a piece of the text";
  EXPECT_TRUE(at == 0 || text[at - 1] == ' ') << "starts at a word start: " << body;
  size_t end = at + body.size();
  EXPECT_TRUE(end == text.size() || text[end] == ' ') << "ends at a word end: " << body;
  EXPECT_FALSE(s.highlights.empty());
}

TEST(Snippet, NoMatchesGivesTheStart) {
  Analyzer analyzer;
  std::string text(1000, 'a');
  for (size_t i = 7; i < text.size(); i += 8) text[i] = ' ';
  Snippet s = make_snippet(text, terms_of(analyzer, "zebra"), analyzer, 100);
  EXPECT_TRUE(s.highlights.empty());
  EXPECT_EQ(s.text.rfind("aaaaaaa", 0), 0u);
}

}  // namespace
}  // namespace ragd
