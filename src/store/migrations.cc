#include "store/migrations.h"

#include <sqlite3.h>

#include <ctime>
#include <iterator>

#include "sqlite/statement.h"

namespace ragd {
namespace {

struct Migration {
  int version;
  const char* name;
  const char* sql;
};

// Append only: a released migration is never edited, a change is a new migration.
// AUTOINCREMENT on ids that indexes hold (chunks) and that callers may hold (collections,
// documents) so an id is never handed out twice, even after the newest row is deleted.
// chunk_changes has no foreign key: removals must outlive the rows they describe.
// documents.text_bytes is kept beside the text because SQLite 3.40 cannot measure stored
// text without reading it.
constexpr Migration kMigrations[] = {
    {1, "initial schema", R"sql(
CREATE TABLE collections (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  name TEXT NOT NULL UNIQUE,
  description TEXT NOT NULL DEFAULT '',
  settings_json TEXT NOT NULL DEFAULT '{}',
  created_at INTEGER NOT NULL
);
CREATE TABLE documents (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  collection_id INTEGER NOT NULL REFERENCES collections(id) ON DELETE CASCADE,
  key TEXT NOT NULL,
  source_path TEXT NOT NULL DEFAULT '',
  title TEXT NOT NULL DEFAULT '',
  domain TEXT NOT NULL DEFAULT '',
  tags_json TEXT NOT NULL DEFAULT '[]',
  date TEXT,
  extra_json TEXT NOT NULL DEFAULT '{}',
  content_hash TEXT NOT NULL DEFAULT '',
  text TEXT NOT NULL DEFAULT '',
  text_bytes INTEGER NOT NULL DEFAULT 0,
  ingested_at INTEGER NOT NULL,
  UNIQUE (collection_id, key)
);
CREATE TABLE chunks (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  document_id INTEGER NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
  chunk_key TEXT NOT NULL,
  ordinal INTEGER NOT NULL,
  "begin" INTEGER NOT NULL,
  "end" INTEGER NOT NULL,
  section_path TEXT NOT NULL DEFAULT '',
  text TEXT NOT NULL,
  token_count INTEGER NOT NULL
);
CREATE INDEX chunks_by_document ON chunks(document_id);
CREATE TABLE chunk_changes (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  collection_id INTEGER NOT NULL,
  chunk_id INTEGER NOT NULL,
  added INTEGER NOT NULL
);
CREATE INDEX chunk_changes_by_collection ON chunk_changes(collection_id, seq);
CREATE TABLE ingest_state (
  key TEXT PRIMARY KEY,
  value TEXT NOT NULL
);
)sql"},
    // Vectors are keyed by what was embedded, not by chunk: an unchanged passage in a
    // re-ingested document, or the same text in two collections, is embedded once per model.
    {2, "embeddings", R"sql(
CREATE TABLE embeddings (
  model TEXT NOT NULL,
  content_hash TEXT NOT NULL,
  vector BLOB NOT NULL,
  created_at INTEGER NOT NULL,
  PRIMARY KEY (model, content_hash)
) WITHOUT ROWID;
)sql"},
    // public_id is what clients see (random, unguessable); ids stay internal.
    {3, "chat sessions", R"sql(
CREATE TABLE chat_sessions (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  public_id TEXT NOT NULL UNIQUE,
  owner TEXT NOT NULL DEFAULT '',
  collection_id INTEGER REFERENCES collections(id) ON DELETE SET NULL,
  title TEXT NOT NULL DEFAULT '',
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL
);
CREATE INDEX chat_sessions_by_owner ON chat_sessions(owner, updated_at);
CREATE TABLE chat_turns (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  public_id TEXT NOT NULL UNIQUE,
  session_id INTEGER NOT NULL REFERENCES chat_sessions(id) ON DELETE CASCADE,
  ordinal INTEGER NOT NULL,
  question TEXT NOT NULL,
  rewritten_query TEXT NOT NULL DEFAULT '',
  answer TEXT NOT NULL DEFAULT '',
  citations_json TEXT NOT NULL DEFAULT '[]',
  strategy TEXT NOT NULL DEFAULT '',
  model TEXT NOT NULL DEFAULT '',
  prompt_tokens INTEGER NOT NULL DEFAULT 0,
  completion_tokens INTEGER NOT NULL DEFAULT 0,
  latency_json TEXT NOT NULL DEFAULT '{}',
  feedback_rating INTEGER,
  feedback_text TEXT,
  created_at INTEGER NOT NULL,
  UNIQUE (session_id, ordinal)
);
CREATE TABLE session_summaries (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  session_id INTEGER NOT NULL REFERENCES chat_sessions(id) ON DELETE CASCADE,
  owner TEXT NOT NULL DEFAULT '',
  first_ordinal INTEGER NOT NULL,
  last_ordinal INTEGER NOT NULL,
  summary TEXT NOT NULL,
  created_at INTEGER NOT NULL
);
CREATE INDEX session_summaries_by_owner ON session_summaries(owner);
)sql"},
    // Summary search in the database: an FTS5 index over session_summaries.summary that
    // triggers keep in step with every insert, update and delete (cascades included), and
    // back-filled here so an existing database upgrades in place. owner_key ('o' and the hex
    // of the owner's bytes, one token) lets a search visit only its owner's postings; the
    // view exists so that FTS5's 'rebuild' and integrity checks can read that column.
    // session_summaries_by_session serves the superseded-summary test of the search.
    {4, "summary search index", R"sql(
CREATE INDEX session_summaries_by_session ON session_summaries(session_id, first_ordinal);
CREATE VIEW session_summaries_fts_content AS
  SELECT id, 'o' || hex(owner) AS owner_key, summary FROM session_summaries;
CREATE VIRTUAL TABLE session_summaries_fts USING fts5(
  owner_key, summary,
  content = 'session_summaries_fts_content', content_rowid = 'id',
  tokenize = 'porter unicode61 remove_diacritics 2'
);
CREATE TRIGGER session_summaries_fts_insert AFTER INSERT ON session_summaries BEGIN
  INSERT INTO session_summaries_fts(rowid, owner_key, summary)
    VALUES (new.id, 'o' || hex(new.owner), new.summary);
END;
CREATE TRIGGER session_summaries_fts_delete AFTER DELETE ON session_summaries BEGIN
  INSERT INTO session_summaries_fts(session_summaries_fts, rowid, owner_key, summary)
    VALUES ('delete', old.id, 'o' || hex(old.owner), old.summary);
END;
CREATE TRIGGER session_summaries_fts_update AFTER UPDATE OF id, owner, summary
    ON session_summaries BEGIN
  INSERT INTO session_summaries_fts(session_summaries_fts, rowid, owner_key, summary)
    VALUES ('delete', old.id, 'o' || hex(old.owner), old.summary);
  INSERT INTO session_summaries_fts(rowid, owner_key, summary)
    VALUES (new.id, 'o' || hex(new.owner), new.summary);
END;
INSERT INTO session_summaries_fts(session_summaries_fts) VALUES ('rebuild');
)sql"},
};

constexpr int kLatestVersion = std::size(kMigrations);

Result<bool> migrations_table_exists(sqlite3* db) {
  auto statement = Statement::prepare(
      db, "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'schema_migrations'");
  if (!statement) return statement.status();
  return statement->step();
}

Status apply_one(sqlite3* db, const Migration& migration, const std::string& path) {
  std::string what = "migrating '" + path + "' to schema version " +
                     std::to_string(migration.version) + " (" + migration.name + ")";
  RAGD_RETURN_IF_ERROR(exec_sql(db, "BEGIN IMMEDIATE", what));
  auto rollback_with = [&](Status status) {
    if (sqlite3_get_autocommit(db) == 0) sqlite3_exec(db, "ROLLBACK", nullptr, nullptr, nullptr);
    return status;
  };
  Status status = exec_sql(db,
                           "CREATE TABLE IF NOT EXISTS schema_migrations ("
                           " version INTEGER PRIMARY KEY,"
                           " name TEXT NOT NULL,"
                           " applied_at INTEGER NOT NULL)",
                           what);
  if (!status) return rollback_with(status);
  // Another process may have applied it while this one waited for the lock.
  auto current = read_schema_version(db);
  if (!current) return rollback_with(current.status());
  if (*current >= migration.version) return rollback_with(Status::ok());
  if (*current != migration.version - 1) {
    return rollback_with(Status::corruption(what + ": the database is at version " +
                                            std::to_string(*current) + ", expected " +
                                            std::to_string(migration.version - 1)));
  }
  status = exec_sql(db, migration.sql, what);
  if (!status) return rollback_with(status);
  auto record = Statement::prepare(
      db, "INSERT INTO schema_migrations(version, name, applied_at) VALUES (?, ?, ?)");
  if (!record) return rollback_with(record.status());
  status = record->bind_all(migration.version, std::string_view(migration.name),
                            static_cast<int64_t>(std::time(nullptr)));
  if (status) status = record->run();
  if (!status) return rollback_with(status);
  status = exec_sql(db, "COMMIT", what);
  if (!status) return rollback_with(status);
  return Status::ok();
}

Status newer_version_error(const std::string& path, int version) {
  return Status::error(ErrorCode::kUnsupported,
                       "database '" + path + "' has schema version " + std::to_string(version) +
                           " but this ragd understands versions up to " +
                           std::to_string(kLatestVersion) +
                           "; it was written by a newer ragd: upgrade ragd to open it");
}

}  // namespace

int latest_schema_version() {
  return kLatestVersion;
}

Result<int> read_schema_version(sqlite3* db) {
  auto exists = migrations_table_exists(db);
  if (!exists) return exists.status();
  if (!*exists) return 0;
  auto statement =
      Statement::prepare(db, "SELECT COALESCE(MAX(version), 0) FROM schema_migrations");
  if (!statement) return statement.status();
  auto row = statement->step();
  if (!row) return row.status();
  return static_cast<int>(statement->column_int64(0));
}

Result<int> apply_migrations(sqlite3* db, const std::string& path) {
  auto version = read_schema_version(db);
  if (!version) return version.status();
  if (*version > kLatestVersion) return newer_version_error(path, *version);
  for (const Migration& migration : kMigrations) {
    if (migration.version <= *version) continue;
    RAGD_RETURN_IF_ERROR(apply_one(db, migration, path));
  }
  // A newer ragd may have migrated further while this one waited for the lock.
  version = read_schema_version(db);
  if (!version) return version.status();
  if (*version > kLatestVersion) return newer_version_error(path, *version);
  return version;
}

}  // namespace ragd
