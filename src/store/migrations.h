// Versioned schema migrations of the embedded store.
//
// Each migration is a numbered SQL script, applied once, in order, in its own transaction
// together with its row in schema_migrations, so a crash leaves the database at the previous
// version or the next, never between. Opening an up-to-date database writes nothing. A
// database written by a newer ragd (a version above latest_schema_version()) is refused
// rather than guessed at. Stateless; safe to call from several processes at once (each
// migration re-checks the version under the write lock).
#pragma once

#include <string>

#include "common/status.h"

struct sqlite3;

namespace ragd {

// The schema version this build writes.
int latest_schema_version();

// Reads the schema version of `db`: 0 for a fresh database.
Result<int> read_schema_version(sqlite3* db);

// Brings `db` (named `path` in messages) to latest_schema_version() and returns the version.
Result<int> apply_migrations(sqlite3* db, const std::string& path);

}  // namespace ragd
