#include "ingest/front_matter.h"

#include <algorithm>
#include <cctype>
#include <cstdint>
#include <map>
#include <utility>
#include <vector>

#include "text/normalize.h"

namespace ragd {
namespace {

constexpr std::string_view kSpaces = " \t";

std::string_view trim(std::string_view s) {
  size_t b = s.find_first_not_of(" \t\r");
  if (b == std::string_view::npos) return {};
  size_t e = s.find_last_not_of(" \t\r");
  return s.substr(b, e - b + 1);
}

size_t indent_of(std::string_view line) {
  size_t n = line.find_first_not_of(kSpaces);
  return n == std::string_view::npos ? line.size() : n;
}

std::string lower(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

// A delimiter line: `marker` followed by nothing but spaces.
bool is_delimiter(std::string_view line, std::string_view marker) {
  return line.substr(0, marker.size()) == marker && trim(line.substr(marker.size())).empty();
}

// Splits `text` into lines without their "\n" / "\r\n" endings.
std::vector<std::string_view> split_lines(std::string_view text) {
  std::vector<std::string_view> lines;
  size_t pos = 0;
  while (pos < text.size()) {
    size_t nl = text.find('\n', pos);
    size_t end = nl == std::string_view::npos ? text.size() : nl;
    std::string_view line = text.substr(pos, end - pos);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    lines.push_back(line);
    pos = nl == std::string_view::npos ? text.size() : nl + 1;
  }
  return lines;
}

void append_escape(char c, std::string* out) {
  switch (c) {
    case 'n':
      out->push_back('\n');
      break;
    case 't':
      out->push_back('\t');
      break;
    case 'r':
      out->push_back('\r');
      break;
    case '0':
      break;  // a NUL has no place in metadata
    default:
      out->push_back(c);
      break;  // \" \\ \/ and unknown escapes keep the character
  }
}

// Reads one scalar from the front of `s`: a quoted string (escapes resolved) or a plain
// scalar that ends at `stops` or a " #" comment. Advances `s` past what was read.
std::string read_scalar(std::string_view& s, std::string_view stops) {
  s = trim(s);
  std::string out;
  if (!s.empty() && (s[0] == '"' || s[0] == '\'')) {
    char quote = s[0];
    size_t i = 1;
    for (; i < s.size(); ++i) {
      char c = s[i];
      if (quote == '"' && c == '\\' && i + 1 < s.size()) {
        append_escape(s[++i], &out);
      } else if (quote == '\'' && c == '\'' && i + 1 < s.size() && s[i + 1] == '\'') {
        out.push_back('\'');
        ++i;
      } else if (c == quote) {
        break;
      } else {
        out.push_back(c);
      }
    }
    s.remove_prefix(std::min(i + 1, s.size()));
    return out;
  }
  size_t end = 0;
  while (end < s.size() && stops.find(s[end]) == std::string_view::npos &&
         !(s[end] == '#' && end > 0 && (s[end - 1] == ' ' || s[end - 1] == '\t'))) {
    ++end;
  }
  out = std::string(trim(s.substr(0, end)));
  s.remove_prefix(end);
  return out;
}

// "[a, 'b', c]" (the brackets included) -> items; empty items are dropped.
std::vector<std::string> parse_flow_list(std::string_view s) {
  std::vector<std::string> items;
  s = trim(s);
  if (!s.empty() && s[0] == '[') s.remove_prefix(1);
  while (true) {
    s = trim(s);
    if (s.empty() || s[0] == ']') break;
    if (s[0] == ',') {
      s.remove_prefix(1);
      continue;
    }
    std::string item = read_scalar(s, ",]");
    if (!item.empty()) items.push_back(std::move(item));
  }
  return items;
}

std::vector<std::string> split_commas(std::string_view s) {
  std::vector<std::string> items;
  size_t pos = 0;
  while (pos <= s.size()) {
    size_t comma = s.find(',', pos);
    size_t end = comma == std::string_view::npos ? s.size() : comma;
    std::string_view item = trim(s.substr(pos, end - pos));
    if (!item.empty()) items.emplace_back(item);
    if (comma == std::string_view::npos) break;
    pos = comma + 1;
  }
  return items;
}

std::string join(const std::vector<std::string>& items) {
  std::string out;
  for (const std::string& item : items) {
    if (!out.empty()) out += ", ";
    out += item;
  }
  return out;
}

// The colon that ends the key of a "key: value" line (a colon followed by a space, a tab or
// the end of the line), or npos.
size_t key_colon(std::string_view line) {
  line = trim(line);
  for (size_t i = 1; i < line.size(); ++i) {
    if (line[i] == ':' && (i + 1 == line.size() || line[i + 1] == ' ' || line[i + 1] == '\t')) {
      return i;
    }
  }
  return std::string_view::npos;
}

// A value as written: a scalar, or a list when it came as [..] or "- x" lines.
struct Value {
  bool is_list = false;
  std::string scalar;
  std::vector<std::string> items;
};

void assign(const std::string& key, Value value, DocumentMeta* meta) {
  std::string name = lower(key);
  if (name == "title") {
    meta->title = value.is_list ? join(value.items) : std::move(value.scalar);
  } else if (name == "tags") {
    meta->tags = value.is_list ? std::move(value.items) : split_commas(value.scalar);
  } else if (name == "date" && !value.is_list && normalize_date(value.scalar)) {
    meta->date = normalize_date(value.scalar);
  } else {
    meta->extra[key] = value.is_list ? join(value.items) : std::move(value.scalar);
  }
}

// Parses the lines between the delimiters.
DocumentMeta parse_lines(const std::vector<std::string_view>& lines) {
  DocumentMeta meta;
  size_t i = 0;
  while (i < lines.size()) {
    std::string_view line = lines[i++];
    std::string_view trimmed = trim(line);
    if (trimmed.empty() || trimmed[0] == '#' || indent_of(line) > 0 || line[0] == '-') continue;
    size_t colon = key_colon(line);
    if (colon == std::string_view::npos) continue;
    std::string_view key_view = trim(line.substr(0, colon));
    if (key_view.empty()) continue;
    std::string key(key_view);
    if (key.size() >= 2 && (key[0] == '"' || key[0] == '\'') && key.back() == key[0]) {
      key = key.substr(1, key.size() - 2);
    }
    std::string_view rest = trim(line.substr(colon + 1));
    if (!rest.empty() && rest[0] == '#') rest = {};
    Value value;
    if (rest.empty()) {
      // A block list follows, or a nested map (skipped), or nothing.
      value.is_list = true;
      while (i < lines.size()) {
        std::string_view next = trim(lines[i]);
        if (next.empty() || next[0] == '#') {
          ++i;
          continue;
        }
        if (next[0] == '-' && (next.size() == 1 || next[1] == ' ' || next[1] == '\t')) {
          std::string_view item = next.substr(1);
          std::string text = read_scalar(item, "");
          if (!text.empty()) value.items.push_back(std::move(text));
          ++i;
        } else if (indent_of(lines[i]) > 0) {
          ++i;  // a nested map entry
        } else {
          break;
        }
      }
      if (value.items.empty()) continue;
    } else if (rest[0] == '|' || rest[0] == '>') {
      bool folded = rest[0] == '>';
      std::vector<std::string_view> body;
      while (i < lines.size() && (trim(lines[i]).empty() || indent_of(lines[i]) > 0)) {
        body.push_back(lines[i++]);
      }
      while (!body.empty() && trim(body.back()).empty()) body.pop_back();
      size_t common = SIZE_MAX;
      for (std::string_view b : body) {
        if (!trim(b).empty()) common = std::min(common, indent_of(b));
      }
      for (std::string_view b : body) {
        if (!value.scalar.empty()) value.scalar += folded ? " " : "\n";
        if (!trim(b).empty()) value.scalar += b.substr(std::min(common, b.size()));
      }
    } else if (rest[0] == '[') {
      // A flow list may continue on the following lines up to its closing bracket.
      std::string flow(rest);
      while (flow.find(']') == std::string::npos && i < lines.size()) {
        flow += ' ';
        flow += trim(lines[i++]);
      }
      value.is_list = true;
      value.items = parse_flow_list(flow);
    } else {
      value.scalar = read_scalar(rest, "");
    }
    assign(key, std::move(value), &meta);
  }
  return meta;
}

void repair_meta(DocumentMeta* meta) {
  meta->title = repair_utf8(meta->title);
  for (std::string& tag : meta->tags) tag = repair_utf8(tag);
  std::map<std::string, std::string> extra;
  for (auto& [key, value] : meta->extra) extra[repair_utf8(key)] = repair_utf8(value);
  meta->extra = std::move(extra);
}

// True when the first line that is not blank or a comment is a top-level "key:" line, so a
// document that merely opens with a thematic break is not mistaken for front matter.
bool starts_with_key(const std::vector<std::string_view>& lines) {
  for (std::string_view line : lines) {
    std::string_view trimmed = trim(line);
    if (trimmed.empty() || trimmed[0] == '#') continue;
    if (indent_of(line) > 0 || line[0] == '-') return false;
    return key_colon(line) != std::string_view::npos;
  }
  return true;  // an empty block is valid front matter
}

int days_in_month(int year, int month) {
  static constexpr int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
  return month == 2 && leap ? 29 : kDays[month - 1];
}

}  // namespace

std::optional<std::string> normalize_date(std::string_view value) {
  value = trim(value);
  if (value.size() < 10) return std::nullopt;
  for (size_t i = 0; i < 10; ++i) {
    bool want_dash = i == 4 || i == 7;
    bool is_digit = std::isdigit(static_cast<unsigned char>(value[i])) != 0;
    if (want_dash ? value[i] != '-' : !is_digit) return std::nullopt;
  }
  if (value.size() > 10) {
    char sep = value[10];
    if (sep != 'T' && sep != 't' && sep != ' ' && sep != '\t') return std::nullopt;
    std::string_view time = trim(value.substr(11));
    if (time.empty() || !std::isdigit(static_cast<unsigned char>(time[0]))) return std::nullopt;
  }
  auto number = [&value](size_t pos, size_t len) {
    int n = 0;
    for (size_t i = pos; i < pos + len; ++i) n = n * 10 + (value[i] - '0');
    return n;
  };
  int year = number(0, 4);
  int month = number(5, 2);
  int day = number(8, 2);
  if (month < 1 || month > 12 || day < 1 || day > days_in_month(year, month)) {
    return std::nullopt;
  }
  return std::string(value.substr(0, 10));
}

FrontMatter split_front_matter(std::string_view bytes) {
  FrontMatter result;
  result.body = bytes;
  size_t first_nl = bytes.find('\n');
  if (first_nl == std::string_view::npos) return result;
  std::string_view first = bytes.substr(0, first_nl);
  if (!first.empty() && first.back() == '\r') first.remove_suffix(1);
  if (!is_delimiter(first, "---")) return result;

  size_t pos = first_nl + 1;
  while (pos <= bytes.size()) {
    size_t nl = bytes.find('\n', pos);
    size_t end = nl == std::string_view::npos ? bytes.size() : nl;
    std::string_view line = bytes.substr(pos, end - pos);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (is_delimiter(line, "---") || is_delimiter(line, "...")) {
      std::vector<std::string_view> lines =
          split_lines(bytes.substr(first_nl + 1, pos - first_nl - 1));
      if (!starts_with_key(lines)) return result;
      result.meta = parse_lines(lines);
      repair_meta(&result.meta);
      result.present = true;
      result.body = nl == std::string_view::npos ? std::string_view() : bytes.substr(nl + 1);
      return result;
    }
    if (nl == std::string_view::npos) break;
    pos = nl + 1;
  }
  return result;  // no closing delimiter: a thematic break, not front matter
}

}  // namespace ragd
