#include "text/tokenizer.h"

#include <utf8proc.h>

#include <array>

#include "text/utf8.h"

namespace ragd {
namespace {

enum class Cls : uint8_t { kOther, kLetter, kDigit, kJoinSplit, kJoinId, kApostrophe, kIdeo };

constexpr std::array<Cls, 128> make_ascii_table() {
  std::array<Cls, 128> t{};
  for (int c = 0; c < 128; ++c) t[c] = Cls::kOther;
  for (int c = 'a'; c <= 'z'; ++c) t[c] = Cls::kLetter;
  for (int c = 'A'; c <= 'Z'; ++c) t[c] = Cls::kLetter;
  for (int c = '0'; c <= '9'; ++c) t[c] = Cls::kDigit;
  t['-'] = Cls::kJoinSplit;
  t['.'] = Cls::kJoinSplit;
  t['_'] = Cls::kJoinId;
  t['@'] = Cls::kJoinId;
  t['\''] = Cls::kApostrophe;
  return t;
}

constexpr std::array<Cls, 128> kAscii = make_ascii_table();

bool is_ideograph(int32_t cp) {
  return (cp >= 0x3040 && cp <= 0x309F) || utf8::is_cjk_ideograph(cp);  // Hiragana too
}

Cls classify_non_ascii(int32_t cp) {
  if (cp == 0x2019) return Cls::kApostrophe;
  if (is_ideograph(cp)) return Cls::kIdeo;
  switch (utf8proc_category(cp)) {
    case UTF8PROC_CATEGORY_LU:
    case UTF8PROC_CATEGORY_LL:
    case UTF8PROC_CATEGORY_LT:
    case UTF8PROC_CATEGORY_LM:
    case UTF8PROC_CATEGORY_LO:
    case UTF8PROC_CATEGORY_MN:
    case UTF8PROC_CATEGORY_MC:
    case UTF8PROC_CATEGORY_ME:
      return Cls::kLetter;
    case UTF8PROC_CATEGORY_ND:
    case UTF8PROC_CATEGORY_NL:
    case UTF8PROC_CATEGORY_NO:
      return Cls::kDigit;
    default:
      return Cls::kOther;
  }
}

struct Char {
  Cls cls;
  uint32_t len;
};

// Class and length of the character at p[0] (n >= 1); invalid bytes are kOther.
inline Char read_char(const unsigned char* p, size_t n) {
  if (p[0] < 0x80) return {kAscii[p[0]], 1};
  const utf8::Decoded d = utf8::decode(p, n);
  if (d.cp < 0) return {Cls::kOther, d.len};
  return {classify_non_ascii(d.cp), d.len};
}

inline bool is_word(Cls c) {
  return c == Cls::kLetter || c == Cls::kDigit;
}

}  // namespace

bool Tokenizer::next_split_word(SurfaceToken* token) {
  const auto* p = reinterpret_cast<const unsigned char*>(text_.data());
  size_t end = split_pos_;
  bool ascii = true;
  while (end < split_end_ && p[end] != '-' && p[end] != '.') {
    ascii &= p[end] < 0x80;
    ++end;
  }
  *token = {split_pos_, end, SurfaceKind::kWord, ascii};
  split_pos_ = end + 1;
  if (split_pos_ >= split_end_) split_end_ = 0;
  return true;
}

bool Tokenizer::next(SurfaceToken* token) {
  if (split_end_ != 0) return next_split_word(token);
  const auto* p = reinterpret_cast<const unsigned char*>(text_.data());
  const size_t n = text_.size();
  size_t pos = pos_;
  Char c{Cls::kOther, 0};
  // Find the first character of a token.
  while (pos < n) {
    c = read_char(p + pos, n - pos);
    if (is_word(c.cls) || c.cls == Cls::kIdeo) break;
    pos += c.len;
  }
  if (pos >= n) {
    pos_ = n;
    return false;
  }
  if (c.cls == Cls::kIdeo) {
    *token = {pos, pos + c.len, SurfaceKind::kIdeograph, false};
    pos_ = pos + c.len;
    return true;
  }
  const size_t begin = pos;
  bool ascii = true;
  bool has_digit = false;
  bool has_id_joiner = false;
  bool has_split_joiner = false;
  while (pos < n) {
    c = read_char(p + pos, n - pos);
    if (is_word(c.cls)) {
      ascii &= p[pos] < 0x80;
      has_digit |= c.cls == Cls::kDigit;
      pos += c.len;
      continue;
    }
    if (c.cls != Cls::kJoinSplit && c.cls != Cls::kJoinId && c.cls != Cls::kApostrophe) break;
    const size_t after = pos + c.len;
    if (after >= n) break;
    const Char next = read_char(p + after, n - after);
    if (c.cls == Cls::kApostrophe ? next.cls != Cls::kLetter : !is_word(next.cls)) {
      break;
    }
    ascii &= p[pos] < 0x80;
    has_id_joiner |= c.cls == Cls::kJoinId;
    has_split_joiner |= c.cls == Cls::kJoinSplit;
    pos = after;
  }
  size_t end = pos;
  if (end - begin == 1 && kAscii[p[begin]] == Cls::kLetter && end < n) {
    // "C++", "C#", "F#": only when followed by a boundary, so "C+D" or "C#1" stay apart.
    const size_t suffix = (p[end] == '+' && end + 1 < n && p[end + 1] == '+') ? 2
                          : p[end] == '#'                                     ? 1
                                                                              : 0;
    const size_t after = end + suffix;
    if (suffix != 0 &&
        (after >= n || (p[after] < 0x80 && kAscii[p[after]] != Cls::kLetter &&
                        kAscii[p[after]] != Cls::kDigit && p[after] != '+' && p[after] != '#'))) {
      end = after;
      has_id_joiner = true;
    }
  }
  pos_ = end;
  if (has_digit || has_id_joiner) {
    *token = {begin, end, SurfaceKind::kIdentifier, ascii};
    return true;
  }
  if (has_split_joiner) {
    split_pos_ = begin;
    split_end_ = end;
    return next_split_word(token);
  }
  *token = {begin, end, SurfaceKind::kWord, ascii};
  return true;
}

}  // namespace ragd
