// Searcher: a query string in, ranked chunks with their context out (lexical retrieval).
//
// Analyses the query with the collection's analyzer, asks the lexical index for the top k
// under the filter, and resolves chunk ids through the store (title, section path, source,
// snippet with highlights). Thread-safety: like Store, one Searcher per thread.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "common/status.h"
#include "index/lexical_index.h"
#include "retrieve/snippet.h"
#include "store/store.h"
#include "text/analyzer.h"

namespace ragd {

struct SearchRequest {
  std::string query;
  size_t k = 10;
  SearchFilter filter;
  bool with_snippets = true;
};

struct SearchHit {
  int64_t chunk_id = 0;
  int64_t document_id = 0;
  float score = 0;
  std::string document_key;
  std::string source_path;
  std::string title;
  std::string section_path;
  std::string domain;
  std::vector<std::string> tags;
  std::optional<std::string> date;
  int64_t begin = 0;  // byte span of the chunk in its document's cleaned text
  int64_t end = 0;
  std::string text;
  Snippet snippet;
};

struct SearchResponse {
  std::vector<SearchHit> hits;
  std::string strategy = "lexical";
  std::vector<std::string> query_terms;  // after analysis
  double latency_ms = 0;
};

class Searcher {
 public:
  Searcher(Store& store, const LexicalIndex& index, const Analyzer& analyzer)
      : store_(store), index_(index), analyzer_(analyzer) {}

  // An empty query, or one with no searchable term, returns no hits (not an error).
  Result<SearchResponse> search(const SearchRequest& request);

 private:
  Store& store_;
  const LexicalIndex& index_;
  const Analyzer& analyzer_;
};

}  // namespace ragd
