// Translation of SQLite result codes into ragd::Status. Stateless; thread-safe.
#pragma once

#include <string_view>

#include "common/status.h"

struct sqlite3;

namespace ragd {

// Status for a failed SQLite call `rc` made while doing `what` on `db` (which may be null).
// The message carries SQLite's own explanation; codes map to the ErrorCode a caller can act
// on: a damaged or foreign file is kCorruption, disk and lock trouble is kIo.
Status sqlite_status(sqlite3* db, int rc, std::string_view what);

}  // namespace ragd
