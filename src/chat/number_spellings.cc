#include "chat/number_spellings.h"

#include <algorithm>
#include <array>

namespace ragd {
namespace {

struct NumberNames {
  int value;
  std::string_view cardinal;
  std::string_view ordinal;
  std::string_view roman;  // empty where a Roman numeral would be ambiguous or unused
};

constexpr std::array<NumberNames, 29> kNumbers{{
    {1, "one", "first", ""},           {2, "two", "second", "ii"},
    {3, "three", "third", "iii"},      {4, "four", "fourth", "iv"},
    {5, "five", "fifth", ""},          {6, "six", "sixth", "vi"},
    {7, "seven", "seventh", "vii"},    {8, "eight", "eighth", "viii"},
    {9, "nine", "ninth", "ix"},        {10, "ten", "tenth", ""},
    {11, "eleven", "eleventh", "xi"},  {12, "twelve", "twelfth", "xii"},
    {13, "thirteen", "thirteenth", "xiii"}, {14, "fourteen", "fourteenth", "xiv"},
    {15, "fifteen", "fifteenth", "xv"},     {16, "sixteen", "sixteenth", "xvi"},
    {17, "seventeen", "seventeenth", "xvii"}, {18, "eighteen", "eighteenth", "xviii"},
    {19, "nineteen", "nineteenth", "xix"},  {20, "twenty", "twentieth", "xx"},
    {30, "thirty", "thirtieth", ""},   {40, "forty", "fortieth", ""},
    {50, "fifty", "fiftieth", ""},     {60, "sixty", "sixtieth", ""},
    {70, "seventy", "seventieth", ""}, {80, "eighty", "eightieth", ""},
    {90, "ninety", "ninetieth", ""},   {100, "hundred", "hundredth", ""},
    {1000, "thousand", "thousandth", ""},
}};

std::string ordinal_suffix(int value) {
  const int tens = value % 100;
  if (tens >= 11 && tens <= 13) return "th";
  switch (value % 10) {
    case 1: return "st";
    case 2: return "nd";
    case 3: return "rd";
    default: return "th";
  }
}

}  // namespace

NumberSpellings::NumberSpellings(const Analyzer& analyzer) {
  std::vector<std::string> analysed;
  for (const NumberNames& n : kNumbers) {
    const std::string digits = std::to_string(n.value);
    std::vector<std::string> group;
    for (const std::string& surface :
         {digits, digits + ordinal_suffix(n.value), std::string(n.cardinal),
          std::string(n.ordinal), std::string(n.roman)}) {
      if (surface.empty()) continue;
      analysed.clear();
      analyzer.analyze(surface, analysed);
      // A spelling the analyser drops or splits (a stopword, say) cannot be matched as one term.
      if (analysed.size() != 1) continue;
      if (std::find(group.begin(), group.end(), analysed[0]) == group.end()) {
        group.push_back(std::move(analysed[0]));
      }
    }
    for (const std::string& form : group) {
      std::vector<std::string>& others = others_[form];
      for (const std::string& other : group) {
        if (other != form) others.push_back(other);
      }
    }
  }
}

const std::vector<std::string>& NumberSpellings::others(std::string_view term) const {
  static const std::vector<std::string> kNone;
  auto it = others_.find(std::string(term));
  return it == others_.end() ? kNone : it->second;
}

}  // namespace ragd
