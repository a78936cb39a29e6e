#include "embed/wordpiece_unicode.h"

#include <utf8proc.h>

#include <algorithm>
#include <iterator>

namespace ragd::wordpiece {
namespace {

// Code points where utf8proc (Unicode 15) and `tokenizers` 0.23.3 disagree, found by
// normalising and pre-tokenising every code point with both. Nearly all are characters newer
// than `tokenizers`' category and NFD tables, which it therefore passes through unchanged
// (utf8proc would drop the Mn/Cf ones, split the P* ones, decompose U+11938), plus three whose
// category changed since: U+166D and U+111C9 (once Po), U+1734 (once Mn).
enum class Override : uint8_t {
  kKeep,       // kept as is: not dropped, decomposed, lower-cased or split
  kKeepPunct,  // kept as is, and split off as punctuation
  kDrop,       // removed by strip_accents (counted as Mn)
};

struct OverrideRange {
  char32_t first;
  char32_t last;
  Override action;
};

constexpr Override kK = Override::kKeep;
// clang-format off
constexpr OverrideRange kOverrides[] = {
    {0x61D, 0x61D, kK}, {0x7FD, 0x7FD, kK}, {0x890, 0x891, kK}, {0x898, 0x89F, kK},
    {0x8CA, 0x8E2, kK}, {0x9FD, 0x9FE, kK}, {0xA76, 0xA76, kK}, {0xAFA, 0xAFF, kK},
    {0xB55, 0xB55, kK}, {0xC04, 0xC04, kK}, {0xC3C, 0xC3C, kK}, {0xC77, 0xC77, kK},
    {0xC84, 0xC84, kK}, {0xD00, 0xD00, kK}, {0xD3B, 0xD3C, kK}, {0xD81, 0xD81, kK},
    {0xEBA, 0xEBA, kK}, {0xECE, 0xECE, kK}, {0x166D, 0x166D, Override::kKeepPunct},
    {0x1734, 0x1734, Override::kDrop}, {0x180F, 0x180F, kK}, {0x1885, 0x1886, kK},
    {0x1ABF, 0x1ACE, kK}, {0x1B7D, 0x1B7E, kK}, {0x1DF6, 0x1DFB, kK}, {0x2E43, 0x2E4F, kK},
    {0x2E52, 0x2E5D, kK}, {0xA82C, 0xA82C, kK}, {0xA8C5, 0xA8C5, kK}, {0xA8FF, 0xA8FF, kK},
    {0xA9BD, 0xA9BD, kK}, {0x10D24, 0x10D27, kK}, {0x10EAB, 0x10EAD, kK}, {0x10EFD, 0x10EFF, kK},
    {0x10F46, 0x10F50, kK}, {0x10F55, 0x10F59, kK}, {0x10F82, 0x10F89, kK}, {0x11070, 0x11070, kK},
    {0x11073, 0x11074, kK}, {0x110C2, 0x110C2, kK}, {0x110CD, 0x110CD, kK},
    {0x111C9, 0x111C9, Override::kKeepPunct}, {0x111CF, 0x111CF, kK}, {0x1123E, 0x1123E, kK},
    {0x11241, 0x11241, kK}, {0x1133B, 0x1133B, kK}, {0x11438, 0x1143F, kK}, {0x11442, 0x11444, kK},
    {0x11446, 0x11446, kK}, {0x1144B, 0x1144F, kK}, {0x1145A, 0x1145B, kK}, {0x1145D, 0x1145E, kK},
    {0x11660, 0x1166C, kK}, {0x116B9, 0x116B9, kK}, {0x1182F, 0x11837, kK}, {0x11839, 0x1183B, kK},
    {0x11938, 0x11938, kK}, {0x1193B, 0x1193C, kK}, {0x1193E, 0x1193E, kK}, {0x11943, 0x11946, kK},
    {0x119D4, 0x119D7, kK}, {0x119DA, 0x119DB, kK}, {0x119E0, 0x119E0, kK}, {0x119E2, 0x119E2, kK},
    {0x11A01, 0x11A0A, kK}, {0x11A33, 0x11A38, kK}, {0x11A3B, 0x11A47, kK}, {0x11A51, 0x11A56, kK},
    {0x11A59, 0x11A5B, kK}, {0x11A8A, 0x11A96, kK}, {0x11A98, 0x11A9C, kK}, {0x11A9E, 0x11AA2, kK},
    {0x11B00, 0x11B09, kK}, {0x11C30, 0x11C36, kK}, {0x11C38, 0x11C3D, kK}, {0x11C3F, 0x11C3F, kK},
    {0x11C41, 0x11C45, kK}, {0x11C70, 0x11C71, kK}, {0x11C92, 0x11CA7, kK}, {0x11CAA, 0x11CB0, kK},
    {0x11CB2, 0x11CB3, kK}, {0x11CB5, 0x11CB6, kK}, {0x11D31, 0x11D36, kK}, {0x11D3A, 0x11D3A, kK},
    {0x11D3C, 0x11D3D, kK}, {0x11D3F, 0x11D45, kK}, {0x11D47, 0x11D47, kK}, {0x11D90, 0x11D91, kK},
    {0x11D95, 0x11D95, kK}, {0x11D97, 0x11D97, kK}, {0x11EF3, 0x11EF4, kK}, {0x11EF7, 0x11EF8, kK},
    {0x11F00, 0x11F01, kK}, {0x11F36, 0x11F3A, kK}, {0x11F40, 0x11F40, kK}, {0x11F42, 0x11F4F, kK},
    {0x11FFF, 0x11FFF, kK}, {0x12FF1, 0x12FF2, kK}, {0x13430, 0x13440, kK}, {0x13447, 0x13455, kK},
    {0x16E97, 0x16E9A, kK}, {0x16F4F, 0x16F4F, kK}, {0x16FE2, 0x16FE2, kK}, {0x16FE4, 0x16FE4, kK},
    {0x1CF00, 0x1CF2D, kK}, {0x1CF30, 0x1CF46, kK}, {0x1E000, 0x1E006, kK}, {0x1E008, 0x1E018, kK},
    {0x1E01B, 0x1E021, kK}, {0x1E023, 0x1E024, kK}, {0x1E026, 0x1E02A, kK}, {0x1E08F, 0x1E08F, kK},
    {0x1E130, 0x1E136, kK}, {0x1E2AE, 0x1E2AE, kK}, {0x1E2EC, 0x1E2EF, kK}, {0x1E4EC, 0x1E4EF, kK},
    {0x1E944, 0x1E94A, kK}, {0x1E95E, 0x1E95F, kK},
};
// clang-format on

// Upper-case letters of Unicode 16 and 17, unknown to utf8proc 2.8, that Rust lower-cases:
// cp in [first, last] maps to target + (cp - first).
struct LowerRange {
  char32_t first;
  char32_t last;
  char32_t target;
};

// clang-format off
constexpr LowerRange kLowerOverrides[] = {
    {0x1C89, 0x1C89, 0x1C8A}, {0xA7CB, 0xA7CB, 0x0264}, {0xA7CC, 0xA7CC, 0xA7CD},
    {0xA7CE, 0xA7CE, 0xA7CF}, {0xA7D2, 0xA7D2, 0xA7D3}, {0xA7D4, 0xA7D4, 0xA7D5},
    {0xA7DA, 0xA7DA, 0xA7DB}, {0xA7DC, 0xA7DC, 0x019B}, {0x10D50, 0x10D65, 0x10D70},
    {0x16EA0, 0x16EB8, 0x16EBB},
};
// clang-format on

template <typename Range, size_t N>
const Range* find_range(const Range (&table)[N], char32_t cp) {
  if (cp < table[0].first || cp > table[N - 1].last) return nullptr;
  const Range* it = std::upper_bound(std::begin(table), std::end(table), cp,
                                     [](char32_t c, const Range& r) { return c < r.first; });
  if (it == std::begin(table)) return nullptr;
  --it;
  return cp <= it->last ? it : nullptr;
}

const Override* find_override(char32_t cp) {
  const OverrideRange* r = find_range(kOverrides, cp);
  return r ? &r->action : nullptr;
}

utf8proc_category_t category(char32_t cp) {
  return static_cast<utf8proc_category_t>(
      utf8proc_get_property(static_cast<utf8proc_int32_t>(cp))->category);
}

// Rust's char::is_whitespace (the White_Space property, stable since Unicode 6).
bool is_white_space(char32_t cp) {
  if (cp <= 0x20) return cp == 0x20 || (cp >= 0x09 && cp <= 0x0D);
  switch (cp) {
    case 0x85:
    case 0xA0:
    case 0x1680:
    case 0x2028:
    case 0x2029:
    case 0x202F:
    case 0x205F:
    case 0x3000:
      return true;
    default:
      return cp >= 0x2000 && cp <= 0x200A;
  }
}

// BertNormalizer's is_chinese_char ranges.
bool is_chinese(char32_t cp) {
  return (cp >= 0x4E00 && cp <= 0x9FFF) || (cp >= 0x3400 && cp <= 0x4DBF) ||
         (cp >= 0x20000 && cp <= 0x2A6DF) || (cp >= 0x2A700 && cp <= 0x2B73F) ||
         (cp >= 0x2B740 && cp <= 0x2B81F) || (cp >= 0x2B920 && cp <= 0x2CEAF) ||
         (cp >= 0xF900 && cp <= 0xFAFF) || (cp >= 0x2F800 && cp <= 0x2FA1F);
}

}  // namespace

InputClass classify_input(char32_t cp) {
  if (cp == '\t' || cp == '\n' || cp == '\r') return InputClass::kSpace;
  if (cp == 0 || cp == 0xFFFD) return InputClass::kDrop;
  const Override* ov = find_override(cp);
  if (ov == nullptr) {
    switch (category(cp)) {
      case UTF8PROC_CATEGORY_CC:
      case UTF8PROC_CATEGORY_CF:
      case UTF8PROC_CATEGORY_CO:
      case UTF8PROC_CATEGORY_CS:
        return InputClass::kDrop;
      default:
        break;
    }
  }
  if (is_white_space(cp)) return InputClass::kSpace;
  if (is_chinese(cp)) return InputClass::kChinese;
  return InputClass::kOther;
}

int decompose(char32_t cp, DecomposedChar out[kMaxDecomposition]) {
  if (cp < 0xC0) {
    out[0] = {cp, 0, false};
    return 1;
  }
  if (const Override* ov = find_override(cp)) {
    out[0] = {cp, 0, *ov == Override::kDrop};
    return 1;
  }
  utf8proc_int32_t buf[kMaxDecomposition];
  int boundclass = 0;
  const utf8proc_ssize_t n = utf8proc_decompose_char(
      static_cast<utf8proc_int32_t>(cp), buf, kMaxDecomposition, UTF8PROC_DECOMPOSE, &boundclass);
  if (n <= 0 || n > kMaxDecomposition) {
    out[0] = {cp, 0, false};
    return 1;
  }
  for (utf8proc_ssize_t i = 0; i < n; ++i) {
    const utf8proc_property_t* p = utf8proc_get_property(buf[i]);
    out[i] = {static_cast<char32_t>(buf[i]), static_cast<uint8_t>(p->combining_class),
              p->category == UTF8PROC_CATEGORY_MN};
  }
  return static_cast<int>(n);
}

int lowercase(char32_t cp, char32_t out[2]) {
  if (cp < 0x80) {
    out[0] = (cp >= 'A' && cp <= 'Z') ? cp + 32 : cp;
    return 1;
  }
  if (cp == 0x130) {  // SpecialCasing: LATIN CAPITAL LETTER I WITH DOT ABOVE
    out[0] = 'i';
    out[1] = 0x307;
    return 2;
  }
  if (const LowerRange* r = find_range(kLowerOverrides, cp)) {
    out[0] = r->target + (cp - r->first);
    return 1;
  }
  if (find_override(cp) != nullptr) {
    out[0] = cp;
    return 1;
  }
  out[0] = static_cast<char32_t>(utf8proc_tolower(static_cast<utf8proc_int32_t>(cp)));
  return 1;
}

bool is_punctuation(char32_t cp) {
  if (cp < 0x80) {
    return (cp >= 0x21 && cp <= 0x2F) || (cp >= 0x3A && cp <= 0x40) || (cp >= 0x5B && cp <= 0x60) ||
           (cp >= 0x7B && cp <= 0x7E);
  }
  if (const Override* ov = find_override(cp)) return *ov == Override::kKeepPunct;
  const utf8proc_category_t c = category(cp);
  return c >= UTF8PROC_CATEGORY_PC && c <= UTF8PROC_CATEGORY_PO;
}

}  // namespace ragd::wordpiece
