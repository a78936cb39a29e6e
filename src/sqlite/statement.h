// Statement: an owned SQLite prepared statement with typed bind/step/column helpers, and
// StatementReset, the scope guard that returns a reused statement to its idle state. Shared by
// the document store and the platform store.
//
// A Statement belongs to one connection and, like it, is not thread-safe. It is meant to be
// prepared once and reused: bind_all() resets it and clears old bindings first, and a
// StatementReset around each use guarantees that a statement left mid-result never keeps a
// read snapshot open (which would hide other connections' commits and block checkpoints).
//
// Failures are reported through a SqliteErrorMapper chosen at prepare time. The default,
// sqlite_status, carries SQLite's own explanation and quotes the SQL of a statement that
// does not prepare; a caller whose messages reach logs or API clients passes its own mapper,
// and then no message of this statement names its SQL text.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "common/status.h"
#include "sqlite/sqlite_error.h"

struct sqlite3;
struct sqlite3_stmt;

namespace ragd {

class Statement {
 public:
  // Prepares `sql` (one statement) on `db` for repeated use; failures go through
  // sqlite_status.
  static Result<Statement> prepare(sqlite3* db, std::string_view sql);
  // The same, with every failure of this statement (preparing included) mapped by `errors`
  // and described by the operation only, never by the SQL text.
  static Result<Statement> prepare(sqlite3* db, std::string_view sql, SqliteErrorMapper errors);
  // An unprepared placeholder, made usable only by assigning a prepare() result.
  Statement() = default;

  Statement(Statement&& other) noexcept;
  Statement& operator=(Statement&& other) noexcept;
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;
  ~Statement();

  // Resets the statement and clears its bindings.
  void reset();

  // Parameters are 1-based, as in SQLite. Text is copied, so temporaries are safe. Other
  // integers (int, bool) bind as int64_t.
  Status bind(int index, int64_t value);
  Status bind(int index, std::string_view value);
  Status bind(int index, const std::string& value) { return bind(index, std::string_view(value)); }
  Status bind(int index, const char* value) { return bind(index, std::string_view(value)); }
  Status bind(int index, const std::optional<std::string>& value);  // NULL when empty
  Status bind(int index, std::nullptr_t);
  // Binds `size` bytes as a BLOB (copied). A zero-length BLOB is bound, never NULL.
  Status bind_blob(int index, const void* data, size_t size);

  // reset(), then binds `values` to parameters 1, 2, ...
  template <typename... Values>
  Status bind_all(const Values&... values) {
    reset();
    int index = 0;
    Status status;
    ((status.is_ok() ? (status = bind(++index, values), 0) : 0), ...);
    return status;
  }

  // Advances to the next row: true when one is available, false when the statement is done.
  // `what` names the operation in errors.
  Result<bool> step(std::string_view what = "SQL statement failed");
  // Steps a statement that returns no rows (INSERT, UPDATE, DELETE, DDL) to completion.
  Status run(std::string_view what = "SQL statement failed");
  // The rows changed by the INSERT, UPDATE or DELETE that ran last on this statement's
  // connection (read it right after run()).
  int64_t changes() const;

  // Columns of the current row, 0-based. NULL reads as 0 / "" / nullopt.
  int64_t column_int64(int column) const;
  double column_double(int column) const;
  std::string column_text(int column) const;
  std::optional<std::string> column_optional_text(int column) const;
  // The bytes of a BLOB (or text) column; valid until the next step/reset.
  std::string_view column_blob(int column) const;

  std::string_view sql() const;

 private:
  Statement(sqlite3* db, sqlite3_stmt* statement, SqliteErrorMapper errors)
      : db_(db), statement_(statement), errors_(errors) {}
  static Result<Statement> prepare_with(sqlite3* db, std::string_view sql, SqliteErrorMapper errors,
                                        bool quote_sql);
  sqlite3* db_ = nullptr;
  sqlite3_stmt* statement_ = nullptr;
  SqliteErrorMapper errors_ = sqlite_status;
};

// Resets `statement` when the scope ends, however it ends.
class StatementReset {
 public:
  explicit StatementReset(Statement& statement) : statement_(statement) {}
  ~StatementReset() { statement_.reset(); }
  StatementReset(const StatementReset&) = delete;
  StatementReset& operator=(const StatementReset&) = delete;

 private:
  Statement& statement_;
};

// Runs a script of SQL statements with no parameters and no results (DDL, pragmas), reporting
// a failure through `errors`.
Status exec_sql(sqlite3* db, const char* sql, std::string_view what,
                SqliteErrorMapper errors = sqlite_status);

}  // namespace ragd
