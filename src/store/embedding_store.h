// EmbeddingStore: the durable embedding cache, one row per (model id, content hash) in the
// store's `embeddings` table, the vector as little-endian float32.
//
// It is the reason a crash never costs more than re-reading vectors: whatever was embedded
// and put() here survives kill -9, and a vector index that lost its tail is rebuilt from it.
// It shares its Store's connection, so a put() inside a caller's transaction joins it (as a
// savepoint) and a get() inside Store::in_read_snapshot() reads that snapshot.
//
// Thread-safety: like Store, not thread-safe; one EmbeddingStore per Store, on its thread.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "common/status.h"
#include "sqlite/statement.h"
#include "store/store.h"

namespace ragd {

class EmbeddingStore {
 public:
  // Prepares the statements on `store`'s connection; `store` must outlive the result.
  static Result<std::unique_ptr<EmbeddingStore>> open(Store& store);
  EmbeddingStore(const EmbeddingStore&) = delete;
  EmbeddingStore& operator=(const EmbeddingStore&) = delete;

  // Row i is the vector stored for (model, hashes[i]), or nullopt when there is none or its
  // length is not `dimension` floats (a damaged row is treated as missing, to be re-embedded).
  Result<std::vector<std::optional<std::vector<float>>>> get(
      const std::string& model, const std::vector<std::string>& hashes, size_t dimension);

  // Inserts or replaces hashes.size() vectors of `dimension` floats each (row i of `vectors`
  // for hashes[i]) in one transaction, or in the caller's.
  Status put(const std::string& model, const std::vector<std::string>& hashes,
             const std::vector<float>& vectors, size_t dimension);

  Result<int64_t> count(const std::string& model);
  // Deletes every vector of `model`; returns how many were deleted.
  Result<int64_t> remove_model(const std::string& model);

 private:
  explicit EmbeddingStore(Store& store) : store_(store) {}
  Store& store_;
  Statement get_, put_, count_, remove_;
};

// Little-endian float32 bytes of `count` floats, and back (for the BLOB column).
std::string encode_vector(const float* values, size_t count);
std::vector<float> decode_vector(std::string_view bytes);

}  // namespace ragd
