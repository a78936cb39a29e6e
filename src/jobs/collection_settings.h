// A collection's settings: how its text is analysed, scored, chunked and embedded. Stored as
// JSON in the collection's row; fixed at creation, except BM25 parameters, which apply at
// query time, and the embedding model, which `ragd reindex` switches (one settings write once
// the new model's vector index is complete).
// Plain value type; thread-safe to share read-only.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "common/status.h"
#include "index/lexical_index.h"
#include "ingest/chunker.h"
#include "text/analyzer.h"

namespace ragd {

// How a collection's chunks are embedded for dense retrieval.
struct EmbeddingSettings {
  std::string provider = "native";  // "native" | "http" | "none" (lexical only)
  std::string model_dir;            // native: the model folder; "" = the default model
                                    // (embed/model_locator.h), looked up at each open
  std::string url;                  // http: base URL of an OpenAI-compatible /v1/embeddings
  std::string model;                // http: the model name sent to the server
  size_t batch_size = 32;           // passages per encoder batch / HTTP request
  size_t max_length = 0;            // native: tokens per passage; 0 = the model's own
  std::string query_prefix;         // prepended to queries (e5: "query: ")
  std::string passage_prefix;       // prepended to passages (e5: "passage: ")
  bool int8 = false;                // native: int8-quantised linear layers
  // native: queries through int8 weights, passages float32 (a short query ~6x faster; the
  // retrieval cost is measured in docs/benchmarks.md, "Query encoding").
  bool int8_queries = true;

  bool enabled() const { return provider != "none"; }
  bool operator==(const EmbeddingSettings&) const = default;
};

struct CollectionSettings {
  AnalyzerConfig analyzer;
  Bm25Params bm25;
  ChunkerConfig chunker;
  EmbeddingSettings embedding;

  // Missing keys keep their defaults, so "{}" is the default collection. Unknown keys and
  // values of the wrong type or range are kInvalidArgument, naming the key.
  static Result<CollectionSettings> from_json(std::string_view json);
  std::string to_json() const;
  Status validate() const;
};

Status validate_embedding_settings(const EmbeddingSettings& embedding);

}  // namespace ragd
