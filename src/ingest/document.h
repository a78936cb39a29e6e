// The document model shared by loaders, the cleaner/assembler and the chunker.
//
// Loaders produce a RawDocument: structural blocks of uncleaned text plus metadata.
// assemble_document() cleans each block and concatenates them into Document::text,
// recording each block's byte range there; chunk offsets refer to that cleaned text.
#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace ragd {

enum class BlockKind {
  kHeading,    // level 1..6
  kParagraph,  // prose, a list item, a table row, a quote
  kCode,       // preformatted text, never re-flowed
};

struct RawBlock {
  BlockKind kind = BlockKind::kParagraph;
  int level = 0;  // heading level (1 = top); 0 for other kinds
  std::string text;
};

// Metadata a loader may find (front matter, <title>, PDF info, BEIR fields).
struct DocumentMeta {
  std::string title;  // empty when the source has none
  std::vector<std::string> tags;
  std::optional<std::string> date;  // ISO 8601 calendar date "YYYY-MM-DD"
  std::map<std::string, std::string> extra;  // other scalar front-matter fields
};

struct RawDocument {
  // Identity within its source: "" for a single-document file; the BEIR `_id` for a line
  // of a JSONL corpus.
  std::string external_id;
  DocumentMeta meta;
  std::vector<RawBlock> blocks;
};

struct Block {
  BlockKind kind = BlockKind::kParagraph;
  int level = 0;
  size_t begin = 0;  // byte range in Document::text
  size_t end = 0;
};

struct Document {
  std::string key;          // unique within a collection: relative path, or path#external_id
  std::string source_path;  // path as given on the command line, made absolute
  std::string domain;       // first folder level under the ingested root ("" at the root)
  std::string title;        // meta title, else first heading, else file stem / external id
  std::vector<std::string> tags;
  std::optional<std::string> date;
  std::map<std::string, std::string> extra;
  std::string text;  // cleaned text: blocks joined by "\n\n"
  std::vector<Block> blocks;
  std::string content_hash;  // sha256 of text + title + tags + date: changes iff content does
};

}  // namespace ragd
