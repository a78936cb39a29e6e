#include "net/sse_parser.h"

#include <cstring>
#include <limits>

namespace ragd {

namespace {
constexpr char kBom[] = "\xEF\xBB\xBF";
}  // namespace

bool SseParser::feed(std::string_view bytes, std::vector<SseEvent>& out) {
  if (failed_) return false;
  size_t i = 0;
  if (!bom_decided_) {
    // Matches the BOM byte by byte so that it may arrive split across pieces; on a
    // mismatch the bytes matched so far are ordinary text.
    while (i < bytes.size() && bom_matched_ < 3) {
      if (bytes[i] != kBom[bom_matched_]) break;
      ++bom_matched_;
      ++i;
    }
    if (bom_matched_ == 3) {
      bom_decided_ = true;
    } else if (i < bytes.size()) {
      bom_decided_ = true;
      std::string_view partial(kBom, bom_matched_);
      bom_matched_ = 0;
      if (!partial.empty() && !feed(partial, out)) return false;
    } else {
      return true;  // all of `bytes` was a BOM prefix; wait for more
    }
  }
  while (i < bytes.size()) {
    if (after_cr_) {
      after_cr_ = false;
      if (bytes[i] == '\n') {
        ++i;
        continue;
      }
    }
    const size_t end = bytes.find_first_of("\r\n", i);
    if (end == std::string_view::npos) {
      if (line_.size() + (bytes.size() - i) > limits_.max_line_bytes) {
        failed_ = true;
        return false;
      }
      line_.append(bytes.substr(i));
      break;
    }
    if (line_.size() + (end - i) > limits_.max_line_bytes) {
      failed_ = true;
      return false;
    }
    after_cr_ = bytes[end] == '\r';
    if (line_.empty()) {
      process_line(bytes.substr(i, end - i), out);
    } else {
      line_.append(bytes.substr(i, end - i));
      process_line(line_, out);
      line_.clear();
    }
    if (failed_) return false;
    i = end + 1;
  }
  return true;
}

void SseParser::finish() {
  line_.clear();
  data_.clear();
  event_type_.clear();
  data_seen_ = false;
  after_cr_ = false;
  bom_matched_ = 0;
  bom_decided_ = false;
}

void SseParser::process_line(std::string_view line, std::vector<SseEvent>& out) {
  if (line.empty()) {
    dispatch(out);
    return;
  }
  if (line.front() == ':') return;  // comment
  std::string_view field = line;
  std::string_view value;
  const size_t colon = line.find(':');
  if (colon != std::string_view::npos) {
    field = line.substr(0, colon);
    value = line.substr(colon + 1);
    if (!value.empty() && value.front() == ' ') value.remove_prefix(1);
  }
  if (field == "event") {
    event_type_.assign(value);
  } else if (field == "data") {
    if (data_.size() + value.size() + 1 > limits_.max_event_bytes) {
      failed_ = true;
      return;
    }
    data_.append(value);
    data_.push_back('\n');
    data_seen_ = true;
  } else if (field == "id") {
    if (value.find('\0') == std::string_view::npos) last_event_id_.assign(value);
  } else if (field == "retry") {
    if (value.empty()) return;
    uint64_t ms = 0;
    for (char c : value) {
      if (c < '0' || c > '9') return;
      if (ms > (std::numeric_limits<uint64_t>::max() - 9) / 10) return;  // overflow: ignored
      ms = ms * 10 + static_cast<uint64_t>(c - '0');
    }
    retry_ms_ = ms;
  }
}

void SseParser::dispatch(std::vector<SseEvent>& out) {
  if (!data_seen_) {
    data_.clear();
    event_type_.clear();
    return;
  }
  SseEvent event;
  data_.pop_back();  // the '\n' appended after the last data line
  event.data = std::move(data_);
  event.type = event_type_.empty() ? "message" : std::move(event_type_);
  event.last_event_id = last_event_id_;
  out.push_back(std::move(event));
  data_.clear();
  event_type_.clear();
  data_seen_ = false;
}

}  // namespace ragd
