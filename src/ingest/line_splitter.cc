#include "ingest/line_splitter.h"

#include <utility>

namespace ragd {

LineSplitter::LineSplitter(size_t max_line_bytes, LineFn on_line, OverlongFn on_overlong)
    : max_line_bytes_(max_line_bytes),
      on_line_(std::move(on_line)),
      on_overlong_(std::move(on_overlong)) {}

void LineSplitter::feed(std::string_view chunk) {
  while (!chunk.empty()) {
    size_t nl = chunk.find('\n');
    if (nl == std::string_view::npos) {
      if (skipping_) return;
      if (carry_.size() + chunk.size() > max_line_bytes_) {
        skipping_ = true;
        std::string().swap(carry_);
      } else {
        carry_.append(chunk);
      }
      return;
    }
    std::string_view piece = chunk.substr(0, nl);
    chunk.remove_prefix(nl + 1);
    ++lines_;
    if (skipping_) {
      skipping_ = false;
      on_overlong_(lines_);
    } else if (carry_.empty()) {
      emit(piece);
    } else {
      if (carry_.size() + piece.size() > max_line_bytes_) {
        on_overlong_(lines_);
      } else {
        carry_.append(piece);
        emit(carry_);
      }
      carry_.clear();
    }
  }
}

void LineSplitter::finish() {
  if (skipping_) {
    skipping_ = false;
    on_overlong_(++lines_);
  } else if (!carry_.empty()) {
    ++lines_;
    emit(carry_);
    carry_.clear();
  }
}

void LineSplitter::emit(std::string_view line) {
  if (line.size() > max_line_bytes_) {
    on_overlong_(lines_);
    return;
  }
  if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
  on_line_(lines_, line);
}

}  // namespace ragd
