// Query analysis (contract in query_analysis.h).
#include "chat/query_analysis.h"

#include <algorithm>
#include <initializer_list>
#include <unordered_set>

namespace ragd {
namespace {

bool any_of_words(std::string_view w, std::initializer_list<std::string_view> list) {
  return std::find(list.begin(), list.end(), w) != list.end();
}

bool in_spans(const std::vector<std::pair<size_t, size_t>>& spans, const QueryWord& w) {
  for (const auto& [b, e] : spans) {
    if (w.begin >= b && w.end <= e) return true;
  }
  return false;
}

// A word that compares when "than" follows it: "more", "cheaper", "better", "older".
bool comparative_form(std::string_view w) {
  if (any_of_words(w, {"more", "less", "fewer", "better", "worse"})) {
    return true;
  }
  return w.size() >= 4 && w.ends_with("er");
}

bool is_comparative(const std::vector<QueryWord>& words) {
  for (size_t i = 0; i < words.size(); ++i) {
    const std::string& w = words[i].lower;
    if (any_of_words(
            w, {"compare", "compared", "compares", "comparing", "comparison", "versus", "vs",
                "difference", "differences", "differ", "differs", "contrast", "distinguish"})) {
      return true;
    }
    if (w == "than") {
      for (size_t k = i >= 3 ? i - 3 : 0; k < i; ++k) {
        if (comparative_form(words[k].lower)) return true;
      }
    }
  }
  // "Which is cheaper, the Syrah or the Zinfandel?"
  if (!words.empty() && words[0].lower == "which") {
    for (const QueryWord& w : words) {
      if (w.lower == "or") return true;
    }
  }
  return false;
}

bool is_temporal(const std::vector<QueryWord>& words) {
  for (size_t i = 0; i < words.size(); ++i) {
    const std::string& w = words[i].lower;
    const std::string_view previous = i > 0 ? std::string_view(words[i - 1].lower) : "";
    const std::string_view next = i + 1 < words.size() ? std::string_view(words[i + 1].lower) : "";
    if (w == "when" && (i == 0 || words[i].sentence_start ||
                        any_of_words(previous, {"and", "but", "so", "since", "until", "till"}))) {
      return true;
    }
    if ((w == "what" || w == "which") &&
        any_of_words(next, {"year", "years", "date", "dates", "day", "month", "time"})) {
      return true;
    }
    if (w == "how" && (next == "long" || next == "often")) return true;
    if (any_of_words(w, {"timeline", "history", "historical", "trend", "trends", "changed",
                         "evolve", "evolved", "evolution", "chronology", "chronological",
                         "anniversary", "founded", "schedule"})) {
      return true;
    }
    if (w == "over" && any_of_words(next, {"time", "the"}) &&
        (next == "time" || (i + 2 < words.size() && words[i + 2].lower == "years"))) {
      return true;
    }
  }
  return false;
}

bool is_analytical(const std::vector<QueryWord>& words) {
  for (size_t i = 0; i < words.size(); ++i) {
    const std::string& w = words[i].lower;
    if (any_of_words(w, {"why",         "explain",      "explains",      "analyse",   "analyze",
                         "analysis",    "reason",       "reasons",       "cause",     "causes",
                         "caused",      "impact",       "impacts",       "effect",    "effects",
                         "implication", "implications", "evaluate",      "assess",    "assessment",
                         "pros",        "advantages",   "disadvantages", "summarize", "summarise",
                         "summary",     "overview",     "factors",       "tradeoffs", "trade-offs",
                         "consequences"})) {
      return true;
    }
    // "How does/do ... work/affect ...?"
    if (w == "how" && i + 1 < words.size() &&
        any_of_words(words[i + 1].lower, {"does", "do", "did", "can", "could", "would"})) {
      for (size_t k = i + 2; k < words.size(); ++k) {
        if (any_of_words(words[k].lower, {"work", "works", "affect", "affects", "influence",
                                          "influences", "relate", "help", "matter"})) {
          return true;
        }
      }
    }
  }
  return false;
}

// Cuts `text` to at most `max_bytes`, backing up to a UTF-8 sequence boundary.
std::string_view bounded(std::string_view text, size_t max_bytes) {
  if (text.size() <= max_bytes) return text;
  size_t cut = max_bytes;
  for (int k = 0; k < 3 && cut > 0 && (static_cast<unsigned char>(text[cut]) & 0xC0) == 0x80; ++k) {
    --cut;
  }
  return text.substr(0, cut);
}

}  // namespace

const char* query_intent_name(QueryIntent intent) {
  switch (intent) {
    case QueryIntent::kFactual:
      return "factual";
    case QueryIntent::kAnalytical:
      return "analytical";
    case QueryIntent::kComparative:
      return "comparative";
    case QueryIntent::kTemporal:
      return "temporal";
    case QueryIntent::kKeywordLookup:
      return "keyword_lookup";
  }
  return "factual";
}

QueryAnalysis QueryAnalyzer::analyze(std::string_view question, int32_t today) const {
  const std::string_view text = bounded(question, max_bytes_);
  const std::vector<QueryWord> words = split_query_words(text);
  QueryAnalysis analysis;
  analysis.word_count = words.size();
  analysis.time = find_time_constraint(text, words, today);
  analysis.entities = extract_entities(text, words, analysis.time.spans);

  std::unordered_set<std::string_view> seen;
  for (const QueryWord& w : words) {
    if (is_function_word(w.lower) || is_question_word(w.lower)) continue;
    if (in_spans(analysis.time.spans, w)) continue;
    if (seen.insert(w.lower).second) analysis.keywords.push_back(w.lower);
  }

  const bool question_mark = text.find('?') != std::string_view::npos ||
                             text.find("\xEF\xBC\x9F") != std::string_view::npos;  // U+FF1F
  const bool opens_like_question =
      !words.empty() && (is_question_word(words[0].lower) ||
                         any_of_words(words[0].lower, {"is", "are", "was", "were", "do", "does",
                                                       "did", "can", "could", "should", "will",
                                                       "would", "explain", "compare", "tell"}));
  if (words.size() <= 3 && !question_mark && !opens_like_question) {
    analysis.intent = QueryIntent::kKeywordLookup;
  } else if (is_comparative(words)) {
    analysis.intent = QueryIntent::kComparative;
  } else if (is_temporal(words)) {
    analysis.intent = QueryIntent::kTemporal;
  } else if (is_analytical(words)) {
    analysis.intent = QueryIntent::kAnalytical;
  } else if (analysis.time.has_range()) {
    analysis.intent = QueryIntent::kTemporal;
  } else {
    analysis.intent = QueryIntent::kFactual;
  }
  return analysis;
}

}  // namespace ragd
