// Passage trimming: when a retrieved chunk is longer than a passage may be, keep the part that
// best matches the question — the contiguous run of whole sentences with the most query-term
// matches that fits the token limit — so the generator sees the relevant sentences and a
// citation still resolves to one exact byte span of the document.
// Pure functions; thread-safe (the Analyzer is shared read-only).
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "text/analyzer.h"

namespace ragd {

struct TextSpan {
  size_t begin = 0;  // byte range in the passage text
  size_t end = 0;
};

// The byte range of `text` to keep within `max_tokens` (count_tokens). Whitespace at both ends
// is excluded. When the whole text fits, that is all of it; otherwise the best run of whole
// sentences (most matches of `query_terms`, analysed index terms; ties go to the earliest; no
// matches: the opening sentences). A single sentence over the limit is cut at spaces around its
// first match. Never splits a UTF-8 sequence; empty for an empty text or max_tokens == 0.
TextSpan select_passage_span(std::string_view text, const std::vector<std::string>& query_terms,
                             const Analyzer& analyzer, size_t max_tokens);

}  // namespace ragd
