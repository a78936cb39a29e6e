// is_valid_utf8 and repair_utf8 from normalize.h, on top of the primitives in utf8.h.
#include "text/utf8.h"

#include <cstring>
#include <string_view>

#include "text/normalize.h"

namespace ragd {
namespace utf8 {

size_t ascii_prefix(const unsigned char* p, size_t n) {
  size_t i = 0;
  for (; i + 8 <= n; i += 8) {
    uint64_t word;
    std::memcpy(&word, p + i, 8);
    if (word & 0x8080808080808080ULL) break;
  }
  while (i < n && p[i] < 0x80) ++i;
  return i;
}

}  // namespace utf8

bool is_valid_utf8(std::string_view text) {
  return utf8::all_non_ascii(text, [](int32_t) { return true; });
}

std::string repair_utf8(std::string_view text) {
  const auto* p = reinterpret_cast<const unsigned char*>(text.data());
  const size_t n = text.size();
  std::string out;
  size_t i = 0;
  size_t copied = 0;  // text[copied, i) is valid and not yet appended
  while (i < n) {
    i += utf8::ascii_prefix(p + i, n - i);
    if (i >= n) break;
    const utf8::Decoded d = utf8::decode(p + i, n - i);
    if (d.cp < 0) {
      if (out.empty()) out.reserve(n + 16);
      out.append(text.data() + copied, i - copied);
      out.append("\xEF\xBF\xBD");
      copied = i + d.len;
    }
    i += d.len;
  }
  if (copied == 0) return std::string(text);
  out.append(text.data() + copied, n - copied);
  return out;
}

}  // namespace ragd
