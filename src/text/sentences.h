// Sentence and word boundaries, used by the chunker and (later) by citation checks.
// Pure functions; thread-safe.
#pragma once

#include <cstddef>
#include <string_view>
#include <utility>
#include <vector>

namespace ragd {

// Byte ranges [begin, end) of the sentences of `text`, covering it without gaps in order
// (whitespace between sentences belongs to the preceding sentence). Splits after . ! ?
// (and their closing quotes/brackets) followed by whitespace and an upper-case letter,
// digit or quote, but not after common abbreviations ("e.g.", "Dr.", "No.") or
// single-letter initials; also splits at newlines.
std::vector<std::pair<size_t, size_t>> split_sentences(std::string_view text);

// Approximate count of the sub-word tokens a BERT-style tokenizer would produce: each
// run of letters/digits counts ceil(length/6) (at least 1), each punctuation or symbol
// character and each CJK ideograph counts 1, whitespace counts 0. Used for chunk sizes and context budgets.
size_t count_tokens(std::string_view text);

}  // namespace ragd
