// Opens what a command needs to work on one collection: the store connection, the
// collection's analyzer and its lexical index, brought up to date with the store.
//
// Writers hold the data folder's WriteLock and bring the index up to date (persisted) when
// opening. Readers never write: they call catch_up_in_memory() inside the same
// Store::in_read_snapshot() as their searches, so index and store agree on one snapshot.
// Thread-safety: a CollectionHandle belongs to one thread.
#pragma once

#include <memory>
#include <string>

#include "common/status.h"
#include "index/lexical_index.h"
#include "jobs/collection_settings.h"
#include "jobs/data_dir.h"
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
};

enum class OpenMode {
  kRead,           // the data folder and collection must exist (kNotFound otherwise)
  kWrite,          // as kRead, and takes the write lock
  kWriteOrCreate,  // takes the write lock; creates the data folder and collection
};

Result<CollectionHandle> open_collection(const DataDir& data, const std::string& name,
                                         OpenMode mode);

// Applies, in memory only, the store changes the index on disk does not reflect yet.
Status catch_up_in_memory(CollectionHandle& handle);

}  // namespace ragd
