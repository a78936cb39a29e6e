// Plain text: a paragraph per run of non-blank lines.
#include <exception>
#include <new>

#include "ingest/block_builder.h"
#include "ingest/loaders.h"

namespace ragd {
namespace {

bool is_blank(std::string_view line) {
  return line.find_first_not_of(" \t\r\f\v") == std::string_view::npos;
}

}  // namespace

Result<RawDocument> parse_text(std::string_view bytes) {
  try {
    RAGD_RETURN_IF_ERROR(check_not_binary(bytes));
    bytes = strip_bom(bytes);
    RawDocument doc;
    BlockBuilder builder(&doc);
    size_t pos = 0;
    while (pos < bytes.size()) {
      size_t nl = bytes.find('\n', pos);
      size_t end = nl == std::string_view::npos ? bytes.size() : nl;
      std::string_view line = bytes.substr(pos, end - pos);
      if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
      if (is_blank(line)) {
        builder.flush();
      } else {
        if (!builder.empty()) builder.append('\n');
        builder.append(line);
      }
      pos = end + 1;
    }
    builder.flush();
    return doc;
  } catch (const std::bad_alloc&) {
    return Status::internal("out of memory while reading text");
  } catch (const std::exception& e) {
    return Status::internal(std::string("reading text failed: ") + e.what());
  }
}

}  // namespace ragd
