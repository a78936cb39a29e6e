// libFuzzer target for SseParser: feeding a stream in pieces cut at fuzzer-chosen
// boundaries must give exactly the events (and the failure state) of feeding it at once.
// Input layout: the first byte seeds the piece sizes; the rest is the stream.
#include <cstddef>
#include <cstdint>
#include <string_view>
#include <vector>

#include "net/sse_parser.h"

namespace {

void check(bool condition) {
  if (!condition) __builtin_trap();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  uint32_t state = data[0] * 2654435761u + 1;
  std::string_view stream(reinterpret_cast<const char*>(data + 1), size - 1);
  // Small limits so that the failure path is reached too.
  const ragd::SseLimits limits{.max_line_bytes = 512, .max_event_bytes = 2048};

  ragd::SseParser whole(limits);
  std::vector<ragd::SseEvent> expected;
  const bool whole_ok = whole.feed(stream, expected);
  whole.finish();

  ragd::SseParser pieces(limits);
  std::vector<ragd::SseEvent> events;
  bool pieces_ok = true;
  size_t at = 0;
  while (at < stream.size()) {
    state = state * 1103515245u + 12345u;
    const size_t n = std::min<size_t>(stream.size() - at, (state >> 16) % 9);
    pieces_ok = pieces.feed(stream.substr(at, n), events) && pieces_ok;
    at += n;
  }
  pieces.finish();

  check(whole_ok == pieces_ok);
  check(whole.retry_ms() == pieces.retry_ms());
  if (whole_ok) {
    check(events == expected);
    check(whole.last_event_id() == pieces.last_event_id());
  } else {
    // Events completed before the limit was hit are the same prefix either way.
    const size_t n = std::min(events.size(), expected.size());
    for (size_t i = 0; i < n; ++i) check(events[i] == expected[i]);
  }
  for (const ragd::SseEvent& event : expected) {
    check(!event.type.empty());
    check(event.data.size() <= limits.max_event_bytes);
  }
  return 0;
}
