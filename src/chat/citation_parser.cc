#include "chat/citation_parser.h"

#include <algorithm>
#include <climits>

#include "text/sentences.h"

namespace ragd {
namespace {

bool is_digit(char c) { return c >= '0' && c <= '9'; }
bool is_hspace(char c) { return c == ' ' || c == '\t'; }
bool is_space(char c) { return is_hspace(c) || c == '\n' || c == '\r' || c == '\f' || c == '\v'; }

void skip_hspace(std::string_view s, size_t& pos) {
  while (pos < s.size() && is_hspace(s[pos])) ++pos;
}

// Reads digits at `pos`; the value is clamped to INT_MAX (so "999999999999" is a number,
// just never a passage). False when there is no digit.
bool read_number(std::string_view s, size_t& pos, long& value) {
  if (pos >= s.size() || !is_digit(s[pos])) return false;
  value = 0;
  while (pos < s.size() && is_digit(s[pos])) {
    if (value <= INT_MAX) value = value * 10 + (s[pos] - '0');
    ++pos;
  }
  value = std::min<long>(value, INT_MAX);
  return true;
}

bool read_dash(std::string_view s, size_t& pos) {
  if (pos < s.size() && s[pos] == '-') {
    ++pos;
    return true;
  }
  if (s.substr(pos, 3) == "\u2013") {  // en dash
    pos += 3;
    return true;
  }
  return false;
}

// Parses a marker whose '[' is at `open`; on success sets `end` one past its ']'.
bool parse_marker(std::string_view s, size_t open, const std::vector<int>& sorted_numbers,
                  CitationMarker& marker) {
  size_t pos = open + 1;
  if (pos < s.size() && s[pos] == '^') ++pos;
  marker = CitationMarker{};
  auto add = [&](long n) {
    const int number = static_cast<int>(n);
    std::vector<int>& list =
        n >= 1 && std::binary_search(sorted_numbers.begin(), sorted_numbers.end(), number)
            ? marker.valid
            : marker.invalid;
    if (std::find(list.begin(), list.end(), number) == list.end()) list.push_back(number);
  };
  while (true) {
    skip_hspace(s, pos);
    long first = 0;
    if (!read_number(s, pos, first)) return false;
    skip_hspace(s, pos);
    if (read_dash(s, pos)) {
      skip_hspace(s, pos);
      long last = 0;
      if (!read_number(s, pos, last)) return false;
      if (first < 1 || last < first || last - first >= kMaxRange) {
        marker.malformed = true;
        add(first);
        add(last);
      } else {
        for (long n = first; n <= last; ++n) add(n);
      }
      skip_hspace(s, pos);
    } else {
      add(first);
    }
    if (pos >= s.size()) return false;
    if (s[pos] == ',' || s[pos] == ';') {
      ++pos;
      continue;
    }
    if (s[pos] != ']') return false;
    marker.begin = open;
    marker.end = pos + 1;
    break;
  }
  if (marker.malformed) {
    for (int n : marker.valid) marker.invalid.push_back(n);
    marker.valid.clear();
  }
  // "[[1]]": the doubled brackets belong to the marker.
  if (marker.begin > 0 && s[marker.begin - 1] == '[' && marker.end < s.size() &&
      s[marker.end] == ']') {
    --marker.begin;
    ++marker.end;
  }
  return true;
}

bool closes_after_marker(std::string_view s, size_t pos) {
  if (pos >= s.size() || is_space(s[pos])) return true;
  const char c = s[pos];
  return c == '.' || c == ',' || c == ';' || c == ':' || c == '!' || c == '?' || c == ')';
}

std::string tidy_claim(std::string_view raw) {
  std::string out;
  out.reserve(raw.size());
  bool pending_space = false;
  for (char c : raw) {
    if (is_space(c)) {
      pending_space = !out.empty();
      continue;
    }
    const bool closer = c == '.' || c == ',' || c == ';' || c == ':' || c == '!' || c == '?' ||
                        c == ')';
    if (pending_space && !closer) out.push_back(' ');
    pending_space = false;
    out.push_back(c);
  }
  return out;
}

}  // namespace

size_t ParsedAnswer::invalid_count() const {
  size_t n = 0;
  for (const CitationMarker& marker : markers) n += marker.invalid.size();
  return n;
}

std::vector<CitationMarker> find_citation_markers(std::string_view answer,
                                                  const std::vector<int>& passage_numbers) {
  std::vector<int> sorted = passage_numbers;
  std::sort(sorted.begin(), sorted.end());
  std::vector<CitationMarker> markers;
  size_t pos = 0;
  while ((pos = answer.find('[', pos)) != std::string_view::npos) {
    CitationMarker marker;
    if (parse_marker(answer, pos, sorted, marker)) {
      pos = marker.end;
      markers.push_back(std::move(marker));
    } else {
      ++pos;
    }
  }
  return markers;
}

ParsedAnswer parse_citations(std::string_view answer, const std::vector<int>& passage_numbers) {
  ParsedAnswer parsed;
  parsed.markers = find_citation_markers(answer, passage_numbers);
  std::string masked(answer);
  for (const CitationMarker& marker : parsed.markers) {
    std::fill(masked.begin() + static_cast<long>(marker.begin),
              masked.begin() + static_cast<long>(marker.end), ' ');
  }
  size_t next_marker = 0;
  for (const auto& [begin, end] : split_sentences(masked)) {
    ParsedSentence sentence;
    sentence.begin = begin;
    sentence.end = end;
    std::string raw;
    size_t cursor = begin;
    while (next_marker < parsed.markers.size() && parsed.markers[next_marker].begin < end) {
      const CitationMarker& marker = parsed.markers[next_marker];
      raw.append(answer.substr(cursor, marker.begin - cursor));
      raw.push_back(' ');
      cursor = marker.end;
      sentence.markers.push_back(next_marker);
      for (int n : marker.valid) {
        if (std::find(sentence.citations.begin(), sentence.citations.end(), n) ==
            sentence.citations.end()) {
          sentence.citations.push_back(n);
        }
      }
      for (int n : marker.invalid) {
        if (std::find(sentence.invalid_citations.begin(), sentence.invalid_citations.end(), n) ==
            sentence.invalid_citations.end()) {
          sentence.invalid_citations.push_back(n);
        }
      }
      ++next_marker;
    }
    if (cursor < end) raw.append(answer.substr(cursor, end - cursor));
    sentence.claim = tidy_claim(raw);
    parsed.sentences.push_back(std::move(sentence));
  }
  return parsed;
}

std::string replace_citation_markers(std::string_view answer,
                                     const std::vector<CitationMarker>& markers,
                                     const std::vector<std::string>& replacements) {
  std::string out;
  out.reserve(answer.size());
  size_t cursor = 0;
  for (size_t i = 0; i < markers.size() && i < replacements.size(); ++i) {
    const CitationMarker& marker = markers[i];
    if (marker.begin < cursor || marker.end > answer.size()) continue;
    out.append(answer.substr(cursor, marker.begin - cursor));
    if (replacements[i].empty()) {
      if (closes_after_marker(answer, marker.end)) {
        while (!out.empty() && is_hspace(out.back())) out.pop_back();
      }
    } else {
      out.append(replacements[i]);
    }
    cursor = marker.end;
  }
  out.append(answer.substr(cursor));
  return out;
}

std::string strip_citation_markers(std::string_view text) {
  std::vector<CitationMarker> markers = find_citation_markers(text, {});
  if (markers.empty()) return std::string(text);
  return replace_citation_markers(text, markers, std::vector<std::string>(markers.size()));
}

}  // namespace ragd
