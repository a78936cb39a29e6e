// Accumulates the text of the block being read and appends it to a RawDocument when the
// block ends. Used by the event-driven loaders (Markdown, HTML). Not thread-safe: one per
// parse.
#pragma once

#include <string>
#include <string_view>
#include <utility>

#include "ingest/document.h"

namespace ragd {

class BlockBuilder {
 public:
  explicit BlockBuilder(RawDocument* doc) : doc_(doc) {}
  BlockBuilder(const BlockBuilder&) = delete;
  BlockBuilder& operator=(const BlockBuilder&) = delete;

  // Ends the current block (if it holds anything but whitespace) and starts one of `kind`.
  void start(BlockKind kind, int level = 0) {
    flush();
    kind_ = kind;
    level_ = level;
  }
  // Ends the current block; what follows is a paragraph until start() says otherwise.
  void flush() {
    if (text_.find_first_not_of(" \t\r\n\f\v") != std::string::npos) {
      doc_->blocks.push_back(
          RawBlock{kind_, kind_ == BlockKind::kHeading ? level_ : 0, std::move(text_)});
    }
    text_.clear();
    kind_ = BlockKind::kParagraph;
    level_ = 0;
  }
  void append(std::string_view text) { text_.append(text); }
  void append(char c) { text_.push_back(c); }
  BlockKind kind() const { return kind_; }
  bool empty() const { return text_.empty(); }
  std::string& text() { return text_; }

 private:
  RawDocument* doc_;
  BlockKind kind_ = BlockKind::kParagraph;
  int level_ = 0;
  std::string text_;
};

// The input without a leading UTF-8 byte order mark.
inline std::string_view strip_bom(std::string_view bytes) {
  if (bytes.substr(0, 3) == "\xEF\xBB\xBF") bytes.remove_prefix(3);
  return bytes;
}

}  // namespace ragd
