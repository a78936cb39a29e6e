// Versioned schema of the platform database (platform.db).
//
// Each migration is a numbered SQL script applied once, in order, in its own transaction
// together with its row in platform_schema, so a crash leaves the database at the previous
// version or the next. Opening an up-to-date database writes nothing. A file that holds
// tables but no platform_schema is another program's database and is refused, as is a
// database from a newer ragd (a version above platform_schema_version()). Stateless; safe
// for several processes at once (each migration re-checks the version under the write lock).
#pragma once

#include <string>

#include "common/status.h"

struct sqlite3;

namespace ragd::platform {

// The schema version this build writes.
int platform_schema_version();

// Brings `db` (named `path` in messages) to platform_schema_version() and returns it:
// kCorruption when it is not a platform database, kInvalidArgument when it is newer.
Result<int> migrate_platform_schema(sqlite3* db, const std::string& path);

}  // namespace ragd::platform
