#include "retrieve/query_router.h"

#include <array>
#include <cctype>

namespace ragd {
namespace {

bool is_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v'; }

// Bytes >= 0x80 belong to non-ASCII letters (or punctuation): counted as word characters,
// so "été" is a word.
bool is_word_byte(char c) {
  auto u = static_cast<unsigned char>(c);
  return u >= 0x80 || std::isalnum(u) != 0;
}

constexpr std::array<std::string_view, 16> kQuestionWords = {
    "who", "what", "when", "where", "why", "how", "which", "whom", "whose",
    "can", "do", "does", "is", "are", "should", "could"};

std::string first_word_lower(std::string_view query) {
  size_t i = 0;
  while (i < query.size() && is_space(query[i])) ++i;
  std::string word;
  for (; i < query.size() && !is_space(query[i]); ++i) {
    word.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(query[i]))));
  }
  return word;
}

}  // namespace

const char* search_mode_name(SearchMode mode) {
  switch (mode) {
    case SearchMode::kLexical: return "lexical";
    case SearchMode::kDense: return "dense";
    case SearchMode::kHybrid: return "hybrid";
    case SearchMode::kAuto: return "auto";
  }
  return "?";
}

Result<SearchMode> parse_search_mode(const std::string& name) {
  for (SearchMode mode : {SearchMode::kLexical, SearchMode::kDense, SearchMode::kHybrid,
                          SearchMode::kAuto}) {
    if (name == search_mode_name(mode)) return mode;
  }
  return Status::invalid("unknown search mode '" + name + "'; use lexical, dense, hybrid or auto");
}

size_t count_query_words(std::string_view query) {
  size_t words = 0;
  size_t i = 0;
  while (i < query.size()) {
    while (i < query.size() && is_space(query[i])) ++i;
    bool has_word_char = false;
    while (i < query.size() && !is_space(query[i])) has_word_char |= is_word_byte(query[i++]);
    words += has_word_char ? 1 : 0;
  }
  return words;
}

Route route_query(std::string_view query, const RouterConfig& config) {
  const size_t words = count_query_words(query);
  const bool question_mark = query.find('?') != std::string_view::npos;
  std::string first = first_word_lower(query);
  bool question_word = false;
  for (std::string_view w : kQuestionWords) question_word |= first == w;
  const std::string counted = std::to_string(words) + (words == 1 ? " word" : " words");
  if (question_mark) return {config.question_mode, "question (has '?')"};
  if (question_word) return {config.question_mode, "question (opens with '" + first + "')"};
  if (words > config.keyword_max_words) return {config.question_mode, "long query (" + counted + ")"};
  return {config.keyword_mode, "short keyword query (" + counted + ")"};
}

}  // namespace ragd
