#include "store/store_statements.h"

#include <sqlite3.h>

#include <exception>
#include <string>

namespace ragd {
namespace {

// Column lists shared by the statements that fill one struct; store_rows.h reads them.
constexpr char kCollectionColumns[] =
    "SELECT c.id, c.name, c.description, c.settings_json, c.created_at,"
    " (SELECT COUNT(*) FROM documents d WHERE d.collection_id = c.id),"
    " (SELECT COUNT(*) FROM documents d JOIN chunks k ON k.document_id = d.id"
    "  WHERE d.collection_id = c.id)"
    " FROM collections c ";
constexpr char kDocumentColumns[] =
    "SELECT d.id, d.collection_id, d.key, d.source_path, d.title, d.domain, d.tags_json,"
    " d.date, d.content_hash, d.ingested_at,"
    " (SELECT COUNT(*) FROM chunks k WHERE k.document_id = d.id), d.text_bytes"
    " FROM documents d ";
constexpr char kChunkColumns[] =
    "SELECT id, document_id, chunk_key, ordinal, \"begin\", \"end\", section_path, text,"
    " token_count FROM chunks ";

}  // namespace

Result<std::unique_ptr<Store::Statements>> Store::Statements::prepare(sqlite3* db) {
  auto s = std::make_unique<Statements>();
  const struct {
    Statement* target;
    std::string sql;
  } table[] = {
      {&s->begin_immediate, "BEGIN IMMEDIATE"},
      {&s->commit, "COMMIT"},
      {&s->rollback, "ROLLBACK"},
      // One name serves every depth: SQLite resolves a name to the innermost savepoint.
      {&s->savepoint, "SAVEPOINT ragd_unit"},
      {&s->release, "RELEASE ragd_unit"},
      {&s->rollback_to, "ROLLBACK TO ragd_unit"},

      {&s->insert_collection,
       "INSERT INTO collections(name, description, settings_json, created_at)"
       " VALUES (?1, '', '{}', ?2) ON CONFLICT(name) DO NOTHING"},
      {&s->find_collection, std::string(kCollectionColumns) + "WHERE c.name = ?1"},
      {&s->list_collections, std::string(kCollectionColumns) + "ORDER BY c.name"},
      {&s->collection_exists, "SELECT 1 FROM collections WHERE id = ?1"},
      {&s->log_collection_removals,
       "INSERT INTO chunk_changes(collection_id, chunk_id, added)"
       " SELECT d.collection_id, k.id, 0 FROM documents d JOIN chunks k ON k.document_id = d.id"
       " WHERE d.collection_id = ?1 ORDER BY k.id"},
      {&s->delete_collection, "DELETE FROM collections WHERE id = ?1"},

      {&s->find_document_id, "SELECT id FROM documents WHERE collection_id = ?1 AND key = ?2"},
      {&s->find_document,
       std::string(kDocumentColumns) + "WHERE d.collection_id = ?1 AND d.key = ?2"},
      {&s->get_document, std::string(kDocumentColumns) + "WHERE d.id = ?1"},
      {&s->insert_document,
       "INSERT INTO documents(collection_id, key, source_path, title, domain, tags_json, date,"
       " extra_json, content_hash, text, text_bytes, ingested_at)"
       " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)"},
      {&s->update_document,
       "UPDATE documents SET source_path = ?2, title = ?3, domain = ?4, tags_json = ?5,"
       " date = ?6, extra_json = ?7, content_hash = ?8, text = ?9, text_bytes = ?10,"
       " ingested_at = ?11 WHERE id = ?1"},
      {&s->document_collection, "SELECT collection_id FROM documents WHERE id = ?1"},
      {&s->log_document_removals,
       "INSERT INTO chunk_changes(collection_id, chunk_id, added)"
       " SELECT ?1, id, 0 FROM chunks WHERE document_id = ?2 ORDER BY id"},
      {&s->delete_document_chunks, "DELETE FROM chunks WHERE document_id = ?1"},
      {&s->delete_document, "DELETE FROM documents WHERE id = ?1"},
      {&s->list_all_documents,
       std::string(kDocumentColumns) + "WHERE d.collection_id = ?1 ORDER BY d.key"},
      // Range comparisons rather than LIKE: keys may hold % and _, and BINARY collation
      // compares bytes, so [p + "/", p + "0") is exactly the keys starting with p + "/"
      // ('0' follows '/'), and likewise [p + "#", p + "$").
      {&s->list_documents_with_prefix,
       std::string(kDocumentColumns) +
           "WHERE d.collection_id = ?1 AND (d.key = ?2 OR (d.key >= ?3 AND d.key < ?4)"
           " OR (d.key >= ?5 AND d.key < ?6)) ORDER BY d.key"},

      {&s->insert_chunk,
       "INSERT INTO chunks(document_id, chunk_key, ordinal, \"begin\", \"end\", section_path,"
       " text, token_count) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)"},
      {&s->log_change,
       "INSERT INTO chunk_changes(collection_id, chunk_id, added) VALUES (?1, ?2, ?3)"},
      {&s->get_chunk, std::string(kChunkColumns) + "WHERE id = ?1"},
      {&s->document_chunks,
       std::string(kChunkColumns) + "WHERE document_id = ?1 ORDER BY ordinal, id"},
      {&s->chunk_for_index,
       "SELECT k.id, k.document_id, d.title, k.section_path, k.text, d.domain, d.tags_json,"
       " d.date FROM chunks k JOIN documents d ON d.id = k.document_id WHERE k.id = ?1"},

      {&s->changes_since,
       "SELECT seq, chunk_id, added FROM chunk_changes"
       " WHERE collection_id = ?1 AND seq > ?2 ORDER BY seq LIMIT ?3"},
      {&s->last_change_seq, "SELECT COALESCE(MAX(seq), 0) FROM chunk_changes"},
      {&s->set_state,
       "INSERT INTO ingest_state(key, value) VALUES (?1, ?2)"
       " ON CONFLICT(key) DO UPDATE SET value = excluded.value"},
      {&s->get_state, "SELECT value FROM ingest_state WHERE key = ?1"},
  };
  for (const auto& entry : table) {
    auto statement = Statement::prepare(db, entry.sql);
    if (!statement) return statement.status();
    *entry.target = std::move(*statement);
  }
  return s;
}

Status Store::Statements::remove_chunks_logged(int64_t collection_id, int64_t document_id) {
  {
    StatementReset reset(log_document_removals);
    RAGD_RETURN_IF_ERROR(log_document_removals.bind_all(collection_id, document_id));
    RAGD_RETURN_IF_ERROR(log_document_removals.run());
  }
  StatementReset reset(delete_document_chunks);
  RAGD_RETURN_IF_ERROR(delete_document_chunks.bind_all(document_id));
  return delete_document_chunks.run();
}

Status Store::Statements::atomically(sqlite3* db, const std::function<Status()>& work) {
  const bool nested = sqlite3_get_autocommit(db) == 0;
  {
    Statement& open = nested ? savepoint : begin_immediate;
    StatementReset reset(open);
    RAGD_RETURN_IF_ERROR(open.run());
  }
  Status status;
  try {
    status = work();
  } catch (const std::exception& e) {
    status =
        Status::internal(std::string("unexpected exception in a store transaction: ") + e.what());
  } catch (...) {
    status = Status::internal("unexpected exception in a store transaction");
  }
  if (status) {
    Statement& close = nested ? release : commit;
    StatementReset reset(close);
    status = close.run();
    if (status) return Status::ok();
  }
  // SQLite itself may already have rolled the whole transaction back (disk full, I/O error);
  // then there is nothing left to undo here and the caller's outer commit will fail too.
  if (sqlite3_get_autocommit(db) == 0) {
    if (nested) {
      StatementReset reset_to(rollback_to);
      StatementReset reset_release(release);
      if (rollback_to.run()) (void)release.run();
    } else {
      StatementReset reset(rollback);
      (void)rollback.run();
    }
  }
  return status;
}

}  // namespace ragd
