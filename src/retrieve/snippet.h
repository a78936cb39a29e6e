// Snippets: the part of a chunk that best shows why it matched, with the matching words
// located so a caller can mark them. Pure; thread-safe.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <unordered_set>
#include <utility>
#include <vector>

#include "text/analyzer.h"

namespace ragd {

struct Snippet {
  std::string text;  // a window of the chunk, cut at word boundaries, "…" where cut
  std::vector<std::pair<size_t, size_t>> highlights;  // byte ranges in `text`, in order
};

// Picks the window of about `max_bytes` with the most distinct query terms (then the most
// matches), preferring to start at a sentence start.
Snippet make_snippet(std::string_view chunk_text, const std::unordered_set<std::string>& query_terms,
                     const Analyzer& analyzer, size_t max_bytes = 240);

// `text` with each highlight wrapped in `open`/`close`.
std::string mark_highlights(const Snippet& snippet, std::string_view open, std::string_view close);

}  // namespace ragd
