#include "sqlite/statement.h"

#include <sqlite3.h>

#include <limits>
#include <utility>

#include "sqlite/sqlite_error.h"

namespace ragd {

Result<Statement> Statement::prepare(sqlite3* db, std::string_view sql) {
  return prepare_with(db, sql, sqlite_status, /*quote_sql=*/true);
}

Result<Statement> Statement::prepare(sqlite3* db, std::string_view sql, SqliteErrorMapper errors) {
  return prepare_with(db, sql, errors, /*quote_sql=*/false);
}

Result<Statement> Statement::prepare_with(sqlite3* db, std::string_view sql,
                                          SqliteErrorMapper errors, bool quote_sql) {
  if (sql.size() > static_cast<size_t>(std::numeric_limits<int>::max())) {
    return Status::invalid("SQL statement too long");
  }
  sqlite3_stmt* raw = nullptr;
  const char* tail = nullptr;
  int rc = sqlite3_prepare_v3(db, sql.data(), static_cast<int>(sql.size()),
                              SQLITE_PREPARE_PERSISTENT, &raw, &tail);
  if (rc != SQLITE_OK) {
    sqlite3_finalize(raw);
    return errors(db, rc,
                  quote_sql ? "cannot prepare SQL `" + std::string(sql) + "`"
                            : std::string("cannot prepare a statement"));
  }
  if (raw == nullptr) return Status::internal("empty SQL statement");
  Statement statement(db, raw, errors);
  for (; tail != nullptr && tail < sql.data() + sql.size(); ++tail) {
    if (*tail != ' ' && *tail != '\n' && *tail != '\t' && *tail != ';') {
      return Status::internal(quote_sql
                                  ? "more than one SQL statement in `" + std::string(sql) + "`"
                                  : std::string("more than one SQL statement"));
    }
  }
  return statement;
}

Statement::Statement(Statement&& other) noexcept
    : db_(std::exchange(other.db_, nullptr)),
      statement_(std::exchange(other.statement_, nullptr)),
      errors_(other.errors_) {}

Statement& Statement::operator=(Statement&& other) noexcept {
  if (this != &other) {
    sqlite3_finalize(statement_);
    db_ = std::exchange(other.db_, nullptr);
    statement_ = std::exchange(other.statement_, nullptr);
    errors_ = other.errors_;
  }
  return *this;
}

Statement::~Statement() {
  sqlite3_finalize(statement_);
}

void Statement::reset() {
  if (statement_ == nullptr) return;
  // The return value repeats the error of the last step, which was already reported.
  sqlite3_reset(statement_);
  sqlite3_clear_bindings(statement_);
}

Status Statement::bind(int index, int64_t value) {
  int rc = sqlite3_bind_int64(statement_, index, value);
  if (rc != SQLITE_OK) return errors_(db_, rc, "cannot bind an integer");
  return Status::ok();
}

Status Statement::bind(int index, std::string_view value) {
  int rc = sqlite3_bind_text64(statement_, index, value.data(), value.size(), SQLITE_TRANSIENT,
                               SQLITE_UTF8);
  if (rc != SQLITE_OK) return errors_(db_, rc, "cannot bind a text value");
  return Status::ok();
}

Status Statement::bind(int index, const std::optional<std::string>& value) {
  if (!value) return bind(index, nullptr);
  return bind(index, std::string_view(*value));
}

Status Statement::bind(int index, std::nullptr_t) {
  int rc = sqlite3_bind_null(statement_, index);
  if (rc != SQLITE_OK) return errors_(db_, rc, "cannot bind NULL");
  return Status::ok();
}

Status Statement::bind_blob(int index, const void* data, size_t size) {
  static const char kEmpty = 0;
  int rc = sqlite3_bind_blob64(statement_, index, size == 0 ? &kEmpty : data, size,
                               SQLITE_TRANSIENT);
  if (rc != SQLITE_OK) return errors_(db_, rc, "cannot bind a blob");
  return Status::ok();
}

Result<bool> Statement::step(std::string_view what) {
  int rc = sqlite3_step(statement_);
  if (rc == SQLITE_ROW) return true;
  if (rc == SQLITE_DONE) return false;
  return errors_(db_, rc, what);
}

Status Statement::run(std::string_view what) {
  int rc = sqlite3_step(statement_);
  while (rc == SQLITE_ROW) rc = sqlite3_step(statement_);
  if (rc != SQLITE_DONE) return errors_(db_, rc, what);
  return Status::ok();
}

int64_t Statement::changes() const {
  return static_cast<int64_t>(sqlite3_changes64(db_));
}

int64_t Statement::column_int64(int column) const {
  return sqlite3_column_int64(statement_, column);
}

double Statement::column_double(int column) const {
  return sqlite3_column_double(statement_, column);
}

std::string Statement::column_text(int column) const {
  // Text first, then bytes: sqlite3_column_bytes reports the size of the converted value.
  const unsigned char* text = sqlite3_column_text(statement_, column);
  int size = sqlite3_column_bytes(statement_, column);
  if (text == nullptr || size <= 0) return std::string();
  return std::string(reinterpret_cast<const char*>(text), static_cast<size_t>(size));
}

std::optional<std::string> Statement::column_optional_text(int column) const {
  if (sqlite3_column_type(statement_, column) == SQLITE_NULL) return std::nullopt;
  return column_text(column);
}

std::string_view Statement::column_blob(int column) const {
  const void* data = sqlite3_column_blob(statement_, column);
  int size = sqlite3_column_bytes(statement_, column);
  if (data == nullptr || size <= 0) return std::string_view();
  return std::string_view(static_cast<const char*>(data), static_cast<size_t>(size));
}

std::string_view Statement::sql() const {
  const char* text = sqlite3_sql(statement_);
  return text == nullptr ? std::string_view() : std::string_view(text);
}

Status exec_sql(sqlite3* db, const char* sql, std::string_view what, SqliteErrorMapper errors) {
  char* error = nullptr;
  int rc = sqlite3_exec(db, sql, nullptr, nullptr, &error);
  if (rc == SQLITE_OK) return Status::ok();
  Status status = errors(db, rc, what);
  sqlite3_free(error);
  return status;
}

}  // namespace ragd
