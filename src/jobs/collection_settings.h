// A collection's settings: how its text is analysed, scored and chunked. Stored as JSON in
// the collection's row; fixed at creation, except BM25 parameters, which apply at query time.
// Plain value type; thread-safe to share read-only.
#pragma once

#include <string>
#include <string_view>

#include "common/status.h"
#include "index/lexical_index.h"
#include "ingest/chunker.h"
#include "text/analyzer.h"

namespace ragd {

struct CollectionSettings {
  AnalyzerConfig analyzer;
  Bm25Params bm25;
  ChunkerConfig chunker;

  // Missing keys keep their defaults, so "{}" is the default collection. Unknown keys and
  // values of the wrong type or range are kInvalidArgument, naming the key.
  static Result<CollectionSettings> from_json(std::string_view json);
  std::string to_json() const;
  Status validate() const;
};

}  // namespace ragd
