#include "text/stopwords.h"

namespace ragd {
namespace {

// Lucene EnglishAnalyzer.ENGLISH_STOP_WORDS_SET.
constexpr std::string_view kEnglish[] = {
    "a",   "an",    "and",  "are",   "as",    "at",   "be",   "but", "by",  "for",  "if",
    "in",  "into",  "is",   "it",    "no",    "not",  "of",   "on",  "or",  "such", "that",
    "the", "their", "then", "there", "these", "they", "this", "to",  "was", "will", "with"};

}  // namespace

std::span<const std::string_view> default_stopwords(std::string_view language) {
  if (language == "english" || language == "porter" || language == "none") return kEnglish;
  return {};
}

}  // namespace ragd
