// Expands the paths given to `ragd ingest` into the files to load. Pure apart from reading
// the file system; thread-safe.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "ingest/loaders.h"

namespace ragd {

struct SourceFile {
  std::string path;    // absolute, lexically normalised
  std::string domain;  // first folder level under the ingested folder; "" otherwise
  SourceFormat format = SourceFormat::kUnknown;
  uint64_t size = 0;
  int64_t mtime_ns = 0;
};

struct SourceProblem {
  std::string path;
  std::string message;
};

struct SourceScan {
  std::vector<SourceFile> files;         // sorted by path within each argument
  std::vector<SourceProblem> problems;   // missing paths, unreadable folders, bad formats
  std::vector<std::string> folders;      // absolute folders that were walked completely
  uint64_t skipped = 0;                  // files inside folders with no supported format
  uint64_t total_bytes = 0;
};

// Folders are walked recursively; hidden entries (".name") and symbolic links to folders
// are skipped; files of unknown format inside folders are counted as skipped, while a file
// named explicitly with an unknown format is a problem.
SourceScan scan_sources(const std::vector<std::string>& paths);

// Absolute, lexically normalised form of `path` (no symlink resolution, works for paths
// that no longer exist).
std::string absolute_path(const std::string& path);

}  // namespace ragd
