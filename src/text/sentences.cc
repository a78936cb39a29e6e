// Sentence boundaries and token estimates (contract in sentences.h).
//
// Both functions walk the bytes once. ASCII bytes are classified through a table; only
// bytes >= 0x80 are decoded, and their Unicode general category comes from utf8proc.
// Invalid UTF-8 is never an error here: each byte that does not start a well-formed
// sequence is taken as one symbol character.
//
// Beyond the letter of the contract, and documented here because callers may notice:
// - a sentence may also end at "…" (U+2026), and at the CJK full-width terminators
//   "。", "！", "？", which need no whitespace after them (CJK has no spaces);
// - a "capital" that may start a sentence includes caseless letters (category Lo: CJK,
//   Arabic, Hebrew, ...), decimal digits of any script and any quotation mark;
// - abbreviations of the "No. 5" / "Fig. 3" kind block a split only before a digit, so
//   "I said no. Then ..." still splits.
#include "text/sentences.h"

#include <utf8proc.h>

#include <algorithm>
#include <array>
#include <cstdint>

#include "text/utf8.h"

namespace ragd {
namespace {

constexpr int32_t kInvalid = -1;

struct Decoded {
  int32_t cp;  // kInvalid for a byte that does not start a well-formed sequence
  size_t length;
};

// Decodes the sequence at `pos` (< text.size()). Rejects overlongs, surrogates and values
// above U+10FFFF; an invalid lead byte or truncated sequence consumes one byte.
Decoded decode(std::string_view text, size_t pos) {
  const auto b0 = static_cast<unsigned char>(text[pos]);
  if (b0 < 0x80) return {b0, 1};
  size_t length;
  int32_t cp;
  int32_t min;
  if ((b0 & 0xE0) == 0xC0) {
    length = 2;
    cp = b0 & 0x1F;
    min = 0x80;
  } else if ((b0 & 0xF0) == 0xE0) {
    length = 3;
    cp = b0 & 0x0F;
    min = 0x800;
  } else if ((b0 & 0xF8) == 0xF0) {
    length = 4;
    cp = b0 & 0x07;
    min = 0x10000;
  } else {
    return {kInvalid, 1};
  }
  if (length > text.size() - pos) return {kInvalid, 1};
  for (size_t k = 1; k < length; ++k) {
    const auto b = static_cast<unsigned char>(text[pos + k]);
    if ((b & 0xC0) != 0x80) return {kInvalid, 1};
    cp = (cp << 6) | (b & 0x3F);
  }
  if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return {kInvalid, 1};
  return {cp, length};
}

utf8proc_category_t category(int32_t cp) {
  return cp == kInvalid ? UTF8PROC_CATEGORY_CN
                        : static_cast<utf8proc_category_t>(utf8proc_category(cp));
}

// How a character contributes to count_tokens.
enum class CharClass : uint8_t {
  kSpace,    // 0 tokens, ends a word run
  kWord,     // letter, digit or combining mark: extends the current run
  kSymbol,   // punctuation, symbol, invalid byte: 1 token, ends a run
  kControl,  // control character: 0 tokens, ends a run
  kFormat,   // format character (ZWJ, soft hyphen): 0 tokens, does not end a run
};

constexpr std::array<CharClass, 128> make_ascii_classes() {
  std::array<CharClass, 128> table{};
  for (int c = 0; c < 128; ++c) {
    if (c == ' ' || (c >= '\t' && c <= '\r')) {
      table[c] = CharClass::kSpace;
    } else if (c < 32 || c == 127) {
      table[c] = CharClass::kControl;
    } else if ((c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')) {
      table[c] = CharClass::kWord;
    } else {
      table[c] = CharClass::kSymbol;
    }
  }
  return table;
}

constexpr std::array<CharClass, 128> kAsciiClasses = make_ascii_classes();

// count_tokens runs a small automaton: its state is the length of the current letter/digit
// run modulo 6, and a run's character at state 0 opens a new token (so a run of length L
// costs ceil(L/6)). For ASCII the step is one lookup in kAsciiSteps[state][byte]: the low
// 3 bits hold the next state, the rest the tokens added.
constexpr unsigned kRunModulus = 6;

constexpr uint8_t step(unsigned state, CharClass c) {
  switch (c) {
    case CharClass::kWord:
      return static_cast<uint8_t>(((state == 0 ? 1 : 0) << 3) | ((state + 1) % kRunModulus));
    case CharClass::kSymbol:
      return 1 << 3;
    case CharClass::kFormat:
      return static_cast<uint8_t>(state);
    case CharClass::kSpace:
    case CharClass::kControl:
      return 0;
  }
  return 0;
}

constexpr std::array<std::array<uint8_t, 128>, kRunModulus> make_ascii_steps() {
  std::array<std::array<uint8_t, 128>, kRunModulus> table{};
  for (unsigned state = 0; state < kRunModulus; ++state) {
    for (unsigned b = 0; b < 128; ++b) table[state][b] = step(state, kAsciiClasses[b]);
  }
  return table;
}

constexpr auto kAsciiSteps = make_ascii_steps();

CharClass classify_non_ascii(int32_t cp) {
  // Ideographs are written without spaces: one token each, as BERT splits them.
  if (utf8::is_cjk_ideograph(cp)) return CharClass::kSymbol;
  switch (category(cp)) {
    case UTF8PROC_CATEGORY_LU:
    case UTF8PROC_CATEGORY_LL:
    case UTF8PROC_CATEGORY_LT:
    case UTF8PROC_CATEGORY_LM:
    case UTF8PROC_CATEGORY_LO:
    case UTF8PROC_CATEGORY_MN:
    case UTF8PROC_CATEGORY_MC:
    case UTF8PROC_CATEGORY_ME:
    case UTF8PROC_CATEGORY_ND:
    case UTF8PROC_CATEGORY_NL:
    case UTF8PROC_CATEGORY_NO:
      return CharClass::kWord;
    case UTF8PROC_CATEGORY_ZS:
    case UTF8PROC_CATEGORY_ZL:
    case UTF8PROC_CATEGORY_ZP:
      return CharClass::kSpace;
    case UTF8PROC_CATEGORY_CC:
      return CharClass::kControl;
    case UTF8PROC_CATEGORY_CF:
      return CharClass::kFormat;
    default:
      return CharClass::kSymbol;
  }
}

bool is_space(unsigned char b) {
  return b == ' ' || (b >= '\t' && b <= '\r');
}
bool is_ascii_letter(unsigned char b) {
  return (b | 0x20) >= 'a' && (b | 0x20) <= 'z';
}
bool is_ascii_digit(unsigned char b) {
  return b >= '0' && b <= '9';
}

size_t skip_space(std::string_view text, size_t pos) {
  while (pos < text.size() && is_space(static_cast<unsigned char>(text[pos]))) ++pos;
  return pos;
}

// Byte length of the sentence terminator at `pos`, 0 if there is none; `cjk` is set for
// the full-width terminators, which need no whitespace after them.
size_t terminator_length(std::string_view text, size_t pos, bool& cjk) {
  const auto b = static_cast<unsigned char>(text[pos]);
  if (b == '.' || b == '!' || b == '?') return 1;
  if (b != 0xE2 && b != 0xE3 && b != 0xEF) return 0;
  const std::string_view rest = text.substr(pos, 3);
  if (rest == "\u2026") return 3;                                  // …
  if (rest == "\u3002" || rest == "\uFF01" || rest == "\uFF1F") {  // 。！？
    cjk = true;
    return 3;
  }
  return 0;
}

bool is_quote_or_bracket_category(utf8proc_category_t c) {
  return c == UTF8PROC_CATEGORY_PI || c == UTF8PROC_CATEGORY_PF || c == UTF8PROC_CATEGORY_PE;
}

// Skips the closing quotes and brackets that may follow a terminator: `Stop."`, `(sic.)`.
size_t skip_closers(std::string_view text, size_t pos) {
  while (pos < text.size()) {
    const auto b = static_cast<unsigned char>(text[pos]);
    if (b == '"' || b == '\'' || b == ')' || b == ']' || b == '}') {
      ++pos;
    } else if (b >= 0x80) {
      const Decoded d = decode(text, pos);
      if (!is_quote_or_bracket_category(category(d.cp))) break;
      pos += d.length;
    } else {
      break;
    }
  }
  return pos;
}

// Bytes at which a sentence may end: newlines, terminators and the lead bytes of the
// non-ASCII terminators; split_sentences skips everything else without looking closer.
constexpr std::array<bool, 256> make_may_split_after() {
  std::array<bool, 256> table{};
  for (const unsigned char b : {'\n', '\r', '.', '!', '?'}) table[b] = true;
  for (const unsigned char b : {0xE2, 0xE3, 0xEF}) table[b] = true;
  return table;
}

constexpr std::array<bool, 256> kMaySplitAfter = make_may_split_after();

// Whether the character at `pos` may begin a sentence after ". ".
bool may_start_sentence(std::string_view text, size_t pos) {
  const auto b = static_cast<unsigned char>(text[pos]);
  if (b < 0x80) return (b >= 'A' && b <= 'Z') || is_ascii_digit(b) || b == '"' || b == '\'';
  switch (category(decode(text, pos).cp)) {
    case UTF8PROC_CATEGORY_LU:
    case UTF8PROC_CATEGORY_LT:
    case UTF8PROC_CATEGORY_LO:
    case UTF8PROC_CATEGORY_ND:
    case UTF8PROC_CATEGORY_PI:
    case UTF8PROC_CATEGORY_PF:
      return true;
    default:
      return false;
  }
}

bool is_single_letter(std::string_view word) {
  if (word.empty()) return false;
  const Decoded d = decode(word, 0);
  if (d.length != word.size()) return false;
  if (d.cp < 0x80) return is_ascii_letter(static_cast<unsigned char>(d.cp));
  const auto c = category(d.cp);
  return c >= UTF8PROC_CATEGORY_LU && c <= UTF8PROC_CATEGORY_LO;
}

// "e.g", "i.e", "U.S": two or more single letters joined by dots.
bool is_dotted_initials(std::string_view word) {
  size_t segments = 0;
  while (true) {
    const size_t dot = word.find('.');
    if (!is_single_letter(word.substr(0, dot))) return false;
    ++segments;
    if (dot == std::string_view::npos) return segments >= 2;
    word.remove_prefix(dot + 1);
  }
}

// Abbreviations that never end a sentence before a capital (titles, "vs.", months).
constexpr std::string_view kAbbreviations[] = {
    "al",   "approx", "apr", "aug", "ca",  "capt", "cf",  "cmdr", "col", "dec",  "dept",
    "dr",   "est",    "feb", "gen", "gov", "hon",  "jan", "jr",   "jul", "jun",  "lt",
    "mar",  "messrs", "mr",  "mrs", "ms",  "mt",   "mx",  "nov",  "oct", "ph.d", "pres",
    "prof", "rep",    "rev", "sen", "sep", "sept", "sgt", "sr",   "st",  "univ", "vs",
};

// Abbreviations that are ordinary words too ("no", "fig"): they block a split only when
// a number follows, as in "No. 5" or "Fig. 3".
constexpr std::string_view kNumberAbbreviations[] = {
    "art", "ch", "chap", "eq",  "eqs",  "fig", "figs", "ft",  "no",   "nos",
    "nr",  "p",  "pp",   "ref", "refs", "sec", "sect", "vol", "vols",
};

constexpr size_t kLongestAbbreviation = 16;

// Whether the "." at `dot` ends an abbreviation or initial rather than a sentence;
// `next` is the position of the first character after the whitespace that follows.
bool ends_abbreviation(std::string_view text, size_t dot, size_t next) {
  const size_t limit = dot > kLongestAbbreviation ? dot - kLongestAbbreviation : 0;
  size_t start = dot;
  while (start > limit && !is_space(static_cast<unsigned char>(text[start - 1]))) --start;
  if (start == limit && limit > 0 && !is_space(static_cast<unsigned char>(text[start - 1]))) {
    return false;  // a word longer than any abbreviation
  }
  std::string_view word = text.substr(start, dot - start);
  while (!word.empty()) {
    const char c = word.front();
    if (c == '(' || c == '[' || c == '{' || c == '"' || c == '\'') {
      word.remove_prefix(1);
    } else if (word.starts_with("\u201C") || word.starts_with("\u2018")) {  // “ ‘
      word.remove_prefix(3);
    } else if (word.starts_with("\u00AB")) {  // «
      word.remove_prefix(2);
    } else {
      break;
    }
  }
  if (word.empty()) return false;
  if (is_single_letter(word) || is_dotted_initials(word)) return true;
  char lower[kLongestAbbreviation];
  for (size_t i = 0; i < word.size(); ++i) {
    const auto b = static_cast<unsigned char>(word[i]);
    if (b >= 0x80) return false;
    lower[i] = static_cast<char>(b >= 'A' && b <= 'Z' ? b + 32 : b);
  }
  const std::string_view key(lower, word.size());
  if (std::find(std::begin(kAbbreviations), std::end(kAbbreviations), key) !=
      std::end(kAbbreviations)) {
    return true;
  }
  return is_ascii_digit(static_cast<unsigned char>(text[next])) &&
         std::find(std::begin(kNumberAbbreviations), std::end(kNumberAbbreviations), key) !=
             std::end(kNumberAbbreviations);
}

}  // namespace

std::vector<std::pair<size_t, size_t>> split_sentences(std::string_view text) {
  std::vector<std::pair<size_t, size_t>> sentences;
  const size_t n = text.size();
  size_t start = 0;
  // Every cut lands on a non-space byte, so only the first sentence can lack content:
  // leading whitespace joins the first sentence rather than forming one of its own.
  const size_t first_content = skip_space(text, 0);
  auto cut = [&](size_t at) {
    if (at > first_content && at < n) {
      sentences.emplace_back(start, at);
      start = at;
    }
  };
  size_t i = 0;
  while (i < n) {
    while (i < n && !kMaySplitAfter[static_cast<unsigned char>(text[i])]) ++i;
    if (i >= n) break;
    const auto b = static_cast<unsigned char>(text[i]);
    if (b == '\n' || b == '\r') {
      const size_t next = skip_space(text, i);
      cut(next);
      i = next;
      continue;
    }
    bool cjk = false;
    size_t length = terminator_length(text, i, cjk);
    if (length == 0) {
      ++i;
      continue;
    }
    const bool single_dot = b == '.' && (i + 1 == n || text[i + 1] != '.');
    size_t after = i + length;
    while (after < n && (length = terminator_length(text, after, cjk)) != 0) after += length;
    after = skip_closers(text, after);
    if (after >= n) break;
    if (!is_space(static_cast<unsigned char>(text[after]))) {
      if (cjk) cut(after);
      i = after;
      continue;
    }
    const size_t next = skip_space(text, after);
    if (next >= n) {
      i = next;
      continue;
    }
    const bool newline =
        text.substr(after, next - after).find_first_of("\n\r") != std::string_view::npos;
    if (newline || cjk ||
        (may_start_sentence(text, next) && !(single_dot && ends_abbreviation(text, i, next)))) {
      cut(next);
    }
    i = next;
  }
  if (start < n) sentences.emplace_back(start, n);
  return sentences;
}

size_t count_tokens(std::string_view text) {
  size_t tokens = 0;
  unsigned state = 0;
  const auto* p = reinterpret_cast<const unsigned char*>(text.data());
  const size_t n = text.size();
  size_t i = 0;
  while (i < n) {
    if (p[i] < 0x80) {
      const uint8_t next = kAsciiSteps[state][p[i]];
      tokens += next >> 3;
      state = next & 7;
      ++i;
      continue;
    }
    const Decoded d = decode(text, i);
    i += d.length;
    const uint8_t next =
        step(state, d.cp == kInvalid ? CharClass::kSymbol : classify_non_ascii(d.cp));
    tokens += next >> 3;
    state = next & 7;
  }
  return tokens;
}

}  // namespace ragd
