// ContentTerms: the analysed terms of a text that carry its meaning, for judging whether a
// passage answers a question or supports a claim.
//
// The index Analyzer keeps words such as "who", "does", "many" or "your" (its stopword list
// is Lucene's 33 words, chosen for ranking parity); they say nothing about whether a passage
// covers a question, so they are dropped here too. Terms containing a digit (numbers, years,
// identifiers such as "cve-2024-3094" or "acv-pol-0215") are marked `exact`: a claim naming
// one is supported only by a passage naming the same one.
//
// Thread-safety: immutable after construction; share freely between threads. Holds a
// reference to the Analyzer, which must outlive it.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_set>
#include <vector>

#include "chat/number_spellings.h"
#include "text/analyzer.h"

namespace ragd {

struct ContentTerm {
  std::string term;  // the Analyzer's (folded, stemmed) term
  bool exact = false;
  uint32_t begin = 0;  // byte range of the surface form in the analysed text
  uint32_t end = 0;
};

class ContentTermExtractor {
 public:
  explicit ContentTermExtractor(const Analyzer& analyzer);
  ContentTermExtractor(const ContentTermExtractor&) = delete;
  ContentTermExtractor& operator=(const ContentTermExtractor&) = delete;

  // Appends the content terms of `text` in order (repeats kept). Invalid UTF-8 is safe.
  void extract(std::string_view text, std::vector<ContentTerm>& out) const;
  // The distinct content terms of `text`, in order of first occurrence.
  std::vector<std::string> distinct_terms(std::string_view text) const;
  // Drops function words from already analysed terms (e.g. SearchResponse::query_terms),
  // keeping the first occurrence of each term.
  std::vector<std::string> filter(const std::vector<std::string>& analysed_terms) const;

  bool is_function_word(std::string_view term) const;
  static bool is_exact(std::string_view term);
  const Analyzer& analyzer() const { return analyzer_; }
  // Other spellings of the numbers among analysed terms ("2" -> "ii", "two", "second").
  const NumberSpellings& numbers() const { return numbers_; }

 private:
  const Analyzer& analyzer_;
  NumberSpellings numbers_;
  std::unordered_set<std::string> function_words_;  // analysed forms
};

}  // namespace ragd
