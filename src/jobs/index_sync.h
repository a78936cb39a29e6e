// Keeps a collection's LexicalIndex in step with the store's change log.
//
// The store is the system of record; the index is derived from it. Every chunk insert or
// delete appends to the store's change log in the same transaction, and the index records
// the last sequence number it reflects. Catching up replays the log from there: additions
// are read back from the store and analysed, removals become deletions. A crash between a
// store commit and an index write therefore loses nothing: the next catch-up replays it.
//
// Thread-safety: not thread-safe (uses one Store connection); run from one thread.
#pragma once

#include <cstddef>
#include <cstdint>

#include "common/status.h"
#include "index/lexical_index.h"
#include "store/store.h"
#include "text/analyzer.h"

namespace ragd {

struct IndexDocumentBuilder {
  // Title field: document title and the chunk's section path; body: the chunk text.
  static IndexDocument build(const ChunkForIndex& chunk, const Analyzer& analyzer);
};

struct CatchUpOptions {
  bool persist = true;       // false: in memory only (a reader that must not write)
  size_t batch_changes = 50000;
  size_t threads = 0;        // analysis threads; 0 = hardware concurrency
};

// Applies every change of `collection_id` after index.applied_seq(). Returns the number of
// changes applied.
Result<size_t> catch_up_index(Store& store, int64_t collection_id, LexicalIndex& index,
                              const Analyzer& analyzer, const CatchUpOptions& options = {});

}  // namespace ragd
