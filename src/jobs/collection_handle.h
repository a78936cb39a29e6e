// Opens what a command needs to work on one collection: the store connection, the
// collection's analyzer and its lexical index, brought up to date with the store; and, when
// the collection has an embedding model, its provider, the embedding cache and the model's
// vector index (<data>/index/<id>/vectors/<model>/).
//
// Without a model (settings say "none", or the default model cannot be found, or it cannot be
// loaded) the collection is lexical-only and `dense_note` says why, so the caller can tell
// the user once.
//
// Writers hold the data folder's WriteLock and bring the index up to date (persisted) when
// opening. Readers never write: they call catch_up_in_memory() inside the same
// Store::in_read_snapshot() as their searches, so index and store agree on one snapshot.
// Thread-safety: a CollectionHandle belongs to one thread.
#pragma once

#include <functional>
#include <memory>
#include <string>

#include "common/status.h"
#include "embed/embedding_provider.h"
#include "index/lexical_index.h"
#include "index/vector_index.h"
#include "jobs/cached_embedder.h"
#include "jobs/collection_settings.h"
#include "jobs/data_dir.h"
#include "jobs/vector_sync.h"
#include "store/embedding_store.h"
#include "store/store.h"
#include "text/analyzer.h"

namespace ragd {

struct CollectionHandle {
  std::unique_ptr<WriteLock> lock;  // writers only
  std::unique_ptr<Store> store;
  CollectionInfo collection;
  CollectionSettings settings;
  std::unique_ptr<Analyzer> analyzer;
  std::unique_ptr<LexicalIndex> index;
  // Dense retrieval; all null when the collection is lexical-only.
  std::unique_ptr<EmbeddingProvider> provider;
  std::unique_ptr<EmbeddingStore> embeddings;
  std::unique_ptr<CachedEmbedder> embedder;
  std::unique_ptr<VectorIndex> vectors;
  std::string dense_note;  // why there is no dense retrieval, or why it is incomplete
  // Readers: chunks whose vectors are still missing after catch_up_in_memory (a writer has not
  // embedded them yet); dense search cannot find them.
  uint64_t vectors_missing = 0;

  bool dense() const { return vectors != nullptr; }
};

struct OpenCollectionOptions {
  bool vectors = true;            // open the provider and vector index when there is a model
  bool catch_up_vectors = true;   // writers: embed what the vector index lacks at open
  size_t encoder_threads = 0;     // 0 = all cores
  std::function<void(const VectorProgress&)> on_vector_progress;
};

enum class OpenMode {
  kRead,           // the data folder and collection must exist (kNotFound otherwise)
  kWrite,          // as kRead, and takes the write lock
  kWriteOrCreate,  // takes the write lock; creates the data folder and collection
};

Result<CollectionHandle> open_collection(const DataDir& data, const std::string& name,
                                         OpenMode mode);
Result<CollectionHandle> open_collection(const DataDir& data, const std::string& name,
                                         OpenMode mode, const OpenCollectionOptions& options);

// Applies, in memory only, the store changes the indexes on disk do not reflect yet. For the
// vector index, vectors come from the embedding cache, and at most kReaderEmbedLimit missing
// ones are embedded on the spot; when the index is further behind than kReaderLagLimit
// changes, dense retrieval is switched off for this handle (with a note) rather than made
// slow.
Status catch_up_in_memory(CollectionHandle& handle);
inline constexpr size_t kReaderEmbedLimit = 64;
inline constexpr size_t kReaderLagLimit = 20000;

// Opens the provider, cache and vector index of `handle` for `settings` (used by open and by
// reindex for a model that is not the collection's yet). Sets dense_note instead of failing
// when the default model cannot be found.
Status open_dense(const DataDir& data, CollectionHandle& handle, const EmbeddingSettings& settings,
                  bool read_only, size_t encoder_threads = 0);

}  // namespace ragd
