// Shared body of the loader fuzz targets: parse hostile bytes with one loader, then check
// the block contract and push the document through cleaning and chunking, checking their
// contracts too. Any violation traps, which libFuzzer reports as a crash.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>

#include "ingest/assemble.h"
#include "ingest/chunker.h"
#include "ingest/loaders.h"
#include "text/normalize.h"

namespace ragd::fuzz {

inline void check(bool condition) {
  if (!condition) __builtin_trap();
}

inline void check_pipeline(const Result<RawDocument>& parsed) {
  if (!parsed.is_ok()) return;  // a clean error is a fine answer to garbage
  for (const RawBlock& block : parsed->blocks) {
    check(block.kind == BlockKind::kHeading ? block.level >= 1 && block.level <= 6
                                            : block.level == 0);
  }
  Document doc = assemble_document(RawDocument(*parsed), {"fuzz", "/fuzz", "", "fuzz"});
  check(is_valid_utf8(doc.text) && is_valid_utf8(doc.title));
  for (const Block& block : doc.blocks) check(block.begin < block.end && block.end <= doc.text.size());
  ChunkerConfig config;
  config.target_tokens = 64;  // small chunks exercise the splitting paths
  config.overlap_tokens = 8;
  for (const Chunk& chunk : chunk_document(doc, config)) {
    check(chunk.begin < chunk.end && chunk.end <= doc.text.size());
    check(chunk.text == std::string_view(doc.text).substr(chunk.begin, chunk.end - chunk.begin));
    check(is_valid_utf8(chunk.text));
  }
}

}  // namespace ragd::fuzz

// Defines the libFuzzer entry point for a loader `parse(std::string_view)`.
#define RAGD_LOADER_FUZZ_TARGET(parse)                                        \
  extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {   \
    std::string_view bytes(reinterpret_cast<const char*>(data), size);        \
    ragd::fuzz::check_pipeline(parse(bytes));                                 \
    return 0;                                                                 \
  }
