// QueryWords: the surface words of a question with their byte offsets, case facts and folded
// forms, shared by query analysis, entity extraction, time expressions and the rewriter, plus
// the closed word lists (question words, function words) those heuristics consult.
// Pure functions over immutable data; thread-safe.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "text/tokenizer.h"

namespace ragd {

struct QueryWord {
  size_t begin = 0;  // byte range of the surface form in the text
  size_t end = 0;
  std::string lower;  // Unicode case-folded surface form, accents kept
  SurfaceKind kind = SurfaceKind::kWord;
  bool capitalised = false;  // first letter is upper or title case
  bool all_caps = false;     // two or more letters, all upper case
  bool has_digit = false;
  bool digits_only = false;  // e.g. "2023", never "v2" or "3.14"
  // True when the word is the first of its sentence: nothing but punctuation or quotes
  // since the start of the text or since a '.', '!', '?', ':' or newline.
  bool sentence_start = false;
};

// Splits `text` with the analyzer's Tokenizer rules. Never fails: invalid UTF-8 separates
// words. At most `max_words` words are returned, so hostile input stays cheap.
std::vector<QueryWord> split_query_words(std::string_view text, size_t max_words = 4096);

// Closed lists, matched against QueryWord::lower.
bool is_question_word(std::string_view lower);  // what, when, who, how, which, ...
// Function words that carry no topic: articles, pronouns, auxiliaries, prepositions,
// conjunctions and question words.
bool is_function_word(std::string_view lower);

// The bytes between two words contain only spaces, tabs, '-' or nothing.
bool words_adjacent(std::string_view text, const QueryWord& left, const QueryWord& right);

}  // namespace ragd
