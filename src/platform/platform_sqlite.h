// The little SQLite glue of the platform store: an owned prepared statement with typed
// bind/step/column helpers, a script runner, and the translation of SQLite result codes into
// the error codes of platform_store.h. (The platform does not link ragd_store, whose
// Statement does the same for the document store.)
//
// Messages name the operation and SQLite's generic text for the code, never the SQL or the
// values, so they may be logged without leaking data. A SqlStatement belongs to one
// connection and, like it, is not thread-safe.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "common/status.h"

struct sqlite3;
struct sqlite3_stmt;

namespace ragd::platform {

// Status for the failed SQLite call `rc` (an extended code) made while doing `what`:
// kAlreadyExists for a UNIQUE or PRIMARY KEY clash, kNotFound for a reference to a missing
// row (foreign key), kInvalidArgument for other constraints, kBusy when the lock stayed
// taken, kCorruption for a damaged or foreign file, kIo otherwise.
Status sqlite_failure(int rc, std::string_view what);

// Runs a script with no parameters and no results (DDL, pragmas, BEGIN/COMMIT).
Status exec_script(sqlite3* db, const char* sql, std::string_view what);

class SqlStatement {
 public:
  static Result<SqlStatement> prepare(sqlite3* db, std::string_view sql);
  SqlStatement() = default;
  SqlStatement(SqlStatement&& other) noexcept;
  SqlStatement& operator=(SqlStatement&& other) noexcept;
  SqlStatement(const SqlStatement&) = delete;
  SqlStatement& operator=(const SqlStatement&) = delete;
  ~SqlStatement();

  // Ends any pending result and clears the bindings; a statement kept for reuse is reset
  // after each use so it never holds a read snapshot open.
  void reset();

  // Parameters are 1-based; text is copied.
  Status bind(int index, int64_t value);
  Status bind(int index, int value) { return bind(index, static_cast<int64_t>(value)); }
  Status bind(int index, bool value) { return bind(index, static_cast<int64_t>(value)); }
  Status bind(int index, std::string_view value);
  Status bind(int index, const std::string& value) { return bind(index, std::string_view(value)); }
  Status bind(int index, const char* value) { return bind(index, std::string_view(value)); }
  Status bind(int index, const std::optional<std::string>& value);  // NULL when empty

  // reset(), then binds `values` to parameters 1, 2, ...
  template <typename... Values>
  Status bind_all(const Values&... values) {
    reset();
    int index = 0;
    Status status;
    ((status.is_ok() ? (status = bind(++index, values), 0) : 0), ...);
    return status;
  }

  // True while a row is available; `what` names the operation in errors.
  Result<bool> step(std::string_view what);
  // Steps to completion; returns the number of rows changed.
  Result<int64_t> run(std::string_view what);

  // Columns of the current row, 0-based; NULL reads as 0 or "".
  int64_t column_int64(int column) const;
  std::string column_text(int column) const;

 private:
  SqlStatement(sqlite3* db, sqlite3_stmt* statement) : db_(db), statement_(statement) {}
  sqlite3* db_ = nullptr;
  sqlite3_stmt* statement_ = nullptr;
};

// Resets a reused statement when the scope ends, however it ends.
class ResetOnExit {
 public:
  explicit ResetOnExit(SqlStatement& statement) : statement_(statement) {}
  ~ResetOnExit() { statement_.reset(); }
  ResetOnExit(const ResetOnExit&) = delete;
  ResetOnExit& operator=(const ResetOnExit&) = delete;

 private:
  SqlStatement& statement_;
};

}  // namespace ragd::platform
