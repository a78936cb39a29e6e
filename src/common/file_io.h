// Whole-file helpers with crash-safe replacement. Thread-safe (no shared state).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "common/status.h"

namespace ragd {

// Reads a whole file. Fails with kTooLarge when the file exceeds `max_bytes`, so a huge
// file is refused before it is read into memory.
Result<std::string> read_file(const std::string& path, uint64_t max_bytes = UINT64_MAX);

// Writes `data` to `path` atomically: a temporary file in the same folder, fsync, rename,
// fsync of the folder. After a crash the file holds either its old or its new content.
Status write_file_atomic(const std::string& path, std::string_view data);

// The total size of the regular files under `path` (0 when it cannot be read).
uint64_t folder_bytes(const std::string& path);

}  // namespace ragd
