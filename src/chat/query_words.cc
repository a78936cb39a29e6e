// Query words and closed word lists (contract in query_words.h).
#include "chat/query_words.h"

#include <utf8proc.h>

#include <algorithm>
#include <iterator>

#include "text/fold.h"
#include "text/utf8.h"

namespace ragd {
namespace {

bool is_upper_cp(int32_t cp) {
  if (cp < 0) return false;
  if (cp < 0x80) return cp >= 'A' && cp <= 'Z';
  const auto category = utf8proc_category(cp);
  return category == UTF8PROC_CATEGORY_LU || category == UTF8PROC_CATEGORY_LT;
}

bool is_letter_cp(int32_t cp) {
  if (cp < 0) return false;
  if (cp < 0x80) return (cp >= 'A' && cp <= 'Z') || (cp >= 'a' && cp <= 'z');
  const auto category = utf8proc_category(cp);
  return category >= UTF8PROC_CATEGORY_LU && category <= UTF8PROC_CATEGORY_LO;
}

// Sorted, so lookups are binary searches.
constexpr std::string_view kQuestionWords[] = {
    "how", "what", "whats", "when", "where", "whereabouts", "which", "who", "whom", "whose", "why",
};

constexpr std::string_view kFunctionWords[] = {
    "a",         "about",   "above",   "after",    "again",   "against",  "all",        "also",
    "am",        "an",      "and",     "any",      "are",     "aren't",   "around",     "as",
    "at",        "be",      "because", "been",     "before",  "being",    "below",      "between",
    "both",      "but",     "by",      "can",      "can't",   "cannot",   "could",      "couldn't",
    "did",       "didn't",  "do",      "does",     "doesn't", "doing",    "don't",      "down",
    "during",    "each",    "either",  "else",     "ever",    "every",    "few",        "for",
    "from",      "further", "get",     "gets",     "give",    "had",      "has",        "have",
    "having",    "he",      "he's",    "her",      "here",    "hers",     "herself",    "him",
    "himself",   "his",     "how",     "how's",    "i",       "i'd",      "i'll",       "i'm",
    "i've",      "if",      "in",      "into",     "is",      "isn't",    "it",         "it's",
    "its",       "itself",  "just",    "know",     "let",     "let's",    "like",       "may",
    "me",        "might",   "more",    "most",     "much",    "must",     "my",         "myself",
    "neither",   "no",      "nor",     "not",      "now",     "of",       "off",        "on",
    "once",      "one",     "only",    "or",       "other",   "ought",    "our",        "ours",
    "ourselves", "out",     "over",    "own",      "please",  "same",     "shall",      "she",
    "she's",     "should",  "show",    "so",       "some",    "such",     "tell",       "than",
    "that",      "that's",  "the",     "their",    "theirs",  "them",     "themselves", "then",
    "there",     "there's", "these",   "they",     "they're", "this",     "those",      "through",
    "to",        "too",     "under",   "until",    "up",      "upon",     "us",         "very",
    "want",      "was",     "wasn't",  "we",       "we're",   "were",     "weren't",    "what",
    "what's",    "whats",   "when",    "when's",   "where",   "where's",  "whether",    "which",
    "while",     "who",     "who's",   "whom",     "whose",   "why",      "why's",      "will",
    "with",      "within",  "without", "won't",    "would",   "wouldn't", "yet",        "you",
    "you're",    "your",    "yours",   "yourself",
};

static_assert(std::is_sorted(std::begin(kQuestionWords), std::end(kQuestionWords)));
static_assert(std::is_sorted(std::begin(kFunctionWords), std::end(kFunctionWords)));

bool in_sorted(std::string_view word, const auto& list) {
  return std::binary_search(std::begin(list), std::end(list), word);
}

}  // namespace

bool is_question_word(std::string_view lower) {
  return in_sorted(lower, kQuestionWords);
}
bool is_function_word(std::string_view lower) {
  return in_sorted(lower, kFunctionWords);
}

std::vector<QueryWord> split_query_words(std::string_view text, size_t max_words) {
  std::vector<QueryWord> words;
  Tokenizer tokenizer(text);
  SurfaceToken token;
  size_t previous_end = 0;
  const auto* bytes = reinterpret_cast<const unsigned char*>(text.data());
  while (words.size() < max_words && tokenizer.next(&token)) {
    QueryWord word;
    word.begin = token.begin;
    word.end = token.end;
    word.kind = token.kind;
    const std::string_view surface = text.substr(token.begin, token.end - token.begin);
    fold_term(surface, token.ascii, /*strip_accents=*/false, word.lower);
    // U+2019 was folded to an ASCII apostrophe; the lists use ASCII.
    size_t letters = 0;
    size_t upper = 0;
    bool first_letter_seen = false;
    bool digits_only = true;
    for (size_t i = token.begin; i < token.end;) {
      const utf8::Decoded d = utf8::decode(bytes + i, token.end - i);
      if (d.cp >= '0' && d.cp <= '9') {
        word.has_digit = true;
      } else {
        digits_only = false;
      }
      if (is_letter_cp(d.cp)) {
        ++letters;
        const bool is_upper = is_upper_cp(d.cp);
        upper += is_upper ? 1 : 0;
        if (!first_letter_seen) word.capitalised = is_upper;
        first_letter_seen = true;
      }
      i += d.len;
    }
    word.digits_only = digits_only && word.has_digit;
    word.all_caps = letters >= 2 && upper == letters;
    word.sentence_start = words.empty();
    for (size_t i = previous_end; i < token.begin && !word.sentence_start; ++i) {
      const char c = text[i];
      word.sentence_start = c == '.' || c == '!' || c == '?' || c == ':' || c == '\n';
    }
    previous_end = token.end;
    words.push_back(std::move(word));
  }
  return words;
}

bool words_adjacent(std::string_view text, const QueryWord& left, const QueryWord& right) {
  if (right.begin < left.end) return false;
  for (size_t i = left.end; i < right.begin; ++i) {
    const char c = text[i];
    if (c != ' ' && c != '\t' && c != '-') return false;
  }
  return true;
}

}  // namespace ragd
