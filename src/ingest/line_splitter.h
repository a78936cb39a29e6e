// Cuts a byte stream that arrives in chunks of any size into lines, carrying a partial line
// over to the next chunk, so multi-document files stream in bounded memory. Lines are
// numbered from 1 and handed over without their "\n" or "\r\n". A line longer than the limit
// is not buffered: it is skipped and reported. Not thread-safe: one per stream.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>

namespace ragd {

class LineSplitter {
 public:
  using LineFn = std::function<void(uint64_t line_number, std::string_view line)>;
  using OverlongFn = std::function<void(uint64_t line_number)>;

  LineSplitter(size_t max_line_bytes, LineFn on_line, OverlongFn on_overlong);
  LineSplitter(const LineSplitter&) = delete;
  LineSplitter& operator=(const LineSplitter&) = delete;

  // Hands every line completed by `chunk` to on_line (or on_overlong).
  void feed(std::string_view chunk);
  // Ends the stream: a last line without a final "\n" is handed over now.
  void finish();

 private:
  void emit(std::string_view line);

  size_t max_line_bytes_;
  LineFn on_line_;
  OverlongFn on_overlong_;
  std::string carry_;      // the start of a line whose end has not arrived yet
  bool skipping_ = false;  // the current line passed the limit; its bytes are dropped
  uint64_t lines_ = 0;     // lines completed so far
};

}  // namespace ragd
