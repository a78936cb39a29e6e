#include "platform/platform_sqlite.h"

#include <sqlite3.h>

#include <limits>
#include <utility>

namespace ragd::platform {

Status sqlite_failure(int rc, std::string_view what) {
  std::string message = "platform database: " + std::string(what) + ": " + sqlite3_errstr(rc);
  switch (rc) {
    case SQLITE_CONSTRAINT_UNIQUE:
    case SQLITE_CONSTRAINT_PRIMARYKEY:
      return Status::error(ErrorCode::kAlreadyExists, message);
    case SQLITE_CONSTRAINT_FOREIGNKEY:
      return Status::not_found(message + " (it refers to a missing organisation or user)");
    default:
      break;
  }
  switch (rc & 0xff) {
    case SQLITE_CONSTRAINT:
    case SQLITE_TOOBIG:
    case SQLITE_MISMATCH:
    case SQLITE_RANGE:
      return Status::invalid(message);
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
      return Status::error(ErrorCode::kBusy, message + "; another process held the lock, retry");
    case SQLITE_CORRUPT:
    case SQLITE_NOTADB:
      return Status::corruption(message +
                                "; the file is damaged or is not a ragd platform database");
    default:
      return Status::io(message);
  }
}

Status exec_script(sqlite3* db, const char* sql, std::string_view what) {
  int rc = sqlite3_exec(db, sql, nullptr, nullptr, nullptr);
  if (rc == SQLITE_OK) return Status::ok();
  return sqlite_failure(sqlite3_extended_errcode(db), what);
}

Result<SqlStatement> SqlStatement::prepare(sqlite3* db, std::string_view sql) {
  if (sql.size() > static_cast<size_t>(std::numeric_limits<int>::max())) {
    return Status::invalid("SQL statement too long");
  }
  sqlite3_stmt* raw = nullptr;
  int rc = sqlite3_prepare_v3(db, sql.data(), static_cast<int>(sql.size()),
                              SQLITE_PREPARE_PERSISTENT, &raw, nullptr);
  if (rc != SQLITE_OK) {
    sqlite3_finalize(raw);
    return sqlite_failure(sqlite3_extended_errcode(db), "cannot prepare a statement");
  }
  if (raw == nullptr) return Status::internal("platform database: empty SQL statement");
  return SqlStatement(db, raw);
}

SqlStatement::SqlStatement(SqlStatement&& other) noexcept
    : db_(std::exchange(other.db_, nullptr)),
      statement_(std::exchange(other.statement_, nullptr)) {}

SqlStatement& SqlStatement::operator=(SqlStatement&& other) noexcept {
  if (this != &other) {
    sqlite3_finalize(statement_);
    db_ = std::exchange(other.db_, nullptr);
    statement_ = std::exchange(other.statement_, nullptr);
  }
  return *this;
}

SqlStatement::~SqlStatement() {
  sqlite3_finalize(statement_);
}

void SqlStatement::reset() {
  if (statement_ == nullptr) return;
  // The return value repeats the error of the last step, which was already reported.
  sqlite3_reset(statement_);
  sqlite3_clear_bindings(statement_);
}

Status SqlStatement::bind(int index, int64_t value) {
  int rc = sqlite3_bind_int64(statement_, index, value);
  if (rc != SQLITE_OK) return sqlite_failure(rc, "cannot bind an integer");
  return Status::ok();
}

Status SqlStatement::bind(int index, std::string_view value) {
  int rc = sqlite3_bind_text64(statement_, index, value.data(), value.size(), SQLITE_TRANSIENT,
                               SQLITE_UTF8);
  if (rc != SQLITE_OK) return sqlite_failure(rc, "cannot bind a text value");
  return Status::ok();
}

Status SqlStatement::bind(int index, const std::optional<std::string>& value) {
  if (value) return bind(index, std::string_view(*value));
  int rc = sqlite3_bind_null(statement_, index);
  if (rc != SQLITE_OK) return sqlite_failure(rc, "cannot bind NULL");
  return Status::ok();
}

Result<bool> SqlStatement::step(std::string_view what) {
  int rc = sqlite3_step(statement_);
  if (rc == SQLITE_ROW) return true;
  if (rc == SQLITE_DONE) return false;
  return sqlite_failure(sqlite3_extended_errcode(db_), what);
}

Result<int64_t> SqlStatement::run(std::string_view what) {
  int rc = sqlite3_step(statement_);
  while (rc == SQLITE_ROW) rc = sqlite3_step(statement_);
  if (rc != SQLITE_DONE) return sqlite_failure(sqlite3_extended_errcode(db_), what);
  return static_cast<int64_t>(sqlite3_changes64(db_));
}

int64_t SqlStatement::column_int64(int column) const {
  return sqlite3_column_int64(statement_, column);
}

std::string SqlStatement::column_text(int column) const {
  // Text first, then bytes: sqlite3_column_bytes reports the size of the converted value.
  const unsigned char* text = sqlite3_column_text(statement_, column);
  int size = sqlite3_column_bytes(statement_, column);
  if (text == nullptr || size <= 0) return std::string();
  return std::string(reinterpret_cast<const char*>(text), static_cast<size_t>(size));
}

}  // namespace ragd::platform
