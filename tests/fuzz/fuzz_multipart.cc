// libFuzzer target for MultipartParser and safe_upload_name: feeding a body in pieces cut at
// fuzzer-chosen places must give exactly the parts and the outcome of feeding it at once;
// parts never exceed the limits; every safe name is a single acceptable path component.
// Input layout: the first byte seeds the piece sizes; the rest is the body, whose boundary
// is "XyZ" (short, so that the fuzzer finds it).
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "net/multipart_reader.h"

namespace {

void check(bool condition) {
  if (!condition) __builtin_trap();
}

struct Outcome {
  ragd::ErrorCode code = ragd::ErrorCode::kOk;
  std::vector<ragd::MultipartPart> parts;  // content in `value` for every part
  bool open = false;                       // a part began and has not ended
};

ragd::MultipartParser::Callbacks collect(Outcome& out) {
  ragd::MultipartParser::Callbacks callbacks;
  callbacks.on_part_begin = [&out](const ragd::MultipartPart& part) {
    check(!out.open);
    out.parts.push_back(part);
    out.open = true;
    return ragd::Status::ok();
  };
  callbacks.on_part_data = [&out](std::string_view data) {
    check(out.open && !data.empty());
    out.parts.back().value.append(data);
    out.parts.back().size += data.size();
    return ragd::Status::ok();
  };
  callbacks.on_part_end = [&out]() {
    check(out.open);
    out.open = false;
    return ragd::Status::ok();
  };
  return callbacks;
}

void check_safe_name(std::string_view client_name) {
  const std::optional<std::string> name = ragd::safe_upload_name(client_name);
  if (!name) return;
  check(!name->empty() && name->size() <= 255);
  check(*name != "." && *name != "..");
  check(name->find_first_of("/\\") == std::string::npos);
  for (unsigned char c : *name) check(c >= 0x20 && c != 0x7F);
  check(ragd::safe_upload_name(*name) == name);  // idempotent
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  uint32_t state = data[0] * 2654435761u + 1;
  const std::string_view body(reinterpret_cast<const char*>(data + 1), size - 1);
  // Small limits so that every failure path is reached too.
  const ragd::MultipartLimits limits{
      .max_parts = 8, .max_field_bytes = 256, .max_file_bytes = 1024, .max_header_bytes = 512};

  Outcome whole;
  {
    ragd::MultipartParser parser("XyZ", limits, collect(whole));
    ragd::Status status = parser.feed(body);
    if (status.is_ok()) status = parser.finish();
    whole.code = status.code();
  }

  Outcome pieces;
  {
    ragd::MultipartParser parser("XyZ", limits, collect(pieces));
    ragd::Status status;
    size_t at = 0;
    while (at < body.size() && status.is_ok()) {
      state = state * 1103515245u + 12345u;
      const size_t n = std::min<size_t>(body.size() - at, (state >> 16) % 13);
      status = parser.feed(body.substr(at, n));
      at += n;
    }
    if (status.is_ok()) status = parser.finish();
    pieces.code = status.code();
  }

  check(whole.code == pieces.code);
  check(whole.parts.size() == pieces.parts.size());
  for (size_t i = 0; i < whole.parts.size(); ++i) {
    const ragd::MultipartPart& part = whole.parts[i];
    if (whole.code == ragd::ErrorCode::kOk || i + 1 < whole.parts.size()) {
      check(part == pieces.parts[i]);
    } else {
      // The part a failure interrupted: the same headers, and content of which one run may
      // have been given more before the limit stopped it.
      check(part.name == pieces.parts[i].name && part.filename == pieces.parts[i].filename);
    }
    check(part.size == part.value.size());
    check(part.size <= (part.is_file() ? limits.max_file_bytes : limits.max_field_bytes));
    check_safe_name(part.filename);
  }
  check(whole.parts.size() <= limits.max_parts);
  if (whole.code == ragd::ErrorCode::kOk) check(!whole.open);

  check_safe_name(body);
  (void)ragd::multipart_boundary(body);
  return 0;
}
