// Entity extraction (contract in entity_extraction.h).
#include "chat/entity_extraction.h"

#include <algorithm>
#include <array>
#include <unordered_set>

namespace ragd {
namespace {

constexpr size_t kMaxQuoted = 200;  // bytes; longer "quotes" are unbalanced punctuation

bool inside(const std::vector<std::pair<size_t, size_t>>& ranges, size_t begin, size_t end) {
  for (const auto& [b, e] : ranges) {
    if (begin < e && end > b) return true;
  }
  return false;
}

bool is_calendar_word(std::string_view lower) {
  static constexpr std::array<std::string_view, 19> kWords = {
      "monday",  "tuesday",   "wednesday", "thursday", "friday",  "saturday", "sunday",
      "january", "february",  "march",     "april",    "may",     "june",     "july",
      "august",  "september", "october",   "november", "december"};
  return std::find(kWords.begin(), kWords.end(), lower) != kWords.end();
}

bool is_name_connector(std::string_view lower) {
  static constexpr std::array<std::string_view, 12> kConnectors = {
      "of", "de", "du", "des", "la", "le", "van", "von", "der", "da", "di", "del"};
  return std::find(kConnectors.begin(), kConnectors.end(), lower) != kConnectors.end();
}

bool is_letter_ascii(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

// "1.2.3", "v2", "v2.1" (lower-cased).
bool is_version(std::string_view s) {
  size_t i = 0;
  const bool prefixed = !s.empty() && s[0] == 'v';
  if (prefixed) ++i;
  int groups = 0;
  while (i < s.size()) {
    const size_t start = i;
    while (i < s.size() && s[i] >= '0' && s[i] <= '9') ++i;
    if (i == start) return false;
    ++groups;
    if (i == s.size()) break;
    if (s[i] != '.') return false;
    ++i;
    if (i == s.size()) return false;
  }
  return prefixed ? groups >= 1 : groups >= 3;
}

// Numbers with a unit or ordinal suffix ("21st", "750ml", "10am", "1990s") and plain numbers
// ("3.14") are quantities, not identifiers.
bool is_quantity(std::string_view s) {
  size_t i = 0;
  while (i < s.size() && ((s[i] >= '0' && s[i] <= '9') || s[i] == '.')) ++i;
  if (i == 0) return false;
  const std::string_view suffix = s.substr(i);
  if (suffix.size() > 3) return false;
  return std::all_of(suffix.begin(), suffix.end(), is_letter_ascii);
}

struct Quote {
  size_t open;   // byte of the opening mark
  size_t begin;  // inside
  size_t end;
};

// Finds quoted stretches. An ASCII apostrophe or U+2019 counts as a quote mark only when it
// cannot be an apostrophe inside a word.
std::vector<Quote> find_quotes(std::string_view text) {
  std::vector<Quote> quotes;
  auto starts_with_at = [&](size_t i, std::string_view mark) {
    return text.compare(i, mark.size(), mark) == 0;
  };
  auto letter_before = [&](size_t i) {
    return i > 0 &&
           (is_letter_ascii(text[i - 1]) || static_cast<unsigned char>(text[i - 1]) >= 0x80);
  };
  auto letter_at = [&](size_t i) {
    return i < text.size() &&
           (is_letter_ascii(text[i]) || static_cast<unsigned char>(text[i]) >= 0x80);
  };
  struct Pair {
    std::string_view open;
    std::string_view close;
    bool apostrophe_like;
  };
  static constexpr std::array<Pair, 5> kPairs = {{
      {"\"", "\"", false},
      {"\xE2\x80\x9C", "\xE2\x80\x9D", false},  // “ ”
      {"\xC2\xAB", "\xC2\xBB", false},          // « »
      {"\xE2\x80\x98", "\xE2\x80\x99", true},   // ‘ ’
      {"'", "'", true},
  }};
  size_t i = 0;
  while (i < text.size()) {
    bool matched = false;
    for (const Pair& pair : kPairs) {
      if (!starts_with_at(i, pair.open)) continue;
      if (pair.apostrophe_like && letter_before(i)) continue;
      const size_t begin = i + pair.open.size();
      // Only a bounded window is searched, so the scan stays linear in the text.
      const std::string_view window = text.substr(0, std::min(text.size(), begin + kMaxQuoted + 4));
      size_t search = begin;
      size_t close = std::string_view::npos;
      while (search < window.size()) {
        const size_t found = window.find(pair.close, search);
        if (found == std::string_view::npos || found - begin > kMaxQuoted) break;
        if (pair.apostrophe_like && letter_at(found + pair.close.size()) && letter_before(found)) {
          search = found + pair.close.size();  // "don't" inside the quote
          continue;
        }
        close = found;
        break;
      }
      if (close == std::string_view::npos) continue;
      quotes.push_back({i, begin, close});
      i = close + pair.close.size();
      matched = true;
      break;
    }
    if (!matched) ++i;
  }
  return quotes;
}

std::string_view trim(std::string_view s, size_t& begin) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t' || s.front() == '\n')) {
    s.remove_prefix(1);
    ++begin;
  }
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\n')) {
    s.remove_suffix(1);
  }
  return s;
}

bool name_word(const QueryWord& w) {
  return w.capitalised && w.kind == SurfaceKind::kWord && w.lower != "i";
}

// The bytes between two words of a name: spaces, a hyphen, or " & ".
bool name_gap(std::string_view text, const QueryWord& left, const QueryWord& right) {
  if (words_adjacent(text, left, right)) return true;
  std::string_view gap = text.substr(left.end, right.begin - left.end);
  return gap == " & " || gap == "&";
}

}  // namespace

const char* entity_kind_name(EntityKind kind) {
  switch (kind) {
    case EntityKind::kName:
      return "name";
    case EntityKind::kIdentifier:
      return "identifier";
    case EntityKind::kVersion:
      return "version";
    case EntityKind::kQuoted:
      return "quoted";
  }
  return "name";
}

std::vector<Entity> extract_entities(std::string_view text, const std::vector<QueryWord>& words,
                                     const std::vector<std::pair<size_t, size_t>>& excluded) {
  std::vector<Entity> found;
  std::vector<std::pair<size_t, size_t>> quoted;
  for (const Quote& q : find_quotes(text)) {
    size_t begin = q.begin;
    const std::string_view inner = trim(text.substr(q.begin, q.end - q.begin), begin);
    if (inner.empty()) continue;
    found.push_back({std::string(inner), EntityKind::kQuoted, begin, begin + inner.size()});
    quoted.emplace_back(q.begin, q.end);
  }
  auto skipped = [&](const QueryWord& w) {
    return inside(excluded, w.begin, w.end) || inside(quoted, w.begin, w.end);
  };

  for (size_t i = 0; i < words.size();) {
    const QueryWord& w = words[i];
    if (skipped(w)) {
      ++i;
      continue;
    }
    if (w.kind == SurfaceKind::kIdentifier) {
      const std::string& s = w.lower;
      if (is_version(s)) {
        found.push_back({std::string(text.substr(w.begin, w.end - w.begin)), EntityKind::kVersion,
                         w.begin, w.end});
      } else if (!w.digits_only && !is_quantity(s) && std::any_of(s.begin(), s.end(), [](char c) {
                   return is_letter_ascii(c) || c == '@' || c == '_' || c == '+' || c == '#' ||
                          static_cast<unsigned char>(c) >= 0x80;
                 })) {
        found.push_back({std::string(text.substr(w.begin, w.end - w.begin)),
                         EntityKind::kIdentifier, w.begin, w.end});
      }
      ++i;
      continue;
    }
    if (!name_word(w)) {
      ++i;
      continue;
    }
    // A run of capitalised words, joined by spaces, hyphens, "&" or a lower-case connector
    // ("Rosé of Pinot Noir", "Blanc de Blancs") that is followed by another capitalised word.
    size_t last = i;
    size_t j = i + 1;
    while (j < words.size() && !skipped(words[j])) {
      if (name_word(words[j]) && name_gap(text, words[last], words[j]) &&
          !words[j].sentence_start) {
        last = j++;
        continue;
      }
      if (is_name_connector(words[j].lower) && !words[j].capitalised && j + 1 < words.size() &&
          name_word(words[j + 1]) && !skipped(words[j + 1]) &&
          words_adjacent(text, words[last], words[j]) &&
          words_adjacent(text, words[j], words[j + 1])) {
        last = j + 1;
        j += 2;
        continue;
      }
      break;
    }
    const size_t next = last + 1;
    size_t first = i;
    // Capitalised function words at the ends ("The", "What", "Is") are not names.
    while (first <= last &&
           (is_function_word(words[first].lower) || is_question_word(words[first].lower))) {
      ++first;
    }
    while (last >= first && first <= last &&
           (is_function_word(words[last].lower) || is_calendar_word(words[last].lower))) {
      if (last == 0) break;
      --last;
    }
    if (first <= last) {
      const size_t count = last - first + 1;
      bool all_calendar = true;
      for (size_t k = first; k <= last; ++k) all_calendar &= is_calendar_word(words[k].lower);
      // A lone capitalised word that opens a sentence is just a capital letter.
      const bool ambiguous = count == 1 && words[first].sentence_start && !words[first].all_caps;
      if (!all_calendar && !ambiguous && !is_function_word(words[last].lower)) {
        size_t begin = words[first].begin;
        size_t end = words[last].end;
        std::string_view surface = text.substr(begin, end - begin);
        for (std::string_view possessive : {"'s", "\xE2\x80\x99s"}) {
          if (surface.size() > possessive.size() + 1 && surface.ends_with(possessive)) {
            surface.remove_suffix(possessive.size());
            end -= possessive.size();
          }
        }
        found.push_back({std::string(surface), EntityKind::kName, begin, end});
      }
    }
    i = next;
  }

  std::sort(found.begin(), found.end(),
            [](const Entity& a, const Entity& b) { return a.begin < b.begin; });
  std::vector<Entity> unique;
  std::unordered_set<std::string> seen;
  for (Entity& e : found) {
    std::string key = e.text;
    std::transform(key.begin(), key.end(), key.begin(), [](unsigned char c) {
      return static_cast<char>(c >= 'A' && c <= 'Z' ? c + 32 : c);
    });
    if (seen.insert(std::move(key)).second) unique.push_back(std::move(e));
  }
  return unique;
}

}  // namespace ragd
