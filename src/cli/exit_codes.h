// Exit codes of the ragd command line, documented in `ragd --help` and docs/cli.md.
#pragma once

#include "common/status.h"

namespace ragd::cli {

inline constexpr int kExitOk = 0;
inline constexpr int kExitPartialFailure = 1;  // the command ran, but some inputs failed
inline constexpr int kExitUsage = 2;           // bad flags or arguments
inline constexpr int kExitNotFound = 3;        // data folder, collection or file not found
inline constexpr int kExitFailure = 4;         // store/index error, I/O failure, corruption
inline constexpr int kExitBusy = 5;            // another ragd process holds the write lock

// Prints "ragd: error: <message>" to stderr and returns the exit code for `status`.
int report_error(const Status& status);

}  // namespace ragd::cli
