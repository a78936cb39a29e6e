// The data folder: where a ragd installation keeps its store and indexes.
//
// Layout:  <data>/ragd.db            SQLite store (WAL: ragd.db-wal, ragd.db-shm)
//          <data>/index/<id>/lexical  lexical index of collection <id>
//          <data>/index/<id>/vectors/<model>  its vector index for one embedding model
//          <data>/write.lock          held (flock) by the one process that writes
// Thread-safety: DataDir is immutable; WriteLock is owned by one thread.
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "common/status.h"

namespace ragd {

// A file-name-safe, collision-free folder name for an embedding model id: its letters,
// digits, '.', '-' and '_' (others become '_', at most 64), then '-' and 12 hex characters of
// the id's SHA-256.
std::string model_folder_name(const std::string& model_id);

// --data flag, else $RAGD_DATA, else ./ragd-data.
std::string resolve_data_dir(const std::string& flag_value);

class DataDir {
 public:
  explicit DataDir(std::string root) : root_(std::move(root)) {}
  const std::string& root() const { return root_; }
  std::string store_path() const { return root_ + "/ragd.db"; }
  std::string lexical_index_path(int64_t collection_id) const;
  // Everything derived for one collection (lexical and vector indexes).
  std::string collection_index_path(int64_t collection_id) const;
  // The folder holding one vector index per embedding model of the collection.
  std::string vectors_path(int64_t collection_id) const;
  std::string vector_index_path(int64_t collection_id, const std::string& model_id) const;
  // Documents uploaded to a collection through the HTTP API (by collection name: a name is
  // checked safe as a path segment before it gets here).
  std::string uploads_path(const std::string& collection_name) const {
    return root_ + "/uploads/" + collection_name;
  }
  // Request bodies being received (temporary files).
  std::string spool_path() const { return root_ + "/spool"; }
  // Creates the folder when missing; fails when it cannot be created or written.
  Status ensure_exists() const;
  bool exists() const;
  // kNotFound, saying how to get a data folder, when there is none.
  Status require_exists() const;

 private:
  std::string root_;
};

// Exclusive writer lock on a data folder (ingest, rm, eval indexing). Readers never take it.
class WriteLock {
 public:
  // Fails with a clear message when another ragd process holds it.
  static Result<std::unique_ptr<WriteLock>> acquire(const DataDir& dir);
  ~WriteLock();
  WriteLock(const WriteLock&) = delete;
  WriteLock& operator=(const WriteLock&) = delete;

 private:
  explicit WriteLock(int fd) : fd_(fd) {}
  int fd_;
};

}  // namespace ragd
