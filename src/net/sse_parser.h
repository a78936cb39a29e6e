// SseParser: an incremental parser for Server-Sent Events (text/event-stream), following
// the WHATWG HTML "event stream interpretation" rules.
//
// Bytes may be fed in pieces split anywhere (inside a field, between CR and LF, inside the
// leading BOM); the events produced are the same as for the whole stream fed at once.
// Handled: a leading UTF-8 BOM (stripped once), LF / CR / CRLF line ends, comments (lines
// starting with ':'), fields event / data / id / retry (others ignored), one optional space
// after the colon, multi-line data joined with '\n', events dispatched at a blank line
// (an event with no data is not dispatched), and an event left without its blank line at
// the end of the stream discarded (finish()).
//
// Bytes are passed through as they are: the parser splits on ASCII only, which gives the
// same boundaries as decoding first, so a consumer that needs valid UTF-8 repairs `data`.
//
// A line longer than max_line_bytes, or an event's data beyond max_event_bytes, puts the
// parser in a failed state (feed returns false from then on): a hostile server cannot make
// it buffer without bound.
//
// Thread-safety: none; one parser per stream.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace ragd {

struct SseEvent {
  std::string type = "message";  // the `event` field, or "message"
  std::string data;              // `data` lines joined with '\n'
  std::string last_event_id;     // the last `id` seen so far in the stream (it persists)

  bool operator==(const SseEvent&) const = default;
};

struct SseLimits {
  size_t max_line_bytes = 4u << 20;
  size_t max_event_bytes = 16u << 20;
};

class SseParser {
 public:
  explicit SseParser(SseLimits limits = {}) : limits_(limits) {}

  // Parses `bytes` and appends each event completed by them to `out`. Returns false when a
  // limit was exceeded (now or before); the events appended before that stay valid.
  bool feed(std::string_view bytes, std::vector<SseEvent>& out);

  // End of stream: drops a partial line and an undispatched event. The parser can then be
  // reused for a new stream (the BOM is expected again; last_event_id and retry persist).
  void finish();

  bool failed() const { return failed_; }
  // The reconnection time from the last valid `retry` field, if any.
  std::optional<uint64_t> retry_ms() const { return retry_ms_; }
  const std::string& last_event_id() const { return last_event_id_; }

 private:
  void process_line(std::string_view line, std::vector<SseEvent>& out);
  void dispatch(std::vector<SseEvent>& out);

  SseLimits limits_;
  size_t bom_matched_ = 0;  // bytes of EF BB BF seen at stream start
  bool bom_decided_ = false;
  bool after_cr_ = false;  // the last byte ended a line with CR; a following LF is skipped
  bool failed_ = false;
  bool data_seen_ = false;  // a data field appeared in the current event
  std::string line_;
  std::string data_;
  std::string event_type_;
  std::string last_event_id_;
  std::optional<uint64_t> retry_ms_;
};

}  // namespace ragd
