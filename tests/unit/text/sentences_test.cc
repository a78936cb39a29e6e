#include "text/sentences.h"

#include <gtest/gtest.h>

#include <random>
#include <string>
#include <vector>

namespace ragd {
namespace {

std::vector<std::string> sentences_of(std::string_view text) {
  std::vector<std::string> out;
  for (const auto& [begin, end] : split_sentences(text)) {
    out.emplace_back(text.substr(begin, end - begin));
  }
  return out;
}

using Strings = std::vector<std::string>;

// The ranges cover the text in order without gaps or empty ranges.
void expect_tiles(std::string_view text) {
  const auto ranges = split_sentences(text);
  size_t expected_begin = 0;
  for (const auto& [begin, end] : ranges) {
    ASSERT_EQ(begin, expected_begin);
    ASSERT_LT(begin, end);
    expected_begin = end;
  }
  EXPECT_EQ(expected_begin, text.size());
}

TEST(SplitSentencesTest, EmptyTextHasNoSentences) {
  EXPECT_TRUE(split_sentences("").empty());
}

TEST(SplitSentencesTest, WhitespaceBelongsToThePrecedingSentence) {
  EXPECT_EQ(sentences_of("One here. Two there! Three? "),
            (Strings{"One here. ", "Two there! ", "Three? "}));
}

TEST(SplitSentencesTest, LeadingWhitespaceJoinsTheFirstSentence) {
  EXPECT_EQ(sentences_of("  \n Hello there. Bye."), (Strings{"  \n Hello there. ", "Bye."}));
}

TEST(SplitSentencesTest, NeedsCapitalDigitOrQuoteAfterTerminator) {
  EXPECT_EQ(sentences_of("It rose. then fell."), (Strings{"It rose. then fell."}));
  EXPECT_EQ(sentences_of("It rose. 2024 was good."), (Strings{"It rose. ", "2024 was good."}));
  EXPECT_EQ(sentences_of("It rose. 'Why?' he asked."), (Strings{"It rose. ", "'Why?' he asked."}));
}

TEST(SplitSentencesTest, NeedsWhitespaceAfterTerminator) {
  EXPECT_EQ(sentences_of("See example.com/Path.Html now."),
            (Strings{"See example.com/Path.Html now."}));
}

TEST(SplitSentencesTest, CommonAbbreviationsDoNotEndSentences) {
  EXPECT_EQ(sentences_of("Dr. Smith met Mr. Jones. They talked."),
            (Strings{"Dr. Smith met Mr. Jones. ", "They talked."}));
  EXPECT_EQ(sentences_of("Fruit, e.g. Apples, is good. So is i.e. Water."),
            (Strings{"Fruit, e.g. Apples, is good. ", "So is i.e. Water."}));
  EXPECT_EQ(sentences_of("Smith vs. Jones was heard on Jan. 5 in court."),
            (Strings{"Smith vs. Jones was heard on Jan. 5 in court."}));
}

TEST(SplitSentencesTest, NumberAbbreviationsOnlyBeforeDigits) {
  EXPECT_EQ(sentences_of("See No. 5 and Fig. 3 for details."),
            (Strings{"See No. 5 and Fig. 3 for details."}));
  EXPECT_EQ(sentences_of("I said no. Then I left."), (Strings{"I said no. ", "Then I left."}));
}

TEST(SplitSentencesTest, InitialsDoNotEndSentences) {
  EXPECT_EQ(sentences_of("J. R. R. Tolkien wrote it. He was a professor."),
            (Strings{"J. R. R. Tolkien wrote it. ", "He was a professor."}));
  EXPECT_EQ(sentences_of("Ask (J. Doe) first. Then go."),
            (Strings{"Ask (J. Doe) first. ", "Then go."}));
}

TEST(SplitSentencesTest, DecimalsAndVersionsDoNotSplit) {
  EXPECT_EQ(sentences_of("The value is 3.5 today. Version 2.0.1 shipped."),
            (Strings{"The value is 3.5 today. ", "Version 2.0.1 shipped."}));
}

TEST(SplitSentencesTest, ClosingQuotesAndBracketsStayWithTheirSentence) {
  EXPECT_EQ(sentences_of("He said \"Stop.\" Then he left."),
            (Strings{"He said \"Stop.\" ", "Then he left."}));
  EXPECT_EQ(sentences_of("(It was late.) We went home."),
            (Strings{"(It was late.) ", "We went home."}));
  EXPECT_EQ(sentences_of("She wrote \u201CDone.\u201D Next came lunch."),
            (Strings{"She wrote \u201CDone.\u201D ", "Next came lunch."}));
  EXPECT_EQ(sentences_of("\"Why?\" she asked."), (Strings{"\"Why?\" she asked."}));
}

TEST(SplitSentencesTest, RepeatedTerminatorsAndEllipsis) {
  EXPECT_EQ(sentences_of("Really?! Yes. Wait... Then go."),
            (Strings{"Really?! ", "Yes. ", "Wait... ", "Then go."}));
  EXPECT_EQ(sentences_of("He paused\u2026 Then left."),
            (Strings{"He paused\u2026 ", "Then left."}));
}

TEST(SplitSentencesTest, NewlinesEndSentences) {
  EXPECT_EQ(sentences_of("a line without stop\nanother line\n\n- item one\r\nitem two"),
            (Strings{"a line without stop\n", "another line\n\n", "- item one\r\n", "item two"}));
  EXPECT_EQ(sentences_of("Dr.\nSmith"), (Strings{"Dr.\n", "Smith"}));
  EXPECT_EQ(sentences_of("trailing\n\n"), (Strings{"trailing\n\n"}));
}

TEST(SplitSentencesTest, NonAsciiCapitalsStartSentences) {
  EXPECT_EQ(sentences_of("Él llegó tarde. Ébano es negro."),
            (Strings{"Él llegó tarde. ", "Ébano es negro."}));
  EXPECT_EQ(sentences_of("Привет мир. Как дела?"), (Strings{"Привет мир. ", "Как дела?"}));
  EXPECT_EQ(sentences_of("Il est parti. élan vital."), (Strings{"Il est parti. élan vital."}));
  EXPECT_EQ(sentences_of("Ask Ö. Yılmaz first."), (Strings{"Ask Ö. Yılmaz first."}));
}

TEST(SplitSentencesTest, CjkTerminatorsNeedNoSpace) {
  EXPECT_EQ(sentences_of("你好。我很好！你呢？"), (Strings{"你好。", "我很好！", "你呢？"}));
  EXPECT_EQ(sentences_of("他说：“好。”然后走了。"), (Strings{"他说：“好。”", "然后走了。"}));
}

TEST(SplitSentencesTest, CoversTextWithoutGaps) {
  for (const char* text : {"", "x", "   ", "\n\n\n", "A. B. C.", "Hello. World.\n\nNext one!  ",
                           "...", "?! ?!", "\xff\xfe. \xc3", "Dr. . . X"}) {
    SCOPED_TRACE(text);
    expect_tiles(text);
  }
}

TEST(SplitSentencesTest, RandomBytesNeverBreakTheTiling) {
  std::mt19937 rng(7);
  const std::string alphabet = "aZ .!?\n\"')(\xc3\xa9\xe3\x80\x82\xe2\x80\xa6\xff";
  for (int round = 0; round < 2000; ++round) {
    std::string text;
    const int length = static_cast<int>(rng() % 40);
    for (int i = 0; i < length; ++i) text.push_back(alphabet[rng() % alphabet.size()]);
    SCOPED_TRACE(round);
    expect_tiles(text);
  }
}

TEST(CountTokensTest, EmptyAndWhitespaceCountZero) {
  EXPECT_EQ(count_tokens(""), 0u);
  EXPECT_EQ(count_tokens(" \t\n\r "), 0u);
  EXPECT_EQ(count_tokens("\u00A0\u3000"), 0u);  // Unicode space separators
}

TEST(CountTokensTest, LetterRunsCountOnePerSixCharacters) {
  EXPECT_EQ(count_tokens("a"), 1u);
  EXPECT_EQ(count_tokens("hello"), 1u);
  EXPECT_EQ(count_tokens("abcdef"), 1u);
  EXPECT_EQ(count_tokens("abcdefg"), 2u);
  EXPECT_EQ(count_tokens("internationalization"), 4u);  // 20 letters
  EXPECT_EQ(count_tokens("abc123"), 1u);
  EXPECT_EQ(count_tokens("two words"), 2u);
}

TEST(CountTokensTest, PunctuationAndSymbolsCountOneEach) {
  EXPECT_EQ(count_tokens("a, b."), 4u);
  EXPECT_EQ(count_tokens("3.5"), 3u);
  EXPECT_EQ(count_tokens("CVE-2024-3094"), 5u);
  EXPECT_EQ(count_tokens("$$"), 2u);
  EXPECT_EQ(count_tokens("\u2014"), 1u);      // em dash
  EXPECT_EQ(count_tokens("\U0001F44D"), 1u);  // emoji
}

TEST(CountTokensTest, NonAsciiLettersCountAsLetters) {
  EXPECT_EQ(count_tokens("naïve"), 1u);
  EXPECT_EQ(count_tokens("ééééééé"), 2u);  // 7 code points, 14 bytes
  EXPECT_EQ(count_tokens("Привет"), 1u);
  EXPECT_EQ(count_tokens("日本語"), 3u);  // ideographs count one each, as BERT splits them
  EXPECT_EQ(count_tokens("e\u0301e\u0301e\u0301"), 1u);  // combining marks stay in the run
}

TEST(CountTokensTest, InvalidBytesCountAsSymbols) {
  EXPECT_EQ(count_tokens("\xff"), 1u);
  EXPECT_EQ(count_tokens("ab\xc3"), 2u);        // truncated sequence
  EXPECT_EQ(count_tokens("\xed\xa0\x80"), 3u);  // encoded surrogate: three bad bytes
  EXPECT_EQ(count_tokens("\xc0\xaf"), 2u);      // overlong "/"
}

TEST(CountTokensTest, AdditiveAcrossWhitespace) {
  const std::string a = "The quick, brown fox";
  const std::string b = "jumps over 3.5 lazy dogs!";
  EXPECT_EQ(count_tokens(a + " \n" + b), count_tokens(a) + count_tokens(b));
}

}  // namespace
}  // namespace ragd

namespace ragd {
namespace {

TEST(CountTokensCjk, EachIdeographIsOneToken) {
  // "葡萄酒很好" is five ideographs: BERT makes five tokens of it.
  EXPECT_EQ(count_tokens("葡萄酒很好"), 5u);
  EXPECT_EQ(count_tokens("wine 葡萄酒"), 4u);
}

}  // namespace
}  // namespace ragd
