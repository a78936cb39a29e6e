// Search modes and the query router that picks one for mode `auto`.
//
// Routing (as in the seed platforms): a short keyword query — at most `keyword_max_words`
// words, no '?', not opening with a question word (who, what, how, ...) — leans lexical,
// where exact words matter most (codes, names, "opening hours"); anything else is treated as
// a question and goes to `question_mode` (hybrid by default), where meaning matters. The
// route says why it was taken, so search results can report it. Pure; thread-safe.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "common/status.h"

namespace ragd {

enum class SearchMode { kLexical, kDense, kHybrid, kAuto };

const char* search_mode_name(SearchMode mode);  // "lexical" | "dense" | "hybrid" | "auto"
Result<SearchMode> parse_search_mode(const std::string& name);

struct RouterConfig {
  size_t keyword_max_words = 3;
  SearchMode keyword_mode = SearchMode::kLexical;
  SearchMode question_mode = SearchMode::kHybrid;
};

struct Route {
  SearchMode mode = SearchMode::kLexical;  // never kAuto
  std::string reason;                      // e.g. "short keyword query (2 words)"
};

// Words are maximal runs of non-space characters holding at least one letter or digit.
size_t count_query_words(std::string_view query);

Route route_query(std::string_view query, const RouterConfig& config = {});

}  // namespace ragd
