#include "platform/platform_schema.h"

#include <sqlite3.h>

#include <ctime>
#include <iterator>

#include "platform/platform_sqlite_errors.h"
#include "sqlite/statement.h"

namespace ragd::platform {
namespace {

struct Migration {
  int version;
  const char* name;
  const char* sql;
};

// Append only: a released migration is never edited; a change is a new migration.
// Usage and audit rows have no foreign keys: they outlive what they describe and may name
// no organisation at all. The audit log refuses UPDATE and DELETE in the schema itself, so
// no code path (nor a stray tool on the same file) can rewrite history. Likewise a deleted
// user's personal data can only be purged, never edited. E-mail stays UNIQUE after deletion
// until the purge replaces it with a placeholder that is no address.
constexpr Migration kMigrations[] = {
    {1, "organisations, users, credentials, usage and audit", R"sql(
CREATE TABLE organizations (
  id TEXT PRIMARY KEY,
  name TEXT NOT NULL,
  plan TEXT NOT NULL,
  created_at INTEGER NOT NULL
);
CREATE TABLE users (
  id TEXT PRIMARY KEY,
  organization_id TEXT NOT NULL REFERENCES organizations(id),
  email TEXT NOT NULL UNIQUE,
  name TEXT NOT NULL DEFAULT '',
  password_hash TEXT NOT NULL DEFAULT '',
  role TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  password_changed_at INTEGER NOT NULL DEFAULT 0,
  failed_logins INTEGER NOT NULL DEFAULT 0,
  locked_until INTEGER NOT NULL DEFAULT 0,
  deleted_at INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX users_by_organization ON users(organization_id);
CREATE INDEX users_deleted ON users(deleted_at) WHERE deleted_at != 0;
CREATE TRIGGER users_deleted_keep_data BEFORE UPDATE OF email, name, password_hash ON users
WHEN old.deleted_at != 0
  AND NOT (new.email = 'purged+' || old.id AND new.name = '' AND new.password_hash = '')
BEGIN
  SELECT RAISE(ABORT, 'a deleted user changes only by the purge');
END;
CREATE TABLE refresh_tokens (
  id TEXT PRIMARY KEY,
  family TEXT NOT NULL,
  user_id TEXT NOT NULL REFERENCES users(id),
  organization_id TEXT NOT NULL REFERENCES organizations(id),
  digest TEXT NOT NULL UNIQUE,
  created_at INTEGER NOT NULL,
  expires_at INTEGER NOT NULL,
  used_at INTEGER NOT NULL DEFAULT 0,
  revoked_at INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX refresh_tokens_by_family ON refresh_tokens(family);
CREATE INDEX refresh_tokens_by_user ON refresh_tokens(user_id);
CREATE TABLE api_keys (
  id TEXT PRIMARY KEY,
  organization_id TEXT NOT NULL REFERENCES organizations(id),
  user_id TEXT NOT NULL REFERENCES users(id),
  name TEXT NOT NULL DEFAULT '',
  digest TEXT NOT NULL UNIQUE,
  scopes_json TEXT NOT NULL DEFAULT '[]',
  created_at INTEGER NOT NULL,
  expires_at INTEGER NOT NULL DEFAULT 0,
  last_used_at INTEGER NOT NULL DEFAULT 0,
  revoked_at INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX api_keys_by_organization ON api_keys(organization_id, user_id);
CREATE INDEX api_keys_by_user ON api_keys(user_id);
CREATE TABLE usage_records (
  id INTEGER PRIMARY KEY,
  organization_id TEXT NOT NULL,
  user_id TEXT NOT NULL DEFAULT '',
  api_key_id TEXT NOT NULL DEFAULT '',
  meter TEXT NOT NULL,
  amount INTEGER NOT NULL,
  at INTEGER NOT NULL,
  request_id TEXT NOT NULL DEFAULT ''
);
CREATE INDEX usage_by_organization ON usage_records(organization_id, at);
CREATE INDEX usage_by_meter ON usage_records(organization_id, meter, at);
CREATE TABLE audit_log (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  at INTEGER NOT NULL,
  organization_id TEXT NOT NULL DEFAULT '',
  actor_user TEXT NOT NULL DEFAULT '',
  actor_key TEXT NOT NULL DEFAULT '',
  action TEXT NOT NULL,
  target TEXT NOT NULL DEFAULT '',
  outcome TEXT NOT NULL DEFAULT '',
  ip TEXT NOT NULL DEFAULT '',
  user_agent TEXT NOT NULL DEFAULT '',
  request_id TEXT NOT NULL DEFAULT '',
  details TEXT NOT NULL DEFAULT '{}'
);
CREATE INDEX audit_by_organization ON audit_log(organization_id, id);
CREATE INDEX audit_by_at ON audit_log(at);
CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log BEGIN
  SELECT RAISE(ABORT, 'audit log is append-only');
END;
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log BEGIN
  SELECT RAISE(ABORT, 'audit log is append-only');
END;
)sql"},
};

constexpr int kLatestVersion = static_cast<int>(std::size(kMigrations));

// 0 for a fresh file; -1 for a file with other tables and no platform_schema.
Result<int> read_version(sqlite3* db) {
  auto tables = Statement::prepare(
      db,
      "SELECT COUNT(*), COALESCE(SUM(name = 'platform_schema'), 0) FROM sqlite_master "
      "WHERE type = 'table' AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\'",
      platform_sqlite_status);
  if (!tables) return tables.status();
  auto row = tables->step("cannot read the schema");
  if (!row) return row.status();
  int64_t count = tables->column_int64(0);
  bool has_schema = tables->column_int64(1) != 0;
  if (!has_schema) return count == 0 ? 0 : -1;
  auto version = Statement::prepare(db, "SELECT COALESCE(MAX(version), 0) FROM platform_schema",
                                    platform_sqlite_status);
  if (!version) return version.status();
  row = version->step("cannot read the schema version");
  if (!row) return row.status();
  return static_cast<int>(version->column_int64(0));
}

Status check_version(int version, const std::string& path) {
  if (version < 0) {
    return Status::corruption("'" + path +
                              "' is a database of another program, not a ragd platform "
                              "database: give the platform its own file");
  }
  if (version > kLatestVersion) {
    return Status::invalid("platform database '" + path + "' has schema version " +
                           std::to_string(version) + " but this ragd understands versions up to " +
                           std::to_string(kLatestVersion) + ": upgrade ragd to open it");
  }
  return Status::ok();
}

Status apply_one(sqlite3* db, const Migration& migration, const std::string& path) {
  std::string what = "migrating to schema version " + std::to_string(migration.version);
  RAGD_RETURN_IF_ERROR(exec_sql(db, "BEGIN IMMEDIATE", what, platform_sqlite_status));
  auto rollback_with = [&](Status status) {
    if (sqlite3_get_autocommit(db) == 0) sqlite3_exec(db, "ROLLBACK", nullptr, nullptr, nullptr);
    return status;
  };
  // Another process may have migrated while this one waited for the lock.
  auto current = read_version(db);
  if (!current) return rollback_with(current.status());
  Status status = check_version(*current, path);
  if (!status) return rollback_with(status);
  if (*current >= migration.version) return rollback_with(Status::ok());
  status = exec_sql(db,
                    "CREATE TABLE IF NOT EXISTS platform_schema ("
                    " version INTEGER PRIMARY KEY,"
                    " name TEXT NOT NULL,"
                    " applied_at INTEGER NOT NULL)",
                    what, platform_sqlite_status);
  if (!status) return rollback_with(status);
  status = exec_sql(db, migration.sql, what, platform_sqlite_status);
  if (!status) return rollback_with(status);
  auto record = Statement::prepare(
      db, "INSERT INTO platform_schema(version, name, applied_at) VALUES (?, ?, ?)",
      platform_sqlite_status);
  if (!record) return rollback_with(record.status());
  status =
      record->bind_all(migration.version, migration.name, static_cast<int64_t>(std::time(nullptr)));
  if (status) status = record->run(what);
  if (!status) return rollback_with(status);
  record->reset();
  status = exec_sql(db, "COMMIT", what, platform_sqlite_status);
  if (!status) return rollback_with(status);
  return Status::ok();
}

}  // namespace

int platform_schema_version() {
  return kLatestVersion;
}

Result<int> migrate_platform_schema(sqlite3* db, const std::string& path) {
  auto version = read_version(db);
  if (!version) return version.status();
  RAGD_RETURN_IF_ERROR(check_version(*version, path));
  for (const Migration& migration : kMigrations) {
    if (migration.version <= *version) continue;
    RAGD_RETURN_IF_ERROR(apply_one(db, migration, path));
  }
  version = read_version(db);
  if (!version) return version.status();
  RAGD_RETURN_IF_ERROR(check_version(*version, path));
  return *version;
}

}  // namespace ragd::platform
