// repair_mojibake from normalize.h.
//
// Mojibake of this kind arises when UTF-8 bytes are decoded as Windows-1252 (or Latin-1)
// and the resulting characters are encoded as UTF-8 again: every original byte became one
// character. A repairable unit is therefore a character standing for a UTF-8 lead byte
// (U+00C2..U+00F4, all encoded as 0xC3 0xXX) followed by the right number of characters
// standing for continuation bytes, whose bytes form one well-formed UTF-8 sequence.
//
// Legitimate text can contain such units too ("CAFÉ”" reads as É + a byte 0x94), so a
// unit is only repaired when it looks like mojibake: its lead is Â or Ã (which almost
// never precede a symbol in real text), or it contains a character that rarely follows a
// letter (€, ©, ¤, ‚, a C1 control...), or it is adjacent to another unit. Double
// encodings are undone by repeating the pass a bounded number of times, so the whole
// repair stays linear in the input.
#include <cstring>
#include <string_view>

#include "text/normalize.h"
#include "text/utf8.h"

namespace ragd {
namespace {

// The byte that Windows-1252 (with Latin-1 for its five undefined positions) decodes to
// `cp`, restricted to 0x80..0xFF; -1 when there is none.
int byte_for(int32_t cp) {
  if (cp >= 0x80 && cp <= 0xFF) return cp;
  // clang-format off
  switch (cp) {
    case 0x20AC: return 0x80;
    case 0x201A: return 0x82;
    case 0x0192: return 0x83;
    case 0x201E: return 0x84;
    case 0x2026: return 0x85;
    case 0x2020: return 0x86;
    case 0x2021: return 0x87;
    case 0x02C6: return 0x88;
    case 0x2030: return 0x89;
    case 0x0160: return 0x8A;
    case 0x2039: return 0x8B;
    case 0x0152: return 0x8C;
    case 0x017D: return 0x8E;
    case 0x2018: return 0x91;
    case 0x2019: return 0x92;
    case 0x201C: return 0x93;
    case 0x201D: return 0x94;
    case 0x2022: return 0x95;
    case 0x2013: return 0x96;
    case 0x2014: return 0x97;
    case 0x02DC: return 0x98;
    case 0x2122: return 0x99;
    case 0x0161: return 0x9A;
    case 0x203A: return 0x9B;
    case 0x0153: return 0x9C;
    case 0x017E: return 0x9E;
    case 0x0178: return 0x9F;
    default: return -1;
  }
  // clang-format on
}

// Characters that plausibly follow an accented letter in genuine text (closing quotes,
// dashes, ellipsis, degree, superscripts, marks); a unit made only of these is ambiguous.
bool plausible_after_letter(int32_t cp) {
  switch (cp) {
    case 0x00A0:
    case 0x00AA:
    case 0x00AB:
    case 0x00AE:
    case 0x00B0:
    case 0x00B2:
    case 0x00B3:
    case 0x00B7:
    case 0x00B9:
    case 0x00BA:
    case 0x00BB:
    case 0x2013:
    case 0x2014:
    case 0x2018:
    case 0x2019:
    case 0x201C:
    case 0x201D:
    case 0x2022:
    case 0x2026:
    case 0x2039:
    case 0x203A:
    case 0x2122:
      return true;
    default:
      return false;
  }
}

struct Unit {
  size_t begin = 0;  // byte range of the mojibake in the input
  size_t end = 0;
  unsigned char bytes[4] = {};
  uint32_t nbytes = 0;
  bool telltale = false;  // looks like mojibake even on its own
};

// Tries to read a unit at text[i], where text[i] == 0xC3.
bool match_unit(const unsigned char* p, size_t n, size_t i, Unit* unit) {
  if (i + 1 >= n) return false;
  const unsigned lead = 0xC0 + (p[i + 1] & 0x3F);  // the Latin-1 character's byte
  if (p[i + 1] < 0x80 || p[i + 1] > 0xBF || lead < 0xC2 || lead > 0xF4) return false;
  const uint32_t continuations = lead < 0xE0 ? 1 : (lead < 0xF0 ? 2 : 3);
  unsigned lo = 0x80;
  unsigned hi = 0xBF;
  if (lead == 0xE0) lo = 0xA0;
  if (lead == 0xED) hi = 0x9F;
  if (lead == 0xF0) lo = 0x90;
  if (lead == 0xF4) hi = 0x8F;
  unit->begin = i;
  unit->bytes[0] = static_cast<unsigned char>(lead);
  unit->nbytes = 1 + continuations;
  unit->telltale = lead == 0xC2 || lead == 0xC3;
  size_t j = i + 2;
  for (uint32_t k = 1; k <= continuations; ++k) {
    if (j >= n) return false;
    const utf8::Decoded d = utf8::decode(p + j, n - j);
    if (d.cp < 0) return false;
    const int b = byte_for(d.cp);
    if (b < 0 || b > 0xBF) return false;
    if (k == 1 && (static_cast<unsigned>(b) < lo || static_cast<unsigned>(b) > hi)) return false;
    unit->bytes[k] = static_cast<unsigned char>(b);
    if (!plausible_after_letter(d.cp)) unit->telltale = true;
    j += d.len;
  }
  unit->end = j;
  return true;
}

// One repair pass; returns false (leaving `out` untouched) when nothing was repaired.
bool repair_pass(std::string_view text, std::string& out) {
  const auto* p = reinterpret_cast<const unsigned char*>(text.data());
  const size_t n = text.size();
  size_t copied = 0;  // text[copied, ...) has not been written to `out` yet
  bool changed = false;
  Unit first;
  Unit unit;
  size_t i = 0;
  while (i < n) {
    const void* hit = std::memchr(p + i, 0xC3, n - i);
    if (hit == nullptr) break;
    i = static_cast<size_t>(static_cast<const unsigned char*>(hit) - p);
    if (!match_unit(p, n, i, &first)) {
      ++i;
      continue;
    }
    // A run of adjacent units is repaired as a whole when it has two or more units.
    const bool run = first.end < n && p[first.end] == 0xC3 && match_unit(p, n, first.end, &unit);
    if (!run && !first.telltale) {
      i = first.end;
      continue;
    }
    if (!changed) {
      out.clear();
      out.reserve(n);
      changed = true;
    }
    out.append(text.data() + copied, first.begin - copied);
    out.append(reinterpret_cast<const char*>(first.bytes), first.nbytes);
    size_t end = first.end;
    if (run) {
      do {
        out.append(reinterpret_cast<const char*>(unit.bytes), unit.nbytes);
        end = unit.end;
      } while (end < n && p[end] == 0xC3 && match_unit(p, n, end, &unit));
    }
    copied = end;
    i = end;
  }
  if (!changed) return false;
  out.append(text.data() + copied, n - copied);
  return true;
}

}  // namespace

std::string repair_mojibake(std::string_view text) {
  // Every repairable unit starts with a character U+00C2..U+00F4, encoded 0xC3 0xXX.
  if (text.empty() || std::memchr(text.data(), 0xC3, text.size()) == nullptr)
    return std::string(text);
  std::string current(text);
  std::string next;
  // Three passes undo up to triple encoding; each pass is linear.
  for (int pass = 0; pass < 3; ++pass) {
    if (!repair_pass(current, next)) break;
    current.swap(next);
  }
  return current;
}

}  // namespace ragd
