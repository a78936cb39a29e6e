// UTF-8 decoding and encoding primitives shared by the cleaner and the analyzer.
// Pure inline functions; thread-safe.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace ragd::utf8 {

// Result of decoding one sequence: `cp` is the code point, or -1 when the bytes at the
// position do not start a well-formed sequence; `len` is the number of bytes consumed,
// always >= 1. For an ill-formed sequence `len` covers its maximal subpart (Unicode 15,
// section 3.9), so that replacing each such subpart with U+FFFD follows the W3C practice.
struct Decoded {
  int32_t cp;
  uint32_t len;
};

// Decodes the sequence starting at p[0]; requires n >= 1.
inline Decoded decode(const unsigned char* p, size_t n) {
  const unsigned char b0 = p[0];
  if (b0 < 0x80) return {b0, 1};
  uint32_t need;
  unsigned char lo = 0x80;
  unsigned char hi = 0xBF;
  int32_t cp;
  if (b0 >= 0xC2 && b0 <= 0xDF) {
    need = 1;
    cp = b0 & 0x1F;
  } else if (b0 >= 0xE0 && b0 <= 0xEF) {
    need = 2;
    cp = b0 & 0x0F;
    if (b0 == 0xE0) lo = 0xA0;  // overlong
    if (b0 == 0xED) hi = 0x9F;  // surrogates
  } else if (b0 >= 0xF0 && b0 <= 0xF4) {
    need = 3;
    cp = b0 & 0x07;
    if (b0 == 0xF0) lo = 0x90;  // overlong
    if (b0 == 0xF4) hi = 0x8F;  // above U+10FFFF
  } else {
    return {-1, 1};
  }
  uint32_t i = 1;
  for (; i <= need; ++i) {
    if (i >= n) return {-1, i};
    const unsigned char b = p[i];
    if (i == 1 ? (b < lo || b > hi) : (b < 0x80 || b > 0xBF)) return {-1, i};
    cp = (cp << 6) | (b & 0x3F);
  }
  return {cp, i};
}

// Appends the UTF-8 encoding of `cp` (a scalar value) to `out`.
inline void append(std::string& out, int32_t cp) {
  if (cp < 0x80) {
    out.push_back(static_cast<char>(cp));
  } else if (cp < 0x800) {
    out.push_back(static_cast<char>(0xC0 | (cp >> 6)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else if (cp < 0x10000) {
    out.push_back(static_cast<char>(0xE0 | (cp >> 12)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else {
    out.push_back(static_cast<char>(0xF0 | (cp >> 18)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  }
}

// Length of the ASCII-only prefix of [p, p + n).
size_t ascii_prefix(const unsigned char* p, size_t n);

// True when `text` is well-formed UTF-8 and `keep(cp)` holds for every non-ASCII code point.
template <typename Predicate>
bool all_non_ascii(std::string_view text, Predicate keep) {
  const auto* p = reinterpret_cast<const unsigned char*>(text.data());
  const size_t n = text.size();
  size_t i = 0;
  while (i < n) {
    i += ascii_prefix(p + i, n - i);
    if (i >= n) break;
    const Decoded d = decode(p + i, n - i);
    if (d.cp < 0 || !keep(d.cp)) return false;
    i += d.len;
  }
  return true;
}

// CJK ideographs, which are written without spaces and which BERT's tokenizer splits into
// one token each (its _is_chinese_char ranges, plus extension G).
inline bool is_cjk_ideograph(int32_t cp) {
  return (cp >= 0x4E00 && cp <= 0x9FFF) || (cp >= 0x3400 && cp <= 0x4DBF) ||
         (cp >= 0x20000 && cp <= 0x2A6DF) || (cp >= 0x2A700 && cp <= 0x2CEAF) ||
         (cp >= 0xF900 && cp <= 0xFAFF) || (cp >= 0x2F800 && cp <= 0x2FA1F) ||
         (cp >= 0x30000 && cp <= 0x3134F);
}

}  // namespace ragd::utf8
