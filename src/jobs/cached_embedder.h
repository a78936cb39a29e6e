// CachedEmbedder: passage text -> vector, through the store's embedding cache.
//
// Each text is keyed by (provider model id, SHA-256 of the text). Texts already in the cache
// are read back; the others are embedded by the provider, `texts_per_call` at a time, and
// (unless told not to) written to the cache after each call in its own short transaction,
// so a crash loses at most one call's work and the write lock on the database is never held
// while the encoder runs.
//
// Thread-safety: not thread-safe (one Store connection); the provider may be shared.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <limits>
#include <string>
#include <vector>

#include "common/status.h"
#include "embed/embedding_provider.h"
#include "store/embedding_store.h"

namespace ragd {

struct EmbedRequestOptions {
  bool store_new = true;  // false: readers, which never write
  // At most this many texts are embedded (the rest of the misses are left out); for readers
  // that must stay fast.
  size_t max_new = std::numeric_limits<size_t>::max();
  // Called after each provider call with the number of texts embedded so far in this request.
  std::function<void(size_t)> on_embedded;
};

struct EmbedBatchResult {
  std::vector<float> vectors;  // texts.size() * dimension; rows of left-out texts are zero
  std::vector<bool> present;   // false where a text was left out (max_new reached)
  size_t cached = 0;
  size_t embedded = 0;
};

class CachedEmbedder {
 public:
  CachedEmbedder(EmbeddingStore& cache, EmbeddingProvider& provider, size_t texts_per_call = 256)
      : cache_(cache), provider_(provider), texts_per_call_(texts_per_call ? texts_per_call : 1) {}

  Result<EmbedBatchResult> embed_passages(const std::vector<std::string>& texts,
                                          const EmbedRequestOptions& options = {});

  EmbeddingProvider& provider() { return provider_; }
  size_t dimension() const { return provider_.dimension(); }
  const std::string& model_id() const { return provider_.model_id(); }

 private:
  EmbeddingStore& cache_;
  EmbeddingProvider& provider_;
  size_t texts_per_call_;
};

}  // namespace ragd
