// YAML front matter of Markdown files: the block between a leading "---" line and the next
// "---" (or "...") line. Only the subset blogs and note tools write is understood:
//   key: value            plain, "double-quoted" or 'single-quoted' scalars
//   tags: [a, "b c"]      flow lists (may span lines)
//   tags:                 block lists of "- item" lines
//     - a
//   summary: |            literal (|) and folded (>) block scalars
// Nested maps and anything else are skipped, never an error. Pure functions; thread-safe.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "ingest/document.h"

namespace ragd {

struct FrontMatter {
  // title, tags (a list, or a comma-separated scalar), date (when it normalises), and every
  // other key as a scalar in extra (lists joined with ", "; an unparseable date goes there).
  DocumentMeta meta;
  bool present = false;   // false: no front matter; meta is empty and body is the input
  std::string_view body;  // the bytes after the closing delimiter line; a view into the input
};

FrontMatter split_front_matter(std::string_view bytes);

// "YYYY-MM-DD", alone or followed by a time ("T10:30:00Z", " 10:30"), as "YYYY-MM-DD";
// nullopt for anything else, including impossible dates such as 2023-02-30.
std::optional<std::string> normalize_date(std::string_view value);

}  // namespace ragd
