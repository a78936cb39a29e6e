// A streaming reader for multipart/form-data request bodies (RFC 7578 on RFC 2046).
//
// The server spools an upload to a temporary file first; read_multipart_file() then goes
// through that file in bounded chunks (never the whole body in memory) and writes each file
// part to a file of its own. MultipartParser is the incremental parser underneath: bytes may
// be fed in any chunking (a boundary split across feed() calls included) and the parts seen
// are the same as for the whole body fed at once.
//
// What is accepted:
//  - a preamble before the first boundary and an epilogue after the final one (ignored);
//    the first boundary may open the body without a preceding CRLF;
//  - transport padding (spaces, tabs) after a boundary, then CRLF (a bare LF is tolerated);
//  - part headers ending in CRLF or bare LF, obsolete line folding, names in any case;
//  - Content-Disposition: form-data with `name` (required) and `filename`, each a token or a
//    quoted string with backslash escapes; `name*` / `filename*` in the RFC 5987 form
//    charset'lang'pct-encoded (UTF-8 or ISO-8859-1) take precedence over the plain form;
//  - text inside a part that only looks like a boundary ("--b" not after CRLF, a prefix of
//    the delimiter); the delimiter inside content is CRLF "--" boundary, exactly;
//  - empty parts; a body whose only boundary is the final one (no parts).
// A part is a file part when it carries a non-empty filename; a part with filename=""
// (a browser's "no file chosen") is read as a plain field. A part without Content-Type is
// "text/plain" (RFC 7578 section 4.4). Content-Transfer-Encoding is ignored (RFC 7578 4.7).
//
// Errors: kInvalidArgument for a malformed body (a delimiter followed by anything but "--",
// padding and a line end; a part without `Content-Disposition: form-data; name=...`; control
// characters in a header line; no final boundary at finish()); kTooLarge when a limit of
// MultipartLimits is exceeded. Errors are sticky: after one, feed() and finish() return it.
//
// Thread-safety: none; one parser per body. The free functions are reentrant.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"

namespace ragd {

struct MultipartLimits {
  uint64_t max_parts = 64;
  uint64_t max_field_bytes = 1 << 20;      // each non-file part's value, kept in memory
  uint64_t max_file_bytes = 256ull << 20;  // each file part's content
  size_t max_header_bytes = 16 << 10;      // each part's header block, line ends included
};

struct MultipartPart {
  std::string name;
  std::string filename;  // as the client sent it (see safe_upload_name); empty for fields
  std::string content_type;
  std::string value;      // plain fields: the content
  std::string file_path;  // file parts: where the content was written
  uint64_t size = 0;      // bytes of content

  bool is_file() const { return !filename.empty(); }
  bool operator==(const MultipartPart&) const = default;
};

// The boundary parameter of a multipart/form-data Content-Type (quoted or not, parameters in
// any order, type and parameter names in any case). kInvalidArgument for another media type,
// a missing boundary, or one that RFC 2046 does not allow (1..70 of its characters, not
// ending in a space).
Result<std::string> multipart_boundary(std::string_view content_type);

class MultipartParser {
 public:
  struct Callbacks {
    // A part's headers are complete: name, filename and content_type are set (value,
    // file_path and size are not). A non-ok Status stops the parser with that Status.
    std::function<Status(const MultipartPart& part)> on_part_begin;
    // The next piece of the current part's content (never empty).
    std::function<Status(std::string_view data)> on_part_data;
    // The current part's content is complete.
    std::function<Status()> on_part_end;
  };

  // `boundary` as returned by multipart_boundary(). Callbacks left empty are not called.
  MultipartParser(std::string boundary, MultipartLimits limits, Callbacks callbacks);

  // Parses the next bytes of the body.
  Status feed(std::string_view bytes);
  // End of the body: kInvalidArgument unless the final boundary was seen.
  Status finish();

  // Parts whose headers were complete so far.
  uint64_t parts_seen() const { return parts_; }

 private:
  enum class State {
    kPreamble,
    kAfterDelimiter,
    kBoundaryLine,
    kBoundaryCr,
    kHeaders,
    kContent,
    kEpilogue,
    kFailed
  };

  Status run();
  Status fail(Status status);
  Status header_line(std::string_view line);
  Status headers_done();
  Status emit(std::string_view data);

  std::string delimiter_;  // CRLF "--" boundary
  MultipartLimits limits_;
  Callbacks callbacks_;
  State state_ = State::kPreamble;
  Status error_;
  std::string buffer_;  // unparsed bytes from buffer_[pos_]
  size_t pos_ = 0;
  std::string line_;                  // the header line being read
  std::vector<std::string> headers_;  // the current part's header lines, folding undone
  size_t header_bytes_ = 0;
  MultipartPart part_;  // the current part's headers
  uint64_t part_bytes_ = 0;
  uint64_t parts_ = 0;
};

// Reads the multipart body in `body_path` (Content-Type `content_type`) in bounded chunks.
// Plain fields come back with their value; each file part is written to a new file
// out_dir/part-<n> (n counts parts from 0; the client's filename never names a file) and
// comes back with file_path and size. out_dir is created when missing. On error every file
// this call wrote is removed (and out_dir, when this call created it). Errors: those of
// multipart_boundary and MultipartParser; kNotFound / kIo for the body file; kIo or
// kAlreadyExists when a part file cannot be created.
Result<std::vector<MultipartPart>> read_multipart_file(const std::string& body_path,
                                                       std::string_view content_type,
                                                       const std::string& out_dir,
                                                       const MultipartLimits& limits = {});

// A client-supplied file name made safe as a document key: its last path component (after
// the last '/' or '\'), control characters (C0, DEL, C1) removed, invalid UTF-8 bytes
// replaced by U+FFFD, surrounding spaces trimmed, at most 255 bytes (cut at a character
// boundary, keeping a short extension). nullopt when nothing acceptable remains: an empty
// name, "." or "..".
std::optional<std::string> safe_upload_name(std::string_view client_name);

}  // namespace ragd
