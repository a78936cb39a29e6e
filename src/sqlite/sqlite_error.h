// Translation of SQLite result codes into ragd::Status. Stateless; thread-safe.
#pragma once

#include <string_view>

#include "common/status.h"

struct sqlite3;

namespace ragd {

// Maps the failed SQLite call `rc`, made while doing `what` on `db` (which may be null), to
// a Status. Statement and exec_sql report every failure through one; each caller picks the
// mapping whose codes and wording its own contract promises.
using SqliteErrorMapper = Status (*)(sqlite3* db, int rc, std::string_view what);

// The document store's mapping: the message carries SQLite's own explanation; codes map to
// the ErrorCode a caller can act on: a damaged or foreign file is kCorruption, disk and lock
// trouble is kIo.
Status sqlite_status(sqlite3* db, int rc, std::string_view what);

}  // namespace ragd
