#include "text/fold.h"

#include <utf8proc.h>

#include <cstdlib>

#include "text/utf8.h"

namespace ragd {
namespace {

inline char ascii_lower(unsigned char c) {
  return static_cast<char>(c >= 'A' && c <= 'Z' ? c + ('a' - 'A') : c);
}

// Case fold + compatibility decomposition + mark removal, one character at a time, so no
// heap allocation is needed (marks are removed, so canonical reordering is moot).
void fold_stripping_marks(std::string_view surface, std::string& out) {
  constexpr auto kOptions = static_cast<utf8proc_option_t>(UTF8PROC_CASEFOLD | UTF8PROC_DECOMPOSE |
                                                           UTF8PROC_COMPAT | UTF8PROC_STRIPMARK);
  const auto* p = reinterpret_cast<const unsigned char*>(surface.data());
  const size_t n = surface.size();
  size_t i = 0;
  while (i < n) {
    if (p[i] < 0x80) {
      out.push_back(ascii_lower(p[i]));
      ++i;
      continue;
    }
    const utf8::Decoded d = utf8::decode(p + i, n - i);
    i += d.len;
    if (d.cp < 0) continue;
    if (d.cp == 0x2019) {
      out.push_back('\'');
      continue;
    }
    if (d.cp >= 0xAC00 && d.cp <= 0xD7A3) {  // Hangul syllables: keep, not jamo
      utf8::append(out, d.cp);
      continue;
    }
    utf8proc_int32_t buf[32];
    int boundclass = 0;
    const utf8proc_ssize_t count = utf8proc_decompose_char(d.cp, buf, 32, kOptions, &boundclass);
    if (count < 0 || count > 32) continue;
    for (utf8proc_ssize_t k = 0; k < count; ++k) {
      // A few spacing letters decompose to a space plus a mark (U+037A); drop the space.
      if (buf[k] == ' ') continue;
      utf8::append(out, buf[k] == 0x2019 ? '\'' : buf[k]);
    }
  }
}

// Case fold + NFKC, keeping accents; utf8proc_map allocates, but this is not the default.
void fold_keeping_marks(std::string_view surface, std::string& out) {
  std::string valid;
  valid.reserve(surface.size());
  const auto* p = reinterpret_cast<const unsigned char*>(surface.data());
  for (size_t i = 0; i < surface.size();) {
    const utf8::Decoded d = utf8::decode(p + i, surface.size() - i);
    if (d.cp == 0x2019) {
      valid.push_back('\'');
    } else if (d.cp >= 0) {
      valid.append(surface.data() + i, d.len);
    }
    i += d.len;
  }
  utf8proc_uint8_t* mapped = nullptr;
  const utf8proc_ssize_t len =
      utf8proc_map(reinterpret_cast<const utf8proc_uint8_t*>(valid.data()),
                   static_cast<utf8proc_ssize_t>(valid.size()), &mapped,
                   static_cast<utf8proc_option_t>(UTF8PROC_STABLE | UTF8PROC_COMPOSE |
                                                  UTF8PROC_COMPAT | UTF8PROC_CASEFOLD));
  if (len >= 0 && mapped != nullptr) {
    out.append(reinterpret_cast<const char*>(mapped), static_cast<size_t>(len));
  } else {
    out.append(valid);
  }
  std::free(mapped);
}

}  // namespace

void fold_term(std::string_view surface, bool ascii, bool strip_accents, std::string& out) {
  out.clear();
  if (ascii) {
    out.resize(surface.size());
    for (size_t i = 0; i < surface.size(); ++i) {
      out[i] = ascii_lower(static_cast<unsigned char>(surface[i]));
    }
    return;
  }
  if (strip_accents) {
    fold_stripping_marks(surface, out);
  } else {
    fold_keeping_marks(surface, out);
  }
}

}  // namespace ragd
