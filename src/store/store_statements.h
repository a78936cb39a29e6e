// Store::Statements: the per-connection state behind Store's fixed header — every SQL
// statement the store runs, prepared once at open and reused, plus the schema version found
// at open and the transaction helper. Owned by one Store; not thread-safe, like the Store.
#pragma once

#include <functional>
#include <memory>

#include "common/status.h"
#include "sqlite/statement.h"
#include "store/store.h"

namespace ragd {

struct Store::Statements {
  static Result<std::unique_ptr<Statements>> prepare(sqlite3* db);

  // Runs `work` atomically: in its own BEGIN IMMEDIATE transaction when none is open, else
  // in a SAVEPOINT, so a failing unit inside a caller's batch undoes only itself. Commits or
  // releases when `work` returns ok; rolls back when it fails or throws.
  Status atomically(sqlite3* db, const std::function<Status()>& work);

  // Deletes a document's chunks and logs each removal for the indexes (inside the caller's
  // transaction).
  Status remove_chunks_logged(int64_t collection_id, int64_t document_id);

  int schema_version = 0;

  Statement begin_immediate, commit, rollback, savepoint, release, rollback_to;

  Statement insert_collection, find_collection, list_collections, collection_exists,
      log_collection_removals, delete_collection;

  Statement find_document_id, find_document, get_document, insert_document, update_document,
      document_collection, log_document_removals, delete_document_chunks, delete_document,
      list_all_documents, list_documents_with_prefix;

  Statement insert_chunk, log_change, get_chunk, document_chunks, chunk_for_index;

  Statement changes_since, last_change_seq, set_state, get_state;
};

}  // namespace ragd
