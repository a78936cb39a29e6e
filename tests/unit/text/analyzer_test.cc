#include "text/analyzer.h"

#include <gtest/gtest.h>

#include <string>
#include <thread>
#include <vector>

#include "text/normalize.h"

namespace ragd {
namespace {

std::vector<std::string> terms_of(std::string_view text, AnalyzerConfig config = {}) {
  Analyzer analyzer(std::move(config));
  std::vector<std::string> terms;
  analyzer.analyze(text, terms);
  return terms;
}

using Terms = std::vector<std::string>;

TEST(Analyzer, KeepsIdentifiersWhole) {
  EXPECT_EQ(terms_of("CVE-2024-3094"), Terms{"cve-2024-3094"});
  EXPECT_EQ(terms_of("upgrade to v2.1.0."), Terms({"upgrad", "v2.1.0"}));
  EXPECT_EQ(terms_of("APT29 attacks"), Terms({"apt29", "attack"}));
  EXPECT_EQ(terms_of("mail jane.doe@example.com now"),
            Terms({"mail", "jane.doe@example.com", "now"}));
  EXPECT_EQ(terms_of("host 192.168.0.1:80"), Terms({"host", "192.168.0.1", "80"}));
  EXPECT_EQ(terms_of("x86_64 builds"), Terms({"x86_64", "build"}));
  EXPECT_EQ(terms_of("C++ and C# but not C+D"), Terms({"c++", "c#", "c", "d"}));
  EXPECT_EQ(terms_of("pi is 3.14"), Terms({"pi", "3.14"}));
}

TEST(Analyzer, SplitsHyphenatedAndDottedWords) {
  EXPECT_EQ(terms_of("state-of-the-art"), Terms({"state", "art"}));
  EXPECT_EQ(terms_of("see example.com"), Terms({"see", "exampl", "com"}));
  EXPECT_EQ(terms_of("end.Next"), Terms({"end", "next"}));
  // Doubled joiners are not internal joiners.
  EXPECT_EQ(terms_of("a1--b2"), Terms({"a1", "b2"}));
}

TEST(Analyzer, FoldsCaseAndAccents) {
  EXPECT_EQ(terms_of("Café"), Terms{"cafe"});
  EXPECT_EQ(terms_of("CAFÉ"), Terms{"cafe"});
  EXPECT_EQ(terms_of("Cafe\xCC\x81"), Terms{"cafe"});  // decomposed é
  EXPECT_EQ(terms_of("Straße"), Terms{"strass"});
  EXPECT_EQ(terms_of("\xEF\xAC\x81nd"), Terms{"find"});  // "ﬁnd" ligature
  AnalyzerConfig keep;
  keep.fold_accents = false;
  keep.stem = false;
  EXPECT_EQ(terms_of("Café", keep), Terms{"caf\xC3\xA9"});
}

TEST(Analyzer, StemsWithSnowball) {
  EXPECT_EQ(terms_of("running runs ran"), Terms({"run", "run", "ran"}));
  EXPECT_EQ(terms_of("Connections connected"), Terms({"connect", "connect"}));
  AnalyzerConfig no_stem;
  no_stem.stem = false;
  EXPECT_EQ(terms_of("running", no_stem), Terms{"running"});
  AnalyzerConfig none;
  none.language = "none";
  EXPECT_EQ(terms_of("running", none), Terms{"running"});
}

TEST(Analyzer, RemovesLuceneEnglishStopwords) {
  EXPECT_EQ(terms_of("The cat is on the mat and it was not there"), Terms({"cat", "mat"}));
  EXPECT_EQ(terms_of("THE Such"), Terms{});
  AnalyzerConfig keep;
  keep.remove_stopwords = false;
  EXPECT_EQ(terms_of("the cat", keep), Terms({"the", "cat"}));
  AnalyzerConfig extra;
  extra.extra_stopwords = {"Cat"};
  EXPECT_EQ(terms_of("the cat sat", extra), Terms{"sat"});
}

TEST(Analyzer, RemovesPossessives) {
  EXPECT_EQ(terms_of("John's book"), Terms({"john", "book"}));
  EXPECT_EQ(terms_of("John\xE2\x80\x99s book"), Terms({"john", "book"}));
  EXPECT_EQ(terms_of("APT29's tools"), Terms({"apt29", "tool"}));
  EXPECT_EQ(terms_of("'quoted'"), Terms{"quot"});
}

TEST(Analyzer, OffsetsPointAtSurfaceText) {
  Analyzer analyzer;
  const std::string text = "  Café, the RUNNING-dogs; CVE-2024-3094.";
  std::vector<Token> tokens;
  analyzer.analyze_with_offsets(text, tokens);
  ASSERT_EQ(tokens.size(), 4u);
  EXPECT_EQ(tokens[0].term, "cafe");
  EXPECT_EQ(text.substr(tokens[0].begin, tokens[0].end - tokens[0].begin), "Café");
  EXPECT_EQ(tokens[1].term, "run");
  EXPECT_EQ(text.substr(tokens[1].begin, tokens[1].end - tokens[1].begin), "RUNNING");
  EXPECT_EQ(tokens[2].term, "dog");
  EXPECT_EQ(text.substr(tokens[2].begin, tokens[2].end - tokens[2].begin), "dogs");
  EXPECT_EQ(tokens[3].term, "cve-2024-3094");
  EXPECT_EQ(text.substr(tokens[3].begin, tokens[3].end - tokens[3].begin), "CVE-2024-3094");
}

TEST(Analyzer, AnalyzeAndOffsetsAgree) {
  Analyzer analyzer;
  const std::string text = "Nous étions à Zürich; 東京 is big. Email a.b@c.d re: v1.2-rc3!";
  std::vector<std::string> terms;
  std::vector<Token> tokens;
  analyzer.analyze(text, terms);
  analyzer.analyze_with_offsets(text, tokens);
  ASSERT_EQ(terms.size(), tokens.size());
  for (size_t i = 0; i < terms.size(); ++i) EXPECT_EQ(terms[i], tokens[i].term);
}

TEST(Analyzer, SplitsIdeographsIntoSingleCharacters) {
  EXPECT_EQ(terms_of("東京タワー"), Terms({"東", "京", "タワー"}));
}

TEST(Analyzer, TreatsInvalidUtf8AsSeparator) {
  EXPECT_EQ(terms_of("alpha\xFF"
                     "beta\xC3"
                     "gamma\xED\xA0\x80"
                     "delta"),
            Terms({"alpha", "beta", "gamma", "delta"}));
  Analyzer analyzer;
  std::string hostile;
  for (int i = 0; i < 256; ++i) hostile.push_back(static_cast<char>(i));
  for (int i = 0; i < 256; ++i) hostile.push_back(static_cast<char>(255 - i));
  std::vector<Token> tokens;
  analyzer.analyze_with_offsets(hostile, tokens);
  for (const Token& token : tokens) {
    EXPECT_LT(token.begin, token.end);
    EXPECT_LE(token.end, hostile.size());
    EXPECT_TRUE(is_valid_utf8(token.term));
  }
}

TEST(Analyzer, HandlesEmptyAndSeparatorOnlyInput) {
  EXPECT_TRUE(terms_of("").empty());
  EXPECT_TRUE(terms_of(" ,.;-_@'!?  \n\t").empty());
  EXPECT_TRUE(terms_of("\xCC\x81").empty());  // a lone combining mark folds to nothing
}

TEST(Analyzer, DropsOverlongTokensButKeepsTheRest) {
  const std::string blob(300, 'x');
  EXPECT_EQ(terms_of("before " + blob + " after"), Terms({"befor", "after"}));
  const std::string limit(255, 'y');
  EXPECT_EQ(terms_of(limit + "1"), Terms{});
  EXPECT_EQ(terms_of(limit.substr(1) + "1"), Terms{limit.substr(1) + "1"});
}

TEST(Analyzer, IsUsableFromSeveralThreads) {
  const Analyzer analyzer;
  std::vector<std::thread> threads;
  std::vector<std::vector<std::string>> results(4);
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&analyzer, &results, t] {
      for (int i = 0; i < 200; ++i) {
        results[t].clear();
        analyzer.analyze("jumping foxes connected quickly", results[t]);
      }
    });
  }
  for (auto& thread : threads) thread.join();
  for (const auto& terms : results) EXPECT_EQ(terms, Terms({"jump", "fox", "connect", "quick"}));
}

TEST(Analyzer, CheckConfigRejectsUnknownLanguage) {
  EXPECT_TRUE(Analyzer::check_config(AnalyzerConfig{}).is_ok());
  AnalyzerConfig none;
  none.language = "none";
  EXPECT_TRUE(Analyzer::check_config(none).is_ok());
  AnalyzerConfig bad;
  bad.language = "klingon";
  const Status status = Analyzer::check_config(bad);
  EXPECT_FALSE(status.is_ok());
  EXPECT_NE(status.message().find("english"), std::string::npos);
  EXPECT_EQ(terms_of("running", bad), Terms{"running"});
}

}  // namespace
}  // namespace ragd
