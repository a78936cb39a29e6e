// Term variants: the other spellings of numbers (NumberSpellings), compound words split into
// the two words a collection writes (split_compound), and WeightedTerm::found_in, which
// accepts either.
#include <gtest/gtest.h>

#include <algorithm>

#include "chat/claim_support.h"
#include "chat/compound_words.h"
#include "chat/number_spellings.h"

namespace ragd {
namespace {

bool holds(const std::vector<std::string>& forms, const std::string& form) {
  return std::find(forms.begin(), forms.end(), form) != forms.end();
}

TEST(NumberSpellings, DigitsWordsOrdinalsAndRomanNumeralsFindEachOther) {
  Analyzer analyzer;
  NumberSpellings numbers(analyzer);
  EXPECT_TRUE(holds(numbers.others("2"), "ii"));
  EXPECT_TRUE(holds(numbers.others("2"), "two"));
  EXPECT_TRUE(holds(numbers.others("2"), "2nd"));
  EXPECT_TRUE(holds(numbers.others("ii"), "2"));
  EXPECT_TRUE(holds(numbers.others("1st"), "first"));
  EXPECT_TRUE(holds(numbers.others("13th"), "13"));
  EXPECT_FALSE(holds(numbers.others("11"), "11st")) << "11th, not 11st";
  EXPECT_TRUE(holds(numbers.others("11"), "11th"));
  // Forms are analysed terms: "twenty" is stemmed like passage text.
  std::vector<std::string> twenty;
  analyzer.analyze("twenty", twenty);
  ASSERT_EQ(twenty.size(), 1u);
  EXPECT_TRUE(holds(numbers.others("20"), twenty[0]));
  // Ambiguous single letters are not numerals; unknown terms have no spellings.
  EXPECT_FALSE(holds(numbers.others("5"), "v"));
  EXPECT_TRUE(numbers.others("x").empty());
  EXPECT_TRUE(numbers.others("2024").empty());
  EXPECT_TRUE(numbers.others("wine").empty());
  EXPECT_FALSE(holds(numbers.others("2"), "2"));
}

TEST(CompoundWords, SplitsOnlyIntoTwoKnownWords) {
  Analyzer analyzer;
  DocumentFrequencies df;
  df.add_document({"super", "bowl", "video", "game", "over", "night"});
  const auto frequency = df.frequency_function();
  EXPECT_EQ(split_compound("superbowl", analyzer, frequency),
            (std::vector<std::string>{"super", "bowl"}));
  EXPECT_EQ(split_compound("videogame", analyzer, frequency),
            (std::vector<std::string>{"video", "game"}));
  // "overnight" could only be "over" + "night": both known, so it splits; the answerer then
  // demands the two words side by side in a passage.
  EXPECT_EQ(split_compound("overnight", analyzer, frequency),
            (std::vector<std::string>{"over", "night"}));
  EXPECT_TRUE(split_compound("helicopt", analyzer, frequency).empty());
  EXPECT_TRUE(split_compound("bowl", analyzer, frequency).empty()) << "too short to split";
  EXPECT_TRUE(split_compound("superbowl", analyzer, {}).empty());
  EXPECT_TRUE(split_compound("super\xc3\xa9owl", analyzer, frequency).empty());
  EXPECT_TRUE(split_compound("", analyzer, frequency).empty());
}

TEST(WeightedTerm, FoundThroughAnyCompleteVariant) {
  WeightedTerm term{"superbowl", 1.0, false, {{"super", "bowl"}, {"ii"}}};
  EXPECT_TRUE(term.found_in({"superbowl"}));
  EXPECT_TRUE(term.found_in({"bowl", "super", "lii"}));
  EXPECT_FALSE(term.found_in({"super"})) << "every part of a variant must be there";
  EXPECT_TRUE(term.found_in({"ii"}));
  EXPECT_FALSE(term.found_in({}));
  WeightedTerm empty_variant{"x", 1.0, false, {{}}};
  EXPECT_FALSE(empty_variant.found_in({"y"}));
}

}  // namespace
}  // namespace ragd
