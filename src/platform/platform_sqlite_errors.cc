#include "platform/platform_sqlite_errors.h"

#include <sqlite3.h>

#include <string>

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

Status platform_sqlite_status(sqlite3* db, int rc, std::string_view what) {
  if (db != nullptr && (rc & 0xff) == rc) {
    int extended = sqlite3_extended_errcode(db);
    if ((extended & 0xff) == rc) rc = extended;
  }
  return sqlite_failure(rc, what);
}

}  // namespace ragd::platform
