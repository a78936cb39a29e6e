// Keeps a collection's VectorIndex (one embedding model) in step with the store's change log,
// exactly as catch_up_index does for the lexical index: the index records the last sequence
// number it reflects, and catching up replays the log from there — additions are read back,
// turned into passage texts and embedded through the cache, removals become deletions.
//
// Crash safety: embeddings reach the store's cache after every provider call, and the index
// is persisted every `persist_every` vectors and at the end; after kill -9 the next catch-up
// replays from the last persisted sequence number and finds the vectors embedded since in
// the cache, so no work is lost beyond one provider call.
//
// Thread-safety: not thread-safe (one Store connection); run from one thread.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <limits>
#include <string>

#include "common/status.h"
#include "index/vector_index.h"
#include "jobs/cached_embedder.h"
#include "store/store.h"

namespace ragd {

// What is embedded for a chunk: its heading trail (the document title, then the section
// path when it adds to it), a space, then the chunk text. For a BEIR document this is
// title + " " + text, as MTEB embeds it.
std::string passage_text(const ChunkForIndex& chunk);

struct VectorProgress {
  int64_t first_seq = 0;    // applied_seq when the catch-up started
  int64_t applied_seq = 0;  // now
  int64_t target_seq = 0;   // the store's last change when it started (an upper bound)
  uint64_t embedded = 0;    // passages embedded by the provider so far
  uint64_t cached = 0;      // passages found in the cache so far
};

struct VectorCatchUpOptions {
  bool persist = true;            // false: in memory only (a reader that must not write)
  bool store_embeddings = true;   // false: readers, which never write the cache either
  size_t batch_changes = 2048;    // changes read from the log at a time
  size_t persist_every = 4096;    // vectors applied between two persisted manifests
  // Readers: passages missing from the cache beyond this many are left out of the index
  // (dense search misses them until a writer embeds them; lexical search still has them).
  size_t max_new_embeddings = std::numeric_limits<size_t>::max();
  std::function<void(const VectorProgress&)> on_progress;
};

struct VectorCatchUpSummary {
  size_t changes = 0;
  uint64_t embedded = 0;
  uint64_t cached = 0;
  uint64_t left_out = 0;  // additions not indexed (max_new_embeddings reached)
  double seconds = 0;
};

// Applies every change of `collection_id` after index.applied_seq().
Result<VectorCatchUpSummary> catch_up_vectors(Store& store, int64_t collection_id,
                                              VectorIndex& index, CachedEmbedder& embedder,
                                              const VectorCatchUpOptions& options = {});

// Number of changes of `collection_id` after `after_seq`, counting at most `limit` + 1 (so
// "more than limit" can be told apart cheaply).
Result<size_t> pending_changes(Store& store, int64_t collection_id, int64_t after_seq,
                               size_t limit);

}  // namespace ragd
