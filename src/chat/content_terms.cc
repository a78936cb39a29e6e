#include "chat/content_terms.h"

#include <algorithm>

namespace ragd {
namespace {

// Question words, auxiliaries, pronouns, quantifiers and fillers that the index Analyzer
// keeps. Deliberately absent: "may" (the month), number words ("one", "two": answers),
// and anything that names a thing.
constexpr std::string_view kFunctionWords[] = {
    "what",  "which",  "who",    "whom",   "whose",  "when",   "where",  "why",    "how",
    "do",    "does",   "did",    "done",   "doing",  "have",   "has",    "had",    "having",
    "can",   "could",  "would",  "should", "might",  "must",   "shall",  "am",     "were",
    "been",  "being",  "i",      "me",     "my",     "mine",   "we",     "us",     "our",
    "ours",  "you",    "your",   "yours",  "he",     "him",    "his",    "she",    "her",
    "hers",  "its",    "them",   "those",  "itself", "about",  "any",    "some",   "all",
    "here",  "from",   "than",   "so",     "very",   "just",   "also",   "only",   "get",
    "gets",  "got",    "many",   "much",   "tell",   "please", "there",  "whether", "s",
    "t",     "don't",  "doesn't", "didn't", "isn't", "aren't", "can't",  "won't",  "i'm",
    "i'd",   "i'll",   "you're", "it's",   "that's", "what's", "who's",  "where's", "how's",
    "let",   "lets",   "ever",   "else",   "other",  "name",   "called", "call",   "known",
    "cant",  "dont",   "doesnt", "didnt",  "isnt",   "arent",  "wont",   "shes",   "hes",
    "ive",   "im",     "youre",  "theyre", "whats",  "thats",  "aint",   "wasnt",  "werent",
    "kind",  "type",   "sort",   "thing",  "things", "someone", "something",
};

}  // namespace

ContentTermExtractor::ContentTermExtractor(const Analyzer& analyzer)
    : analyzer_(analyzer), numbers_(analyzer) {
  std::vector<std::string> terms;
  for (std::string_view word : kFunctionWords) {
    terms.clear();
    analyzer_.analyze(word, terms);
    for (std::string& term : terms) function_words_.insert(std::move(term));
  }
}

bool ContentTermExtractor::is_exact(std::string_view term) {
  return std::any_of(term.begin(), term.end(), [](char c) { return c >= '0' && c <= '9'; });
}

bool ContentTermExtractor::is_function_word(std::string_view term) const {
  return function_words_.count(std::string(term)) > 0;
}

void ContentTermExtractor::extract(std::string_view text, std::vector<ContentTerm>& out) const {
  std::vector<Token> tokens;
  analyzer_.analyze_with_offsets(text, tokens);
  for (Token& token : tokens) {
    if (function_words_.count(token.term)) continue;
    const bool exact = is_exact(token.term);
    out.push_back({std::move(token.term), exact, token.begin, token.end});
  }
}

std::vector<std::string> ContentTermExtractor::distinct_terms(std::string_view text) const {
  std::vector<ContentTerm> terms;
  extract(text, terms);
  std::vector<std::string> out;
  std::unordered_set<std::string> seen;
  for (ContentTerm& term : terms) {
    if (seen.insert(term.term).second) out.push_back(std::move(term.term));
  }
  return out;
}

std::vector<std::string> ContentTermExtractor::filter(
    const std::vector<std::string>& analysed_terms) const {
  std::vector<std::string> out;
  std::unordered_set<std::string> seen;
  for (const std::string& term : analysed_terms) {
    if (term.empty() || function_words_.count(term) || !seen.insert(term).second) continue;
    out.push_back(term);
  }
  return out;
}

}  // namespace ragd
