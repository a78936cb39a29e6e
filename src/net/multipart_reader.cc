#include "net/multipart_reader.h"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <utility>

namespace ragd {
namespace {

constexpr size_t kReadChunkBytes = 64 << 10;
constexpr size_t kMaxBoundaryBytes = 70;  // RFC 2046 section 5.1.1
constexpr size_t kMaxNameBytes = 255;
constexpr size_t kMaxKeptExtensionBytes = 16;

std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

bool is_ows(char c) {
  return c == ' ' || c == '\t';
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && is_ows(s.front())) s.remove_prefix(1);
  while (!s.empty() && is_ows(s.back())) s.remove_suffix(1);
  return s;
}

// A header value "type; name=value; name="quoted value"", parameter names lower-cased.
struct HeaderValue {
  std::string type;  // lower-cased
  std::vector<std::pair<std::string, std::string>> params;

  const std::string* param(std::string_view name) const {
    for (const auto& [key, value] : params) {
      if (key == name) return &value;
    }
    return nullptr;
  }
};

// nullopt for an unterminated quoted string. A backslash escapes only '"' and '\' (as in Go's
// mime package), so that an old browser's unescaped "C:\dir\file.txt" keeps its separators.
std::optional<HeaderValue> parse_header_value(std::string_view value) {
  HeaderValue out;
  size_t i = value.find(';');
  out.type = lower(trim(value.substr(0, i)));
  while (i != std::string_view::npos && i < value.size()) {
    ++i;  // past ';'
    while (i < value.size() && is_ows(value[i])) ++i;
    const size_t name_end = value.find_first_of("=;", i);
    std::string name = lower(trim(value.substr(i, name_end - i)));
    if (name_end == std::string_view::npos || value[name_end] == ';') {
      i = name_end;  // a parameter without a value: ignored
      continue;
    }
    i = name_end + 1;
    while (i < value.size() && is_ows(value[i])) ++i;
    std::string param_value;
    if (i < value.size() && value[i] == '"') {
      ++i;
      bool closed = false;
      while (i < value.size()) {
        const char c = value[i];
        if (c == '"') {
          closed = true;
          ++i;
          break;
        }
        if (c == '\\' && i + 1 < value.size() && (value[i + 1] == '"' || value[i + 1] == '\\')) {
          param_value.push_back(value[i + 1]);
          i += 2;
          continue;
        }
        param_value.push_back(c);
        ++i;
      }
      if (!closed) return std::nullopt;
      i = value.find(';', i);
    } else {
      const size_t end = value.find(';', i);
      param_value = std::string(trim(value.substr(i, end - i)));
      i = end;
    }
    if (!name.empty()) out.params.emplace_back(std::move(name), std::move(param_value));
  }
  return out;
}

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// RFC 5987 ext-value: charset "'" [language] "'" pct-encoded text, as UTF-8. nullopt for a
// malformed value or a charset other than UTF-8 and ISO-8859-1.
std::optional<std::string> decode_ext_value(std::string_view ext) {
  const size_t q1 = ext.find('\'');
  if (q1 == std::string_view::npos) return std::nullopt;
  const size_t q2 = ext.find('\'', q1 + 1);
  if (q2 == std::string_view::npos) return std::nullopt;
  const std::string charset = lower(ext.substr(0, q1));
  const bool latin1 = charset == "iso-8859-1";
  if (charset != "utf-8" && !latin1) return std::nullopt;
  std::string bytes;
  for (size_t i = q2 + 1; i < ext.size(); ++i) {
    if (ext[i] != '%') {
      bytes.push_back(ext[i]);
      continue;
    }
    if (i + 2 >= ext.size()) return std::nullopt;
    const int hi = hex_value(ext[i + 1]);
    const int lo = hex_value(ext[i + 2]);
    if (hi < 0 || lo < 0) return std::nullopt;
    bytes.push_back(static_cast<char>(hi * 16 + lo));
    i += 2;
  }
  if (!latin1) return bytes;
  std::string utf8;
  for (unsigned char c : bytes) {
    if (c < 0x80) {
      utf8.push_back(static_cast<char>(c));
    } else {
      utf8.push_back(static_cast<char>(0xC0 | (c >> 6)));
      utf8.push_back(static_cast<char>(0x80 | (c & 0x3F)));
    }
  }
  return utf8;
}

// The value of parameter `name`, the RFC 5987 form `name*` winning when it decodes.
std::optional<std::string> disposition_param(const HeaderValue& header, const std::string& name) {
  if (const std::string* ext = header.param(name + "*")) {
    if (auto decoded = decode_ext_value(*ext)) return decoded;
  }
  if (const std::string* plain = header.param(name)) return *plain;
  return std::nullopt;
}

// RFC 2046 bchars.
bool is_boundary_char(char c) {
  if ((c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')) return true;
  return std::string_view("'()+_,-./:=? ").find(c) != std::string_view::npos;
}

// Length of the well-formed UTF-8 sequence at s[i] (code point in *cp), 0 when ill-formed.
size_t utf8_sequence(std::string_view s, size_t i, uint32_t* cp) {
  const auto byte = [&](size_t k) { return static_cast<unsigned char>(s[k]); };
  const unsigned char b0 = byte(i);
  if (b0 < 0x80) {
    *cp = b0;
    return 1;
  }
  size_t len;
  unsigned char lo = 0x80, hi = 0xBF;
  if (b0 >= 0xC2 && b0 <= 0xDF) {
    len = 2;
  } else if (b0 >= 0xE0 && b0 <= 0xEF) {
    len = 3;
    if (b0 == 0xE0) lo = 0xA0;
    if (b0 == 0xED) hi = 0x9F;  // no surrogates
  } else if (b0 >= 0xF0 && b0 <= 0xF4) {
    len = 4;
    if (b0 == 0xF0) lo = 0x90;
    if (b0 == 0xF4) hi = 0x8F;
  } else {
    return 0;
  }
  if (i + len > s.size()) return 0;
  if (byte(i + 1) < lo || byte(i + 1) > hi) return 0;
  uint32_t value = b0 & (0x7F >> len);
  for (size_t k = 1; k < len; ++k) {
    if ((byte(i + k) & 0xC0) != 0x80) return 0;
    value = (value << 6) | (byte(i + k) & 0x3F);
  }
  *cp = value;
  return len;
}

// Cuts a UTF-8 string to at most `max` bytes at a character boundary.
std::string_view cut_utf8(std::string_view s, size_t max) {
  if (s.size() <= max) return s;
  size_t end = max;
  while (end > 0 && (static_cast<unsigned char>(s[end]) & 0xC0) == 0x80) --end;
  return s.substr(0, end);
}

Status errno_status(const std::string& what, const std::string& path, int error) {
  std::string message = what + " " + path + ": " + std::strerror(error);
  if (error == ENOENT) return Status::not_found(std::move(message));
  if (error == EEXIST) return Status::error(ErrorCode::kAlreadyExists, std::move(message));
  return Status::io(std::move(message));
}

}  // namespace

Result<std::string> multipart_boundary(std::string_view content_type) {
  const auto header = parse_header_value(content_type);
  if (!header) return Status::invalid("malformed Content-Type: an unterminated quoted string");
  if (header->type != "multipart/form-data") {
    return Status::invalid("Content-Type is not multipart/form-data");
  }
  const std::string* boundary = header->param("boundary");
  if (!boundary) return Status::invalid("multipart/form-data without a boundary parameter");
  if (boundary->empty() || boundary->size() > kMaxBoundaryBytes || boundary->back() == ' ' ||
      !std::all_of(boundary->begin(), boundary->end(), is_boundary_char)) {
    return Status::invalid(
        "invalid multipart boundary: RFC 2046 allows 1 to 70 letters, digits and '()+_,-./:=? "
        "characters, not ending in a space");
  }
  return *boundary;
}

MultipartParser::MultipartParser(std::string boundary, MultipartLimits limits, Callbacks callbacks)
    : delimiter_("\r\n--" + boundary),
      limits_(limits),
      callbacks_(std::move(callbacks)),
      // The first boundary may open the body without a CRLF before it: parsing starts as
      // if one were there, so one search for the delimiter finds every boundary.
      buffer_("\r\n") {}

Status MultipartParser::fail(Status status) {
  state_ = State::kFailed;
  error_ = std::move(status);
  return error_;
}

Status MultipartParser::feed(std::string_view bytes) {
  if (state_ == State::kFailed) return error_;
  if (state_ == State::kEpilogue) return Status::ok();
  buffer_.erase(0, pos_);
  pos_ = 0;
  buffer_.append(bytes);
  return run();
}

Status MultipartParser::finish() {
  if (state_ == State::kFailed) return error_;
  if (state_ != State::kEpilogue) {
    return fail(Status::invalid(
        "the multipart body ends before its final boundary (truncated, or the boundary does "
        "not match the Content-Type)"));
  }
  return Status::ok();
}

Status MultipartParser::emit(std::string_view data) {
  const uint64_t limit = part_.is_file() ? limits_.max_file_bytes : limits_.max_field_bytes;
  if (part_bytes_ + data.size() > limit) {
    return fail(Status::error(ErrorCode::kTooLarge, "multipart part \"" + part_.name +
                                                        "\" is larger than " +
                                                        std::to_string(limit) + " bytes"));
  }
  part_bytes_ += data.size();
  if (callbacks_.on_part_data) {
    Status status = callbacks_.on_part_data(data);
    if (!status.is_ok()) return fail(std::move(status));
  }
  return Status::ok();
}

Status MultipartParser::header_line(std::string_view line) {
  for (char c : line) {
    const auto u = static_cast<unsigned char>(c);
    if ((u < 0x20 && c != '\t') || u == 0x7F) {
      return fail(Status::invalid("a control character in a multipart part header"));
    }
  }
  if (is_ows(line.front())) {  // obsolete line folding
    if (headers_.empty()) return fail(Status::invalid("a multipart part header starts folded"));
    headers_.back().push_back(' ');
    headers_.back().append(trim(line));
    return Status::ok();
  }
  headers_.emplace_back(line);
  return Status::ok();
}

Status MultipartParser::headers_done() {
  std::optional<HeaderValue> disposition;
  std::string content_type;
  for (const std::string& header : headers_) {
    const size_t colon = header.find(':');
    if (colon == std::string::npos) {
      return fail(Status::invalid("a multipart part header line without ':'"));
    }
    const std::string name = lower(trim(std::string_view(header).substr(0, colon)));
    const std::string_view value = trim(std::string_view(header).substr(colon + 1));
    if (name == "content-disposition" && !disposition) {
      disposition = parse_header_value(value);
      if (!disposition) {
        return fail(Status::invalid("malformed Content-Disposition: an unterminated quote"));
      }
    } else if (name == "content-type" && content_type.empty()) {
      content_type = std::string(value);
    }
  }
  if (!disposition || disposition->type != "form-data") {
    return fail(Status::invalid("a multipart part without Content-Disposition: form-data"));
  }
  std::optional<std::string> name = disposition_param(*disposition, "name");
  if (!name) return fail(Status::invalid("a multipart part without a name"));
  if (parts_ >= limits_.max_parts) {
    return fail(Status::error(
        ErrorCode::kTooLarge,
        "more than " + std::to_string(limits_.max_parts) + " parts in the multipart body"));
  }
  ++parts_;
  part_ = MultipartPart{};
  part_.name = std::move(*name);
  part_.filename = disposition_param(*disposition, "filename").value_or("");
  part_.content_type = content_type.empty() ? "text/plain" : std::move(content_type);
  part_bytes_ = 0;
  headers_.clear();
  header_bytes_ = 0;
  state_ = State::kContent;
  if (callbacks_.on_part_begin) {
    Status status = callbacks_.on_part_begin(part_);
    if (!status.is_ok()) return fail(std::move(status));
  }
  return Status::ok();
}

Status MultipartParser::run() {
  while (true) {
    std::string_view view(buffer_);
    view.remove_prefix(pos_);
    switch (state_) {
      case State::kPreamble:
      case State::kContent: {
        const size_t at = view.find(delimiter_);
        if (at == std::string_view::npos) {
          // Everything but a tail that may be the start of a delimiter is content.
          const size_t n = view.size() - std::min(view.size(), delimiter_.size() - 1);
          if (state_ == State::kContent && n > 0) RAGD_RETURN_IF_ERROR(emit(view.substr(0, n)));
          pos_ += n;
          return Status::ok();
        }
        if (state_ == State::kContent) {
          if (at > 0) RAGD_RETURN_IF_ERROR(emit(view.substr(0, at)));
          if (callbacks_.on_part_end) {
            Status status = callbacks_.on_part_end();
            if (!status.is_ok()) return fail(std::move(status));
          }
        }
        pos_ += at + delimiter_.size();
        state_ = State::kAfterDelimiter;
        break;
      }
      case State::kAfterDelimiter:
        if (view.empty()) return Status::ok();
        if (view[0] == '-') {
          if (view.size() < 2) return Status::ok();
          if (view[1] != '-') {
            return fail(Status::invalid("a multipart boundary followed by other text"));
          }
          state_ = State::kEpilogue;
          pos_ = buffer_.size();
          return Status::ok();
        }
        state_ = State::kBoundaryLine;
        break;
      case State::kBoundaryLine: {
        size_t i = 0;
        while (i < view.size() && is_ows(view[i])) ++i;
        pos_ += i;
        if (i == view.size()) return Status::ok();
        ++pos_;
        if (view[i] == '\r') {
          state_ = State::kBoundaryCr;
        } else if (view[i] == '\n') {
          state_ = State::kHeaders;
        } else {
          return fail(Status::invalid("a multipart boundary followed by other text"));
        }
        break;
      }
      case State::kBoundaryCr:
        if (view.empty()) return Status::ok();
        if (view[0] != '\n') return fail(Status::invalid("a multipart boundary line without LF"));
        ++pos_;
        state_ = State::kHeaders;
        break;
      case State::kHeaders: {
        const size_t nl = view.find('\n');
        const size_t take = nl == std::string_view::npos ? view.size() : nl + 1;
        if (header_bytes_ + line_.size() + take > limits_.max_header_bytes) {
          return fail(Status::error(ErrorCode::kTooLarge,
                                    "a multipart part's headers are larger than " +
                                        std::to_string(limits_.max_header_bytes) + " bytes"));
        }
        if (nl == std::string_view::npos) {
          line_.append(view);
          pos_ += view.size();
          return Status::ok();
        }
        line_.append(view.substr(0, nl));
        pos_ += nl + 1;
        header_bytes_ += line_.size() + 1;
        std::string line = std::move(line_);
        line_.clear();
        if (!line.empty() && line.back() == '\r') line.pop_back();
        if (line.empty()) {
          RAGD_RETURN_IF_ERROR(headers_done());
        } else {
          RAGD_RETURN_IF_ERROR(header_line(line));
        }
        break;
      }
      case State::kEpilogue:
        pos_ = buffer_.size();
        return Status::ok();
      case State::kFailed:
        return error_;
    }
  }
}

Result<std::vector<MultipartPart>> read_multipart_file(const std::string& body_path,
                                                       std::string_view content_type,
                                                       const std::string& out_dir,
                                                       const MultipartLimits& limits) {
  Result<std::string> boundary = multipart_boundary(content_type);
  if (!boundary) return boundary.status();

  std::vector<MultipartPart> parts;
  MultipartPart current;
  std::vector<std::string> written;
  int out_fd = -1;
  bool created_dir = false;
  uint64_t index = 0;

  MultipartParser::Callbacks callbacks;
  callbacks.on_part_begin = [&](const MultipartPart& part) -> Status {
    current = part;
    const uint64_t n = index++;
    if (!part.is_file()) return Status::ok();
    std::error_code ec;
    if (!created_dir && !std::filesystem::is_directory(out_dir, ec)) {
      created_dir = std::filesystem::create_directories(out_dir, ec);
      if (ec) return Status::io("cannot create " + out_dir + ": " + ec.message());
    }
    std::string path = out_dir + "/part-" + std::to_string(n);
    out_fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    if (out_fd < 0) return errno_status("cannot create", path, errno);
    written.push_back(path);
    current.file_path = std::move(path);
    return Status::ok();
  };
  callbacks.on_part_data = [&](std::string_view data) -> Status {
    current.size += data.size();
    if (out_fd < 0) {
      current.value.append(data);
      return Status::ok();
    }
    while (!data.empty()) {
      const ssize_t n = ::write(out_fd, data.data(), data.size());
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) return errno_status("cannot write", current.file_path, n < 0 ? errno : EIO);
      data.remove_prefix(static_cast<size_t>(n));
    }
    return Status::ok();
  };
  callbacks.on_part_end = [&]() -> Status {
    if (out_fd >= 0) {
      const int rc = ::close(out_fd);
      out_fd = -1;
      if (rc != 0) return errno_status("cannot write", current.file_path, errno);
    }
    parts.push_back(std::move(current));
    current = MultipartPart{};
    return Status::ok();
  };
  MultipartParser parser(std::move(*boundary), limits, std::move(callbacks));

  Status status;
  const int in_fd = ::open(body_path.c_str(), O_RDONLY | O_CLOEXEC);
  if (in_fd < 0) {
    status = errno_status("cannot open", body_path, errno);
  } else {
    std::string chunk(kReadChunkBytes, '\0');
    while (status.is_ok()) {
      const ssize_t n = ::read(in_fd, chunk.data(), chunk.size());
      if (n < 0 && errno == EINTR) continue;
      if (n < 0) {
        status = errno_status("cannot read", body_path, errno);
      } else if (n == 0) {
        status = parser.finish();
        break;
      } else {
        status = parser.feed(std::string_view(chunk.data(), static_cast<size_t>(n)));
      }
    }
    ::close(in_fd);
  }
  if (status.is_ok()) return parts;

  if (out_fd >= 0) ::close(out_fd);
  std::error_code ec;
  for (const std::string& path : written) std::filesystem::remove(path, ec);
  if (created_dir) std::filesystem::remove(out_dir, ec);  // only when empty
  return status;
}

std::optional<std::string> safe_upload_name(std::string_view client_name) {
  const size_t cut = client_name.find_last_of("/\\");
  if (cut != std::string_view::npos) client_name.remove_prefix(cut + 1);

  std::string name;
  for (size_t i = 0; i < client_name.size();) {
    uint32_t cp = 0;
    const size_t len = utf8_sequence(client_name, i, &cp);
    if (len == 0) {
      name.append("\xEF\xBF\xBD");  // U+FFFD for each ill-formed byte
      ++i;
      continue;
    }
    const bool control = cp < 0x20 || cp == 0x7F || (cp >= 0x80 && cp < 0xA0);
    if (!control) name.append(client_name.substr(i, len));
    i += len;
  }

  std::string_view view(name);
  while (!view.empty() && view.front() == ' ') view.remove_prefix(1);
  while (!view.empty() && view.back() == ' ') view.remove_suffix(1);
  if (view.empty() || view == "." || view == "..") return std::nullopt;
  if (view.size() <= kMaxNameBytes) return std::string(view);

  const size_t dot = view.rfind('.');
  if (dot != std::string_view::npos && dot > 0 && view.size() - dot <= kMaxKeptExtensionBytes) {
    const std::string_view extension = view.substr(dot);
    return std::string(cut_utf8(view, kMaxNameBytes - extension.size())) + std::string(extension);
  }
  std::string_view kept = cut_utf8(view, kMaxNameBytes);
  while (kept.back() == ' ') kept.remove_suffix(1);  // view starts with a non-space
  return std::string(kept);
}

}  // namespace ragd
