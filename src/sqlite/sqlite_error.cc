#include "sqlite/sqlite_error.h"

#include <sqlite3.h>

#include <string>

namespace ragd {

Status sqlite_status(sqlite3* db, int rc, std::string_view what) {
  // sqlite3_errmsg describes the most recent failure on the connection, which is `rc` only
  // when the caller asks right away; fall back to the generic text for the code otherwise.
  const char* detail = db != nullptr && (sqlite3_extended_errcode(db) & 0xff) == (rc & 0xff)
                           ? sqlite3_errmsg(db)
                           : sqlite3_errstr(rc);
  std::string message = std::string(what) + ": " + detail;
  switch (rc & 0xff) {
    case SQLITE_CORRUPT:
    case SQLITE_NOTADB:
      return Status::corruption(message +
                                "; the database file is damaged or is not a ragd database: "
                                "restore it from a backup or move it away to start afresh");
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
      return Status::io(message + "; another process held the database lock too long, retry");
    case SQLITE_FULL:
      return Status::io(message + "; free disk space and retry");
    case SQLITE_IOERR:
    case SQLITE_CANTOPEN:
    case SQLITE_READONLY:
    case SQLITE_PERM:
    case SQLITE_AUTH:
      return Status::io(message);
    case SQLITE_CONSTRAINT:
    case SQLITE_TOOBIG:
    case SQLITE_MISMATCH:
    case SQLITE_RANGE:
      return Status::invalid(message);
    default:
      return Status::internal(message);
  }
}

}  // namespace ragd
