// Citation markers and the sentences they belong to: every marker form, invalid numbers,
// marker placement around full stops, and hostile input.
#include "chat/citation_parser.h"

#include <gtest/gtest.h>

#include <string>

namespace ragd {
namespace {

const std::vector<int> kFive = {1, 2, 3, 4, 5};

TEST(CitationParser, FindsEveryMarkerForm) {
  auto markers = find_citation_markers("a [1] b [2][3] c [1, 4] d [2-4] e [^5] f [ 1 ;2 ]", kFive);
  ASSERT_EQ(markers.size(), 7u);
  EXPECT_EQ(markers[0].valid, (std::vector<int>{1}));
  EXPECT_EQ(markers[1].valid, (std::vector<int>{2}));
  EXPECT_EQ(markers[2].valid, (std::vector<int>{3}));
  EXPECT_EQ(markers[3].valid, (std::vector<int>{1, 4}));
  EXPECT_EQ(markers[4].valid, (std::vector<int>{2, 3, 4}));
  EXPECT_EQ(markers[5].valid, (std::vector<int>{5}));
  EXPECT_EQ(markers[6].valid, (std::vector<int>{1, 2}));
  for (const auto& m : markers) EXPECT_TRUE(m.invalid.empty());
}

TEST(CitationParser, EnDashRangeAndDoubledBrackets) {
  const std::string text = "x [1\u20132] y [[3]] z";
  auto markers = find_citation_markers(text, kFive);
  ASSERT_EQ(markers.size(), 2u);
  EXPECT_EQ(markers[0].valid, (std::vector<int>{1, 2}));
  EXPECT_EQ(text.substr(markers[1].begin, markers[1].end - markers[1].begin), "[[3]]");
}

TEST(CitationParser, NumbersNamingNoPassageAreInvalid) {
  auto markers = find_citation_markers("[0] [6] [999999999999] [2, 9] [3-7]", kFive);
  ASSERT_EQ(markers.size(), 5u);
  EXPECT_EQ(markers[0].invalid, (std::vector<int>{0}));
  EXPECT_EQ(markers[1].invalid, (std::vector<int>{6}));
  EXPECT_TRUE(markers[2].valid.empty());
  EXPECT_EQ(markers[2].invalid.size(), 1u);
  EXPECT_EQ(markers[3].valid, (std::vector<int>{2}));
  EXPECT_EQ(markers[3].invalid, (std::vector<int>{9}));
  EXPECT_EQ(markers[4].valid, (std::vector<int>{3, 4, 5}));
  EXPECT_EQ(markers[4].invalid, (std::vector<int>{6, 7}));
}

TEST(CitationParser, HugeAndReversedRangesAreMalformedNotExpanded) {
  auto markers = find_citation_markers("[1-999999999999] [4-2]", kFive);
  ASSERT_EQ(markers.size(), 2u);
  for (const auto& m : markers) {
    EXPECT_TRUE(m.malformed);
    EXPECT_TRUE(m.valid.empty());
    EXPECT_LE(m.invalid.size(), 2u);
  }
}

TEST(CitationParser, BracketsThatAreNotMarkersStayText) {
  for (const char* text : {"[-1]", "[a]", "[1.5]", "[citation needed]", "[1", "[]", "[1,]",
                           "[^]", "[1-]", "see [link](http://x)"}) {
    EXPECT_TRUE(find_citation_markers(text, kFive).empty()) << text;
  }
}

TEST(CitationParser, MarkersBelongToTheirSentences) {
  auto parsed = parse_citations("Paris is large [1]. Lyon is smaller [2][3]. No source here.",
                                kFive);
  ASSERT_EQ(parsed.sentences.size(), 3u);
  EXPECT_EQ(parsed.sentences[0].claim, "Paris is large.");
  EXPECT_EQ(parsed.sentences[0].citations, (std::vector<int>{1}));
  EXPECT_EQ(parsed.sentences[1].claim, "Lyon is smaller.");
  EXPECT_EQ(parsed.sentences[1].citations, (std::vector<int>{2, 3}));
  EXPECT_TRUE(parsed.sentences[2].citations.empty());
}

TEST(CitationParser, MarkerAfterTheFullStopStillEndsTheSentence) {
  auto parsed = parse_citations("Paris is large.[1] Lyon is smaller. [2]\nNice is sunny [3].",
                                kFive);
  ASSERT_EQ(parsed.sentences.size(), 3u);
  EXPECT_EQ(parsed.sentences[0].citations, (std::vector<int>{1}));
  EXPECT_EQ(parsed.sentences[0].claim, "Paris is large.");
  EXPECT_EQ(parsed.sentences[1].citations, (std::vector<int>{2}));
  EXPECT_EQ(parsed.sentences[2].citations, (std::vector<int>{3}));
}

TEST(CitationParser, InvalidCitationsAreReportedPerSentence) {
  auto parsed = parse_citations("A claim [7]. Another [0][2].", kFive);
  ASSERT_EQ(parsed.sentences.size(), 2u);
  EXPECT_TRUE(parsed.sentences[0].citations.empty());
  EXPECT_EQ(parsed.sentences[0].invalid_citations, (std::vector<int>{7}));
  EXPECT_EQ(parsed.sentences[1].citations, (std::vector<int>{2}));
  EXPECT_EQ(parsed.invalid_count(), 2u);
}

TEST(CitationParser, RemovesMarkersWithTheSpaceBeforeThem) {
  EXPECT_EQ(strip_citation_markers("Big [1]. Small [2][3], tiny [4] here."),
            "Big. Small, tiny here.");
  EXPECT_EQ(strip_citation_markers("(see [1])"), "(see)");
  auto markers = find_citation_markers("big [1][2].", kFive);
  EXPECT_EQ(replace_citation_markers("big [1][2].", markers, {"", "[2]"}), "big [2].");
}

TEST(CitationParser, EmptyAndHostileInputNeverCrash) {
  EXPECT_TRUE(parse_citations("", kFive).sentences.empty());
  EXPECT_TRUE(parse_citations("", {}).markers.empty());
  const std::string hostile[] = {
      "[", "]", "[[[[", "]]]]", "[1", "[1][", "[^", "\xff\xfe[1]\xc3", "[999999999999]",
      "[-1] [0] [" + std::string(5000, '9') + "]", std::string(10000, '['),
      "[1-2-3] [1,,2] [1 2]", std::string("[1]\0[2]", 7), "\xe2\x80[1\xe2\x80\x93"};
  for (const std::string& text : hostile) {
    ParsedAnswer parsed = parse_citations(text, kFive);
    for (const auto& marker : parsed.markers) {
      EXPECT_LE(marker.begin, marker.end);
      EXPECT_LE(marker.end, text.size());
    }
    for (const auto& sentence : parsed.sentences) EXPECT_LE(sentence.end, text.size());
    (void)strip_citation_markers(text);
  }
}

}  // namespace
}  // namespace ragd
