// How the platform store reports SQLite failures: the error codes platform_store.h promises,
// in messages that name the operation and SQLite's generic text for the code, never the SQL,
// a table or column, or a value, so they may be logged or returned without leaking data.
// Stateless; thread-safe.
#pragma once

#include <string_view>

#include "common/status.h"

struct sqlite3;

namespace ragd::platform {

// Status for the failed SQLite call `rc` (an extended code) made while doing `what`:
// kAlreadyExists for a UNIQUE or PRIMARY KEY clash, kNotFound for a reference to a missing
// row (foreign key), kInvalidArgument for other constraints, kBusy when the lock stayed
// taken, kCorruption for a damaged or foreign file, kIo otherwise.
Status sqlite_failure(int rc, std::string_view what);

// sqlite_failure as the SqliteErrorMapper the platform's Statements and exec_sql use: a
// primary `rc` is refined by `db`'s extended code when that describes the same failure.
Status platform_sqlite_status(sqlite3* db, int rc, std::string_view what);

}  // namespace ragd::platform
