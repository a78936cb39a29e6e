#include "ingest/html_depth.h"

#include <algorithm>
#include <cctype>
#include <cstddef>
#include <initializer_list>
#include <string>

namespace ragd {
namespace {

constexpr size_t kMaxName = 16;  // longer names are none of the special ones below

bool one_of(std::string_view name, std::initializer_list<std::string_view> names) {
  return std::find(names.begin(), names.end(), name) != names.end();
}

// Elements that never hold children, or that the parser closes when a sibling starts.
bool never_nests(std::string_view name) {
  return one_of(name,
                {"area",     "base",    "br",    "col",    "embed", "hr",    "img",    "input",
                 "link",     "meta",    "param", "source", "track", "wbr",   "keygen", "image",
                 "p",        "li",      "dt",    "dd",     "tr",    "td",    "th",     "option",
                 "optgroup", "rb",      "rt",    "rp",     "rtc",   "tbody", "thead",  "tfoot",
                 "colgroup", "caption", "html",  "head",   "body"});
}

bool is_raw_text(std::string_view name) {
  return one_of(name, {"script", "style", "textarea", "title", "xmp", "iframe", "noembed",
                       "noframes", "noscript", "plaintext"});
}

size_t find_ci(std::string_view haystack, std::string_view needle, size_t from) {
  auto it = std::search(haystack.begin() + static_cast<std::ptrdiff_t>(from), haystack.end(),
                        needle.begin(), needle.end(), [](char a, char b) {
                          return std::tolower(static_cast<unsigned char>(a)) == b;
                        });
  return it == haystack.end() ? std::string_view::npos : static_cast<size_t>(it - haystack.begin());
}

}  // namespace

size_t estimate_html_depth(std::string_view html, size_t limit) {
  size_t depth = 0;
  size_t max_depth = 0;
  size_t pos = 0;
  while ((pos = html.find('<', pos)) != std::string_view::npos) {
    ++pos;
    if (html.substr(pos, 3) == "!--") {
      size_t end = html.find("-->", pos + 3);
      if (end == std::string_view::npos) break;
      pos = end + 3;
      continue;
    }
    bool closing = pos < html.size() && html[pos] == '/';
    if (closing) ++pos;
    if (pos >= html.size() || !std::isalpha(static_cast<unsigned char>(html[pos]))) continue;
    std::string name;
    while (pos < html.size() && std::isalnum(static_cast<unsigned char>(html[pos]))) {
      if (name.size() <= kMaxName) {
        name.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(html[pos]))));
      }
      ++pos;
    }
    size_t gt = html.find('>', pos);
    if (gt == std::string_view::npos) break;
    bool self_closing = html[gt - 1] == '/';
    pos = gt + 1;
    if (closing) {
      if (!never_nests(name) && depth > 0) --depth;
      continue;
    }
    if (is_raw_text(name)) {
      size_t end = find_ci(html, "</" + name, pos);
      if (end == std::string_view::npos) break;
      pos = end;
      continue;
    }
    if (self_closing || never_nests(name)) continue;
    max_depth = std::max(max_depth, ++depth);
    if (max_depth > limit) break;
  }
  return max_depth;
}

}  // namespace ragd
