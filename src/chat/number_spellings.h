// NumberSpellings: the other ways a text may write a small number or ordinal, so that a
// question's "world war 2" finds a passage's "World War II" and "1st battle" finds "First
// Battle". Covers 1-20, the tens to 90, 100 and 1000: digits, words, ordinals ("2nd",
// "second") and Roman numerals from 2 to 20 ("I", "V" and "X" alone are too ambiguous).
//
// All forms are the Analyzer's terms (folded and stemmed), so they compare directly with
// analysed passage terms. A number's group holds every spelling of it; looking up any one
// gives the others.
//
// Thread-safety: immutable after construction.
#pragma once

#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "text/analyzer.h"

namespace ragd {

class NumberSpellings {
 public:
  explicit NumberSpellings(const Analyzer& analyzer);

  // The other analysed spellings of `term` (empty when it is not a number this table knows).
  const std::vector<std::string>& others(std::string_view term) const;

 private:
  std::unordered_map<std::string, std::vector<std::string>> others_;
};

}  // namespace ragd
