#include "ingest/html_entities.h"

#include <algorithm>
#include <array>
#include <cstdint>
#include <utility>

namespace ragd {
namespace {

constexpr char32_t kReplacement = 0xFFFD;

// Sorted by name for binary search.
constexpr std::array<std::pair<std::string_view, char32_t>, 60> kNamed = {{
    {"AElig", 0xC6},  {"Aacute", 0xC1},  {"Agrave", 0xC0},   {"Eacute", 0xC9},   {"Ntilde", 0xD1},
    {"Ouml", 0xD6},   {"Uuml", 0xDC},    {"aacute", 0xE1},   {"acirc", 0xE2},    {"aelig", 0xE6},
    {"agrave", 0xE0}, {"amp", 0x26},     {"apos", 0x27},     {"auml", 0xE4},     {"bull", 0x2022},
    {"ccedil", 0xE7}, {"cent", 0xA2},    {"copy", 0xA9},     {"dagger", 0x2020}, {"deg", 0xB0},
    {"divide", 0xF7}, {"eacute", 0xE9},  {"ecirc", 0xEA},    {"egrave", 0xE8},   {"euml", 0xEB},
    {"euro", 0x20AC}, {"gt", 0x3E},      {"hellip", 0x2026}, {"iacute", 0xED},   {"iexcl", 0xA1},
    {"iquest", 0xBF}, {"laquo", 0xAB},   {"larr", 0x2190},   {"ldquo", 0x201C},  {"lsquo", 0x2018},
    {"lt", 0x3C},     {"mdash", 0x2014}, {"middot", 0xB7},   {"nbsp", 0xA0},     {"ndash", 0x2013},
    {"ntilde", 0xF1}, {"oacute", 0xF3},  {"ouml", 0xF6},     {"para", 0xB6},     {"plusmn", 0xB1},
    {"pound", 0xA3},  {"quot", 0x22},    {"raquo", 0xBB},    {"rarr", 0x2192},   {"rdquo", 0x201D},
    {"reg", 0xAE},    {"rsquo", 0x2019}, {"sect", 0xA7},     {"shy", 0xAD},      {"szlig", 0xDF},
    {"times", 0xD7},  {"trade", 0x2122}, {"uacute", 0xFA},   {"uuml", 0xFC},     {"yen", 0xA5},
}};
static_assert(std::is_sorted(kNamed.begin(), kNamed.end(),
                             [](const auto& a, const auto& b) { return a.first < b.first; }));

bool parse_number(std::string_view digits, int base, char32_t* value) {
  if (digits.empty()) return false;
  uint32_t v = 0;
  for (char c : digits) {
    int d;
    if (c >= '0' && c <= '9') {
      d = c - '0';
    } else if (base == 16 && c >= 'a' && c <= 'f') {
      d = c - 'a' + 10;
    } else if (base == 16 && c >= 'A' && c <= 'F') {
      d = c - 'A' + 10;
    } else {
      return false;
    }
    v = v * base + d;
    if (v > 0x10FFFF) v = 0x110000;  // saturate: any larger value is replaced anyway
  }
  *value = v;
  return true;
}

}  // namespace

void append_utf8(char32_t cp, std::string* out) {
  if (cp == 0 || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) cp = kReplacement;
  if (cp < 0x80) {
    out->push_back(static_cast<char>(cp));
  } else if (cp < 0x800) {
    out->push_back(static_cast<char>(0xC0 | (cp >> 6)));
    out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else if (cp < 0x10000) {
    out->push_back(static_cast<char>(0xE0 | (cp >> 12)));
    out->push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else {
    out->push_back(static_cast<char>(0xF0 | (cp >> 18)));
    out->push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  }
}

bool decode_html_entity(std::string_view entity, std::string* out) {
  if (entity.size() < 3 || entity.front() != '&' || entity.back() != ';') return false;
  std::string_view body = entity.substr(1, entity.size() - 2);
  if (body[0] == '#') {
    char32_t cp = 0;
    bool hex = body.size() > 1 && (body[1] == 'x' || body[1] == 'X');
    if (!parse_number(body.substr(hex ? 2 : 1), hex ? 16 : 10, &cp)) return false;
    append_utf8(cp, out);
    return true;
  }
  auto it =
      std::lower_bound(kNamed.begin(), kNamed.end(), body,
                       [](const auto& entry, std::string_view name) { return entry.first < name; });
  if (it == kNamed.end() || it->first != body) return false;
  append_utf8(it->second, out);
  return true;
}

}  // namespace ragd
