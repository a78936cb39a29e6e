// clean_text, clean_line and clean_preformatted from normalize.h.
//
// The whitespace/control pass runs before NFC (not after, as the header lists them): the
// result is the same except that removing a character between a base letter and its
// combining mark cannot leave the output denormalised, so the output is always NFC.
#include "text/normalize.h"

#include <utf8proc.h>

#include <cstdlib>
#include <string_view>

#include "text/utf8.h"

namespace ragd {
namespace {

enum class Mode { kText, kLine, kPreformatted };

enum class CharClass { kNormal, kNewline, kSpace, kDrop };

CharClass classify(int32_t cp) {
  if (cp < 0x80) {
    if (cp >= 0x21 && cp != 0x7F) return CharClass::kNormal;
    if (cp == ' ' || cp == '\t') return CharClass::kSpace;
    // \r (alone or in \r\n), form feed and vertical tab end lines too.
    if (cp == '\n' || cp == '\r' || cp == '\f' || cp == '\v') return CharClass::kNewline;
    return CharClass::kDrop;
  }
  if (cp <= 0x9F) return cp == 0x85 ? CharClass::kNewline : CharClass::kDrop;
  switch (cp) {
    case 0x00A0:
    case 0x1680:
    case 0x202F:
    case 0x205F:
    case 0x3000:
      return CharClass::kSpace;
    case 0x2028:
    case 0x2029:
      return CharClass::kNewline;
    // Soft hyphen, zero-width space, word joiner, byte order mark: invisible, and they
    // split words for search ("inter\u00ADnational").
    case 0x00AD:
    case 0x200B:
    case 0x2060:
    case 0xFEFF:
      return CharClass::kDrop;
    default:
      break;
  }
  if (cp >= 0x2000 && cp <= 0x200A) return CharClass::kSpace;
  return CharClass::kNormal;
}

// Whitespace and control handling of valid UTF-8 `text` per `mode` (see normalize.h).
std::string collapse_whitespace(std::string_view text, Mode mode) {
  const auto* p = reinterpret_cast<const unsigned char*>(text.data());
  const size_t n = text.size();
  std::string out;
  out.reserve(n);
  int pending_newlines = 0;
  bool pending_space = false;  // kText/kLine: a space run awaits the next visible char
  std::string pending_indent;  // kPreformatted: the verbatim run awaiting it
  size_t i = 0;
  while (i < n) {
    const unsigned char b = p[i];
    int32_t cp;
    uint32_t len;
    if (b >= 0x21 && b < 0x7F) {
      cp = b;
      len = 1;
    } else {
      const utf8::Decoded d = utf8::decode(p + i, n - i);
      cp = d.cp;
      len = d.len;
    }
    const CharClass cls = cp < 0 ? CharClass::kDrop : classify(cp);
    if (cls == CharClass::kNormal) {
      if (pending_newlines > 0) {
        out.append(pending_newlines >= 2 ? "\n\n" : "\n");
        if (mode == Mode::kPreformatted) out.append(pending_indent);
      } else if (mode == Mode::kPreformatted) {
        out.append(pending_indent);
      } else if (pending_space && !out.empty()) {
        out.push_back(' ');
      }
      pending_newlines = 0;
      pending_space = false;
      pending_indent.clear();
      size_t run_end = i + len;  // visible ASCII needs no classification
      while (run_end < n && p[run_end] >= 0x21 && p[run_end] < 0x7F) ++run_end;
      out.append(text.data() + i, run_end - i);
      i = run_end;
      continue;
    } else if (cls == CharClass::kNewline && mode != Mode::kLine) {
      if (b == '\r' && i + 1 < n && p[i + 1] == '\n') len = 2;
      if (!out.empty()) ++pending_newlines;
      pending_space = false;
      pending_indent.clear();
    } else if (cls == CharClass::kSpace || cls == CharClass::kNewline) {
      // Leading spaces of a line are dropped in kText like trailing ones.
      if (pending_newlines == 0) pending_space = true;
      if (mode == Mode::kPreformatted) pending_indent.append(text.data() + i, len);
    }
    i += len;
  }
  return out;
}

// True when `cp` can neither change under NFC nor change its neighbour: no canonical
// decomposition, combining class 0, and not the second half of a canonical composition
// (utf8proc marks those with comb_index >= 0x8000; Hangul jamo compose algorithmically).
// All code points below U+0300 qualify.
bool nfc_inert(int32_t cp) {
  if (cp < 0x300) return true;
  if ((cp >= 0x1161 && cp <= 0x1175) || (cp >= 0x11A8 && cp <= 0x11C2)) return false;
  const utf8proc_property_t* property = utf8proc_get_property(cp);
  if (property->combining_class != 0) return false;
  if (property->decomp_seqindex != UINT16_MAX && property->decomp_type == 0) return false;
  return property->comb_index == UINT16_MAX || property->comb_index < 0x8000;
}

// Text made only of inert code points is already NFC, which spares utf8proc's
// allocate-decompose-recompose round trip for almost all real text.
bool trivially_nfc(std::string_view text) { return utf8::all_non_ascii(text, nfc_inert); }

// NFC of valid UTF-8; returns `text` itself when utf8proc declines it.
std::string to_nfc(std::string text) {
  if (trivially_nfc(text)) return text;
  utf8proc_uint8_t* mapped = nullptr;
  const utf8proc_ssize_t len =
      utf8proc_map(reinterpret_cast<const utf8proc_uint8_t*>(text.data()),
                   static_cast<utf8proc_ssize_t>(text.size()), &mapped,
                   static_cast<utf8proc_option_t>(UTF8PROC_STABLE | UTF8PROC_COMPOSE));
  if (len < 0 || mapped == nullptr) {
    std::free(mapped);
    return text;
  }
  std::string out(reinterpret_cast<const char*>(mapped), static_cast<size_t>(len));
  std::free(mapped);
  return out;
}

std::string clean(std::string_view text, Mode mode) {
  std::string valid;
  std::string_view current = text;
  if (!is_valid_utf8(current)) {
    valid = repair_utf8(current);
    current = valid;
  }
  std::string repaired = repair_mojibake(current);
  return to_nfc(collapse_whitespace(repaired, mode));
}

}  // namespace

std::string clean_text(std::string_view text) {
  return clean(text, Mode::kText);
}

std::string clean_line(std::string_view text) {
  return clean(text, Mode::kLine);
}

std::string clean_preformatted(std::string_view text) {
  return clean(text, Mode::kPreformatted);
}

}  // namespace ragd
