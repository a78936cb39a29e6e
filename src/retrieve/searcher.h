// Searcher: a query string in, ranked chunks with their context out — lexical, dense or
// hybrid retrieval.
//
// Lexical: analyses the query with the collection's analyzer and asks the lexical index for
// the top k under the filter. Dense: embeds the query (EmbedPurpose::kQuery) and asks the
// vector index. Hybrid: takes `candidates` from each, fuses them (RRF or normalised weighted
// sum) and keeps the top k. Auto: the query router picks lexical for short keyword queries
// (a keyword that matches nothing finds nothing, as in lexical mode) and hybrid for questions.
// Whatever the mode, chunk ids are resolved through the store (title, section path, source,
// snippet with highlights), and the response says which strategy ran, why, and how many
// candidates each retriever gave.
//
// Without a vector index (no model): explicit `dense` is an error naming the reason; `hybrid`
// and `auto` fall back to lexical with a note. Thread-safety: like Store, one Searcher per
// thread (the provider and indexes may be shared).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "common/status.h"
#include "embed/embedding_provider.h"
#include "index/lexical_index.h"
#include "index/vector_index.h"
#include "retrieve/fusion.h"
#include "retrieve/query_router.h"
#include "retrieve/snippet.h"
#include "store/store.h"
#include "text/analyzer.h"

namespace ragd {

struct SearchRequest {
  std::string query;
  size_t k = 10;
  SearchFilter filter;
  bool with_snippets = true;
  SearchMode mode = SearchMode::kLexical;
  size_t candidates = 100;  // per retriever, for hybrid (at least k)
  FusionConfig fusion;      // hybrid: weights are {lexical, dense}
  RouterConfig router;      // auto
};

struct SearchHit {
  int64_t chunk_id = 0;
  int64_t document_id = 0;
  float score = 0;  // BM25F (lexical), cosine (dense) or the fused score (hybrid)
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
  int lexical_rank = 0;  // 1-based rank in the lexical candidates; 0 when not among them
  int dense_rank = 0;
};

struct SearchResponse {
  std::vector<SearchHit> hits;
  std::string mode = "lexical";      // as requested
  std::string strategy = "lexical";  // what ran: lexical | dense | hybrid
  std::string route_reason;          // auto: why this strategy
  std::string fusion;                // hybrid: "rrf" | "weighted"
  size_t lexical_candidates = 0;
  size_t dense_candidates = 0;
  std::vector<std::string> notes;    // fallbacks and other things the user should know
  std::vector<std::string> query_terms;  // after analysis
  double latency_ms = 0;
};

// The dense side of a collection: its vector index and the provider that embeds queries for
// it. `unavailable` says why there is none (reported when dense retrieval is asked for).
struct DenseRetriever {
  const VectorIndex* index = nullptr;
  EmbeddingProvider* provider = nullptr;
  std::string unavailable;
  bool available() const { return index != nullptr && provider != nullptr; }
};

class Searcher {
 public:
  Searcher(Store& store, const LexicalIndex& index, const Analyzer& analyzer)
      : store_(store), index_(index), analyzer_(analyzer) {}
  Searcher(Store& store, const LexicalIndex& index, const Analyzer& analyzer,
           DenseRetriever dense)
      : store_(store), index_(index), analyzer_(analyzer), dense_(std::move(dense)) {}

  // An empty query, or a lexical one with no searchable term, returns no hits (not an error).
  // kInvalidArgument for mode dense when the collection has no usable vector index.
  Result<SearchResponse> search(const SearchRequest& request);

 private:
  Result<std::vector<ScoredChunk>> dense_candidates(const SearchRequest& request, size_t k);
  Status resolve(const SearchRequest& request, const std::vector<ScoredChunk>& ranked,
                 SearchResponse& response);

  Store& store_;
  const LexicalIndex& index_;
  const Analyzer& analyzer_;
  DenseRetriever dense_;
};

}  // namespace ragd
