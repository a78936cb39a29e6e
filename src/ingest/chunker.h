// Chunker: splits a cleaned Document into retrieval chunks that respect its structure.
//
// Order of preference for boundaries: headings (a chunk never spans two sections when the
// section alone is big enough), then paragraphs, then sentences, then words; it never cuts
// inside a word (nor inside a UTF-8 sequence). Chunks aim at `target_tokens` (count_tokens)
// and consecutive chunks of one section overlap by about `overlap_tokens`, taken from
// whole sentences/words at the end of the previous chunk. Small adjacent sections may be
// merged up to the target. Pure; thread-safe.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "common/status.h"
#include "ingest/document.h"

namespace ragd {

struct ChunkerConfig {
  size_t target_tokens = 384;
  size_t overlap_tokens = 48;
  // Validates: target >= 16, overlap < target / 2.
  Status validate() const;
};

struct Chunk {
  std::string id;            // stable: first 32 hex chars of sha256(doc key, ordinal, begin, text)
  int ordinal = 0;           // 0-based position in the document
  size_t begin = 0;          // byte range in Document::text
  size_t end = 0;
  std::string section_path;  // heading trail, e.g. "Wine Club > Membership tiers"; "" if none
  std::string text;          // == Document::text.substr(begin, end - begin)
  size_t token_count = 0;
};

std::vector<Chunk> chunk_document(const Document& document, const ChunkerConfig& config);

}  // namespace ragd
