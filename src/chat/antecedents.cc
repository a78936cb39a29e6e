// Antecedents of follow-up questions (contract in antecedents.h).
#include "chat/antecedents.h"

#include <algorithm>

#include "chat/entity_extraction.h"
#include "chat/query_analysis.h"
#include "chat/time_expressions.h"

namespace ragd {
namespace {

constexpr size_t kMaxTopicWords = 8;
constexpr size_t kMaxQuestionBytes = 4096;

bool one_of(std::string_view w, std::initializer_list<std::string_view> list) {
  return std::find(list.begin(), list.end(), w) != list.end();
}

// Verbs that end a noun phrase: "the Estate Flight | cost".
bool is_phrase_ending_verb(std::string_view w) {
  return one_of(w, {"cost",  "costs",   "include", "includes", "mean",    "means",    "open",
                    "opens", "close",   "closes",  "start",    "starts",  "end",      "ends",
                    "take",  "takes",   "need",    "needs",    "require", "requires", "work",
                    "works", "offer",   "offers",  "allow",    "allows",  "come",     "comes",
                    "go",    "goes",    "ship",    "ships",    "sell",    "sells",    "last",
                    "lasts", "make",    "makes",   "run",      "runs",    "happen",   "happens",
                    "apply", "applies", "like",    "taste",    "tastes",  "pair",     "pairs"});
}

bool in_spans(const std::vector<std::pair<size_t, size_t>>& spans, const QueryWord& w) {
  for (const auto& [b, e] : spans) {
    if (w.begin >= b && w.end <= e) return true;
  }
  return false;
}

size_t word_at(const std::vector<QueryWord>& words, size_t byte) {
  for (size_t i = 0; i < words.size(); ++i) {
    if (words[i].begin >= byte) return i;
  }
  return words.size();
}

// "the" directly before word i (only spaces between) extends a span to the left.
size_t with_article(std::string_view text, const std::vector<QueryWord>& words, size_t i) {
  if (i > 0 && words[i - 1].lower == "the" && words_adjacent(text, words[i - 1], words[i])) {
    return words[i - 1].begin;
  }
  return words[i].begin;
}

std::optional<Span> entity_phrase(std::string_view text, const std::vector<QueryWord>& words,
                                  const std::vector<Entity>& entities,
                                  const std::vector<std::pair<size_t, size_t>>& time_spans) {
  if (entities.empty()) return std::nullopt;
  const Entity& e = entities.front();
  const size_t first = word_at(words, e.begin);
  if (first >= words.size()) return Span{e.begin, e.end};
  size_t last = first;
  while (last + 1 < words.size() && words[last + 1].begin < e.end) ++last;
  size_t end = e.end;
  // Up to two lower-case nouns after a name: "the Reserve tier", "the Confluence red blend".
  for (int extra = 0; extra < 2 && e.kind != EntityKind::kQuoted; ++extra) {
    const size_t next = last + 1;
    if (next >= words.size()) break;
    const QueryWord& w = words[next];
    if (!words_adjacent(text, words[last], w) || w.capitalised || w.kind != SurfaceKind::kWord ||
        is_function_word(w.lower) || is_question_word(w.lower) || is_phrase_ending_verb(w.lower) ||
        in_spans(time_spans, w)) {
      break;
    }
    last = next;
    end = w.end;
  }
  const size_t begin = e.kind == EntityKind::kQuoted ? e.begin : with_article(text, words, first);
  return Span{begin, end};
}

// "What is X?", "Tell me about X", "How much does X cost?": X.
std::optional<Span> copula_phrase(const std::vector<QueryWord>& words,
                                  const std::vector<std::pair<size_t, size_t>>& time_spans) {
  const size_t n = words.size();
  size_t start = n;
  size_t stop = n;  // one past the last word of X
  auto w = [&](size_t i) -> std::string_view {
    return i < n ? std::string_view(words[i].lower) : std::string_view();
  };
  if (one_of(w(0), {"what", "who", "which", "where"}) &&
      one_of(w(1), {"is", "are", "was", "were"})) {
    start = 2;
  } else if (one_of(w(0), {"what's", "who's", "where's"})) {
    start = 1;
  } else if (w(0) == "tell" && w(1) == "me" && w(2) == "about") {
    start = 3;
  } else if (w(0) == "tell" && w(1) == "me" && w(2) == "more" && w(3) == "about") {
    start = 4;
  } else if (one_of(w(0), {"describe", "explain"})) {
    start = 1;
  } else if (w(0) == "how" && w(1) == "much" && one_of(w(2), {"is", "are", "was"})) {
    start = 3;
  } else if (w(0) == "how" && w(1) == "much" && one_of(w(2), {"does", "do", "did"})) {
    start = 3;
    for (size_t i = start; i < n; ++i) {
      if (w(i) == "cost") {
        stop = i;
        break;
      }
    }
  }
  if (start >= n) return std::nullopt;
  // Trailing time expressions and a trailing "like" are not part of X.
  while (stop > start && (in_spans(time_spans, words[stop - 1]) || w(stop - 1) == "like")) --stop;
  if (stop <= start || stop - start > kMaxTopicWords) return std::nullopt;
  // An X of function words only ("What is it?") names nothing.
  bool content = false;
  for (size_t i = start; i < stop; ++i) {
    content |= !is_function_word(words[i].lower) && !is_question_word(words[i].lower);
  }
  if (!content) return std::nullopt;
  return Span{words[start].begin, words[stop - 1].end};
}

std::string strip_possessive(std::string s) {
  for (std::string_view p : {"'s", "\xE2\x80\x99s"}) {
    if (s.size() > p.size() && s.ends_with(p)) s.resize(s.size() - p.size());
  }
  return s;
}

std::string first_multiword_name(const std::vector<Entity>& entities) {
  for (const Entity& e : entities) {
    if (e.kind == EntityKind::kName && e.text.find(' ') != std::string::npos) return e.text;
  }
  return {};
}

}  // namespace

std::optional<Span> find_topic_span(std::string_view question, int32_t today) {
  if (question.size() > kMaxQuestionBytes) return std::nullopt;
  const std::vector<QueryWord> words = split_query_words(question);
  const TimeConstraint time = find_time_constraint(question, words, today);
  const std::vector<Entity> entities = extract_entities(question, words, time.spans);
  const std::optional<Span> copula = copula_phrase(words, time.spans);
  const std::optional<Span> named = entity_phrase(question, words, entities, time.spans);
  if (copula && (!named || (named->begin >= copula->begin && named->end <= copula->end))) {
    return copula;
  }
  if (named) return named;
  return copula;
}

Referents find_referents(const ConversationTurn& turn, int32_t today) {
  Referents r;
  const std::string& question = turn.resolved_question();
  if (question.size() > kMaxQuestionBytes) return r;
  if (const std::optional<Span> topic = find_topic_span(question, today)) {
    r.topic = strip_possessive(question.substr(topic->begin, topic->end - topic->begin));
  }
  const std::vector<QueryWord> words = split_query_words(question);
  const TimeConstraint time = find_time_constraint(question, words, today);
  const std::vector<Entity> entities = extract_entities(question, words, time.spans);
  r.person = first_multiword_name(entities);
  if (r.person.empty()) {
    const std::string_view answer = std::string_view(turn.answer).substr(0, kMaxQuestionBytes);
    const std::vector<QueryWord> answer_words = split_query_words(answer);
    r.person = first_multiword_name(extract_entities(answer, answer_words));
  }
  if (const auto place = entity_phrase(question, words, entities, time.spans);
      place && !entities.empty() && entities.front().kind == EntityKind::kName) {
    r.place = question.substr(place->begin, place->end - place->begin);
  }
  r.keywords = QueryAnalyzer().analyze(question, today).keywords;
  return r;
}

}  // namespace ragd
