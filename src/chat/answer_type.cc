#include "chat/answer_type.h"

#include <utf8proc.h>

#include <array>
#include <vector>

#include "text/tokenizer.h"

namespace ragd {
namespace {

struct Cue {
  std::string_view phrase;  // one or two lower-case words
  AnswerType type;
};

constexpr Cue kCues[] = {
    {"how many", AnswerType::kNumber},    {"how much", AnswerType::kNumber},
    {"how long", AnswerType::kNumber},    {"how far", AnswerType::kNumber},
    {"how old", AnswerType::kNumber},     {"how big", AnswerType::kNumber},
    {"how tall", AnswerType::kNumber},    {"how large", AnswerType::kNumber},
    {"how often", AnswerType::kNumber},   {"what percentage", AnswerType::kNumber},
    {"what number", AnswerType::kNumber}, {"what size", AnswerType::kNumber},
    {"what price", AnswerType::kNumber},  {"what temperature", AnswerType::kNumber},
    {"when", AnswerType::kDate},          {"what year", AnswerType::kDate},
    {"which year", AnswerType::kDate},    {"what date", AnswerType::kDate},
    {"what day", AnswerType::kDate},      {"what month", AnswerType::kDate},
    {"what century", AnswerType::kDate},  {"what time", AnswerType::kDate},
    {"what season", AnswerType::kDate},   {"who", AnswerType::kPerson},
    {"whom", AnswerType::kPerson},        {"whose", AnswerType::kPerson},
    {"where", AnswerType::kPlace},        {"what country", AnswerType::kPlace},
    {"which country", AnswerType::kPlace}, {"what city", AnswerType::kPlace},
    {"which city", AnswerType::kPlace},   {"what state", AnswerType::kPlace},
    {"which state", AnswerType::kPlace},
};

constexpr std::string_view kMonths[] = {
    "january", "february", "march",     "april",   "may",      "june",     "july",
    "august",  "september", "october", "november", "december", "century", "centuries",
    "jan",     "feb",      "mar",       "apr",     "jun",      "jul",      "aug",
    "sep",     "sept",     "oct",       "nov",     "dec",      "bc",       "ad",
    "spring",  "summer",   "autumn",    "winter",  "monday",   "tuesday",  "wednesday",
    "thursday", "friday",  "saturday",  "sunday",  "decade",   "season",
};

constexpr std::string_view kNumberWords[] = {
    "one",    "two",     "three",    "four",    "five",    "six",     "seven",   "eight",
    "nine",   "ten",     "eleven",   "twelve",  "thirteen", "fourteen", "fifteen", "sixteen",
    "twenty", "thirty",  "forty",    "fifty",   "sixty",   "seventy", "eighty",  "ninety",
    "hundred", "thousand", "million", "billion", "trillion", "dozen",  "half",    "once",
    "twice",  "first",   "second",   "third",
};

std::string lower_ascii(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c + 32);
  }
  return out;
}

struct Word {
  std::string_view surface;
  std::string lower;
  bool capitalised = false;
  bool digit = false;
};

bool starts_upper(std::string_view s) {
  if (s.empty()) return false;
  const auto b = static_cast<unsigned char>(s[0]);
  if (b < 0x80) return b >= 'A' && b <= 'Z';
  utf8proc_int32_t cp = 0;
  const auto n = utf8proc_iterate(reinterpret_cast<const utf8proc_uint8_t*>(s.data()),
                                  static_cast<utf8proc_ssize_t>(s.size()), &cp);
  return n > 0 && utf8proc_category(cp) == UTF8PROC_CATEGORY_LU;
}

std::vector<Word> words_of(std::string_view text) {
  std::vector<Word> words;
  Tokenizer tokenizer(text);
  SurfaceToken token;
  while (tokenizer.next(&token)) {
    Word word;
    word.surface = text.substr(token.begin, token.end - token.begin);
    word.lower = lower_ascii(word.surface);
    word.capitalised = starts_upper(word.surface);
    for (char c : word.surface) word.digit = word.digit || (c >= '0' && c <= '9');
    words.push_back(std::move(word));
  }
  return words;
}

template <size_t N>
bool in(const std::string_view (&list)[N], std::string_view word) {
  for (std::string_view w : list) {
    if (w == word) return true;
  }
  return false;
}

bool is_year(std::string_view w) {
  size_t digits = 0;
  while (digits < w.size() && w[digits] >= '0' && w[digits] <= '9') ++digits;
  if (digits != 4) return false;
  return w.size() == 4 || w.substr(4) == "s";  // 1990, 1990s
}

}  // namespace

const char* answer_type_name(AnswerType type) {
  switch (type) {
    case AnswerType::kPerson: return "person";
    case AnswerType::kDate: return "date";
    case AnswerType::kNumber: return "number";
    case AnswerType::kPlace: return "place";
    case AnswerType::kUnknown: break;
  }
  return "unknown";
}

AnswerType detect_answer_type(std::string_view question) {
  const std::vector<Word> words = words_of(question);
  for (size_t i = 0; i < words.size(); ++i) {
    for (const Cue& cue : kCues) {
      const size_t space = cue.phrase.find(' ');
      if (space == std::string_view::npos) {
        if (words[i].lower == cue.phrase) return cue.type;
      } else if (i + 1 < words.size() && words[i].lower == cue.phrase.substr(0, space) &&
                 words[i + 1].lower == cue.phrase.substr(space + 1)) {
        return cue.type;
      }
    }
  }
  return AnswerType::kUnknown;
}

std::unordered_set<std::string> surface_words(std::string_view text) {
  std::unordered_set<std::string> out;
  for (Word& word : words_of(text)) out.insert(std::move(word.lower));
  return out;
}

bool has_answer_candidate(AnswerType type, std::string_view sentence,
                          const std::unordered_set<std::string>& question_words) {
  if (type == AnswerType::kUnknown) return false;
  const std::vector<Word> words = words_of(sentence);
  for (size_t i = 0; i < words.size(); ++i) {
    const Word& word = words[i];
    if (question_words.count(word.lower)) continue;
    switch (type) {
      case AnswerType::kDate:
        if (is_year(word.lower) || in(kMonths, word.lower)) return true;
        break;
      case AnswerType::kNumber:
        if (word.digit || in(kNumberWords, word.lower)) return true;
        break;
      case AnswerType::kPerson:
      case AnswerType::kPlace:
        // A capitalised word that does not merely start the sentence.
        if (word.capitalised && !word.digit &&
            (i > 0 || (words.size() > 1 && words[1].capitalised))) {
          return true;
        }
        break;
      case AnswerType::kUnknown:
        break;
    }
  }
  return false;
}

}  // namespace ragd
