// Follow-up rewriting (contract in query_rewriter.h).
//
// Two rules, tried in order: a fragment ("What about X?", "And in 2022?") re-asks the previous
// question with X in place of its topic or period; otherwise each referring pronoun is replaced
// by the matching referent of the latest turn that has one (topic, person or place). When a
// pronoun refers but no turn names anything, the previous question's content words are
// appended, which is what lexical retrieval needs.
#include "chat/query_rewriter.h"

#include <algorithm>
#include <exception>
#include <optional>

#include "chat/antecedents.h"
#include "chat/query_words.h"
#include "chat/time_expressions.h"
#include "text/normalize.h"

namespace ragd {
namespace {

constexpr size_t kMaxQuestionBytes = 4096;
constexpr size_t kMaxFragmentWords = 8;

bool one_of(std::string_view w, std::initializer_list<std::string_view> list) {
  return std::find(list.begin(), list.end(), w) != list.end();
}

bool is_aux(std::string_view w) {
  return one_of(w,
                {"is",    "are",   "was",    "were",    "do",    "does",  "did",   "can",   "could",
                 "will",  "would", "should", "has",     "have",  "had",   "may",   "might", "must",
                 "shall", "isn't", "aren't", "doesn't", "don't", "can't", "won't", "'s"});
}

// Words after "this"/"that" that make it a pronoun rather than a determiner.
bool is_verb_after_pronoun(std::string_view w) {
  return is_aux(w) ||
         one_of(w, {"cost",     "costs", "include", "includes", "mean",  "means", "require",
                    "requires", "come",  "comes",   "need",     "needs", "take",  "takes",
                    "work",     "works", "apply",   "applies",  "open",  "opens", "start",
                    "starts",   "last",  "lasts",   "also",     "still", "sound", "sounds",
                    "seem",     "seems", "happen",  "happens"});
}

// Adjectives of the dummy "it" ("is it possible to ...").
bool is_dummy_it_adjective(std::string_view w) {
  return one_of(w, {"possible", "necessary", "ok",        "okay",    "true", "worth", "likely",
                    "easy",     "hard",      "difficult", "better",  "best", "fine",  "allowed",
                    "required", "mandatory", "important", "raining", "late", "early"});
}

struct Edit {
  size_t begin;
  size_t end;
  std::string text;
};

std::string apply_edits(std::string_view text, std::vector<Edit> edits) {
  std::stable_sort(edits.begin(), edits.end(),
                   [](const Edit& a, const Edit& b) { return a.begin < b.begin; });
  std::string out;
  size_t pos = 0;
  for (const Edit& e : edits) {
    if (e.begin < pos) continue;  // overlaps an earlier edit
    out.append(text.substr(pos, e.begin - pos));
    out.append(e.text);
    pos = e.end;
  }
  out.append(text.substr(pos));
  return out;
}

// Where to insert words at the end of a question: before its closing punctuation.
size_t content_end(std::string_view text) {
  size_t end = text.size();
  while (end > 0 && one_of(text.substr(end - 1, 1), {" ", "?", "!", ".", "\t", "\n"})) --end;
  return end;
}

std::string capitalised(std::string s) {
  if (!s.empty() && s[0] >= 'a' && s[0] <= 'z') s[0] = static_cast<char>(s[0] - 'a' + 'A');
  return s;
}

std::string lowercase_article(std::string s) {
  if (s.starts_with("The ")) s[0] = 't';
  return s;
}

bool contains_folded(std::string_view haystack, std::string_view needle) {
  if (needle.empty()) return false;
  auto lower = [](char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c + 32) : c; };
  auto it = std::search(haystack.begin(), haystack.end(), needle.begin(), needle.end(),
                        [&](char a, char b) { return lower(a) == lower(b); });
  return it != haystack.end();
}

std::string without_article(std::string_view s) {
  for (std::string_view article : {"the ", "The "}) {
    if (s.starts_with(article)) return std::string(s.substr(article.size()));
  }
  return std::string(s);
}

bool ends_sentence(std::string_view text, const std::vector<QueryWord>& words, size_t i) {
  if (i + 1 >= words.size()) return true;
  for (size_t b = words[i].end; b < words[i + 1].begin; ++b) {
    if (one_of(text.substr(b, 1), {"?", ".", "!", ",", ";", ":"})) return true;
  }
  return false;
}

// Referents of the latest turns, computed on first use.
class ReferentCache {
 public:
  ReferentCache(std::span<const ConversationTurn> turns, int32_t today)
      : turns_(turns), today_(today) {}

  // The first non-empty value of `field` from the latest turn backwards.
  std::string get(std::string Referents::*field) {
    for (size_t k = 0; k < turns_.size(); ++k) {
      const std::string& value = at(k).*field;
      if (!value.empty()) return value;
    }
    return {};
  }
  std::vector<std::string> latest_keywords() {
    return turns_.empty() ? std::vector<std::string>{} : at(0).keywords;
  }

 private:
  const Referents& at(size_t k) {  // k = 0 is the latest turn
    while (cache_.size() <= k) {
      cache_.push_back(find_referents(turns_[turns_.size() - 1 - cache_.size()], today_));
    }
    return cache_[k];
  }

  std::span<const ConversationTurn> turns_;
  int32_t today_;
  std::vector<Referents> cache_;
};

// "What about X?", "And X?", "Same for X": the index of X's first word, if a fragment.
std::optional<size_t> fragment_start(const std::vector<QueryWord>& words) {
  const size_t n = words.size();
  auto w = [&](size_t i) -> std::string_view {
    return i < n ? std::string_view(words[i].lower) : std::string_view();
  };
  size_t p = 0;
  bool conjunction = false;
  while (p < n && one_of(w(p), {"and", "but", "also", "so", "ok", "okay", "then"})) {
    ++p;
    conjunction = true;
  }
  size_t x = n;
  if (one_of(w(p), {"what", "how"}) && w(p + 1) == "about") {
    x = p + 2;
  } else if (w(p) == "what" && w(p + 1) == "of") {
    x = p + 2;
  } else if (w(p) == "same" && one_of(w(p + 1), {"for", "with"})) {
    x = p + 2;
  } else if (conjunction && p < n) {
    for (size_t i = p; i < n; ++i) {
      if (is_aux(w(i)) || is_question_word(w(i))) return std::nullopt;
    }
    x = p;
  }
  if (x >= n || n - x > kMaxFragmentWords) return std::nullopt;
  // "What about it?" is a pronoun question, not a new topic.
  bool content = false;
  for (size_t i = x; i < n; ++i) content |= !is_function_word(w(i));
  if (!content) return std::nullopt;
  return x;
}

bool is_preposition(std::string_view w) {
  return one_of(w, {"on", "in", "at", "for", "during", "with", "without", "by", "from", "to",
                    "after", "before", "near", "around", "over", "under", "within"});
}

std::optional<QueryRewrite> resolve_fragment(std::string_view question,
                                             const std::vector<QueryWord>& words, size_t x,
                                             const ConversationTurn& previous, int32_t today) {
  const std::string& prev = previous.resolved_question();
  if (prev.empty() || prev.size() > kMaxQuestionBytes) return std::nullopt;
  const TimeConstraint time = find_time_constraint(question, words, today);
  auto in_time = [&](const QueryWord& w) {
    for (const auto& [b, e] : time.spans) {
      if (w.begin >= b && w.end <= e) return true;
    }
    return false;
  };
  std::string time_text;
  for (const auto& [b, e] : time.spans) {
    if (b >= words[x].begin) {
      time_text = std::string(question.substr(b, e - b));
      break;
    }
  }
  // The first run of words outside time expressions, without a closing "too" or "instead".
  size_t first = words.size();
  size_t last = words.size();
  for (size_t i = x; i < words.size(); ++i) {
    if (in_time(words[i])) {
      if (first != words.size()) break;
      continue;
    }
    if (first == words.size()) first = i;
    last = i;
  }
  while (first != words.size() && last > first &&
         one_of(words[last].lower, {"too", "instead", "then", "also", "please"})) {
    --last;
  }
  std::string topic_text;
  if (first != words.size() &&
      !one_of(words[first].lower, {"too", "instead", "then", "also", "please"})) {
    topic_text =
        std::string(question.substr(words[first].begin, words[last].end - words[first].begin));
  }
  if (time_text.empty() && topic_text.empty()) return std::nullopt;

  std::vector<Edit> edits;
  const size_t tail = content_end(prev);
  const TimeConstraint prev_time = find_time_constraint(prev, today);
  if (!time_text.empty()) {
    if (!prev_time.spans.empty()) {
      edits.push_back({prev_time.spans[0].first, prev_time.spans[0].second, time_text});
    } else {
      edits.push_back({tail, tail, " " + time_text});
    }
  }
  if (!topic_text.empty()) {
    const std::optional<Span> prev_topic = find_topic_span(prev, today);
    if (is_preposition(words[first].lower)) {
      edits.push_back({tail, tail, " " + topic_text});
    } else if (prev_topic) {
      edits.push_back({prev_topic->begin, prev_topic->end,
                       prev_topic->begin == 0 ? capitalised(topic_text) : topic_text});
    } else {
      edits.push_back({tail, tail, " for " + topic_text});
    }
  }
  QueryRewrite out;
  out.query = apply_edits(prev, std::move(edits));
  out.changed = out.query != question;
  out.method = out.changed ? RewriteMethod::kHeuristic : RewriteMethod::kNone;
  out.carried_over = prev;
  return out;
}

enum class Referent { kTopic, kPerson, kPlace };

struct PronounUse {
  Referent referent = Referent::kTopic;
  std::string suffix;  // "'s", " is", " are"
  std::string prefix;  // "at ", "to "
  size_t end = 0;      // end of the replaced bytes (a determiner's noun may be included)
  bool determiner = false;
};

// Whether word i is a pronoun that refers back, and how to replace it.
std::optional<PronounUse> pronoun_at(std::string_view text, const std::vector<QueryWord>& words,
                                     size_t i) {
  const size_t n = words.size();
  const std::string& w = words[i].lower;
  auto next = [&](size_t k) -> std::string_view {
    return i + k < n ? std::string_view(words[i + k].lower) : std::string_view();
  };
  const std::string_view previous = i > 0 ? std::string_view(words[i - 1].lower) : "";
  PronounUse use;
  use.end = words[i].end;
  if (w == "it") {
    if (is_dummy_it_adjective(next(1)) || one_of(next(1), {"take", "takes", "took"}) ||
        (one_of(next(1), {"is", "was", "'s"}) && is_dummy_it_adjective(next(2)))) {
      return std::nullopt;
    }
    return use;
  }
  if (w == "it's" || w == "that's") {
    if (is_dummy_it_adjective(next(1))) return std::nullopt;
    use.suffix = " is";
    return use;
  }
  if (w == "its" || w == "their" || w == "theirs") {
    use.suffix = "'s";
    return use;
  }
  if (w == "they" || w == "them") return use;
  if (w == "they're") {
    use.suffix = " are";
    return use;
  }
  if (w == "he" || w == "him" || w == "she") {
    use.referent = Referent::kPerson;
    return use;
  }
  if (w == "he's" || w == "she's") {
    use.referent = Referent::kPerson;
    use.suffix = " is";
    return use;
  }
  if (w == "his" || w == "her") {
    use.referent = Referent::kPerson;
    const bool possessive = w == "his" || (!ends_sentence(text, words, i) &&
                                           !is_function_word(next(1)) && !is_aux(next(1)));
    if (possessive) use.suffix = "'s";
    return use;
  }
  if (w == "there") {
    if (one_of(previous, {"is", "are", "was", "were", "be", "been", "isn't", "aren't"}) ||
        one_of(next(1),
               {"is", "are", "was", "were", "'s", "will", "would", "have", "has", "had", "isn't",
                "aren't", "be", "must", "might", "may", "should", "can", "could"})) {
      return std::nullopt;  // existential "is there", "there are"
    }
    use.referent = Referent::kPlace;
    if (one_of(previous, {"get", "go", "going", "come", "coming", "drive", "driving", "walk",
                          "walking", "travel", "bike", "cycle"})) {
      use.prefix = "to ";
    } else if (!is_preposition(previous)) {
      use.prefix = "at ";
    }
    return use;
  }
  if (w == "this" || w == "that" || w == "these" || w == "those") {
    // "the tour that includes food": a relative clause after a noun.
    if (w == "that" && i > 0 && !ends_sentence(text, words, i) && !is_function_word(previous) &&
        !is_question_word(previous) && !is_aux(previous)) {
      return std::nullopt;
    }
    if (ends_sentence(text, words, i) || is_verb_after_pronoun(next(1))) return use;
    if (is_function_word(next(1)) || words[i + 1].kind != SurfaceKind::kWord) return use;
    use.determiner = true;
    return use;
  }
  return std::nullopt;
}

bool topic_names_noun(std::string_view topic, std::string_view noun) {
  const std::vector<QueryWord> words = split_query_words(topic);
  for (const QueryWord& w : words) {
    if (w.lower == noun) return true;
    if (w.lower.size() > 1 && w.lower.back() == 's' &&
        std::string_view(w.lower).substr(0, w.lower.size() - 1) == noun) {
      return true;
    }
    if (noun.size() > 1 && noun.back() == 's' && noun.substr(0, noun.size() - 1) == w.lower) {
      return true;
    }
  }
  return false;
}

}  // namespace

const char* rewrite_method_name(RewriteMethod method) {
  switch (method) {
    case RewriteMethod::kNone:
      return "none";
    case RewriteMethod::kHeuristic:
      return "heuristic";
    case RewriteMethod::kLlm:
      return "llm";
  }
  return "none";
}

QueryRewrite QueryRewriter::rewrite(std::string_view question,
                                    std::span<const ConversationTurn> history,
                                    int32_t today) const {
  QueryRewrite unchanged{std::string(question), false, RewriteMethod::kNone, {}};
  if (history.empty() || question.size() > kMaxQuestionBytes || max_turns_ == 0) {
    return unchanged;
  }
  if (history.size() > max_turns_) history = history.subspan(history.size() - max_turns_);
  if (llm_hook_) {
    try {
      Result<std::string> rewritten = llm_hook_(question, history);
      if (rewritten) {
        std::string_view text = *rewritten;
        while (!text.empty() && one_of(text.substr(0, 1), {" ", "\n", "\t", "\""})) {
          text.remove_prefix(1);
        }
        while (!text.empty() && one_of(text.substr(text.size() - 1), {" ", "\n", "\t", "\""})) {
          text.remove_suffix(1);
        }
        if (!text.empty() && text.size() <= kMaxQuestionBytes && is_valid_utf8(text)) {
          QueryRewrite out{std::string(text), text != question, RewriteMethod::kLlm, {}};
          if (!out.changed) out.method = RewriteMethod::kNone;
          return out;
        }
      }
    } catch (const std::exception&) {
      // The heuristic answers instead; a failing hook must not fail the question.
    } catch (...) {
    }
  }
  return heuristic(question, history, today);
}

QueryRewrite QueryRewriter::heuristic(std::string_view question,
                                      std::span<const ConversationTurn> history,
                                      int32_t today) const {
  QueryRewrite unchanged{std::string(question), false, RewriteMethod::kNone, {}};
  const std::vector<QueryWord> words = split_query_words(question);
  if (words.empty()) return unchanged;

  if (const std::optional<size_t> x = fragment_start(words)) {
    if (auto out = resolve_fragment(question, words, *x, history.back(), today)) return *out;
  }

  ReferentCache referents(history, today);
  std::vector<Edit> edits;
  std::string carried;
  bool unresolved = false;  // a pronoun refers, but no turn names anything
  for (size_t i = 0; i < words.size(); ++i) {
    std::optional<PronounUse> use = pronoun_at(question, words, i);
    if (!use) continue;
    std::string antecedent;
    if (use->referent == Referent::kPerson) antecedent = referents.get(&Referents::person);
    if (use->referent == Referent::kPlace) antecedent = referents.get(&Referents::place);
    if (antecedent.empty()) antecedent = referents.get(&Referents::topic);
    if (antecedent.empty()) {
      unresolved = true;
      continue;
    }
    // "Does the Reserve tier include it?": the question already names the antecedent, so the
    // pronoun means something else.
    if (contains_folded(question, without_article(antecedent))) continue;
    size_t end = use->end;
    if (use->determiner && topic_names_noun(antecedent, words[i + 1].lower)) {
      end = words[i + 1].end;  // "that tier" -> "the Reserve tier"
    }
    std::string replacement = use->prefix + lowercase_article(antecedent) + use->suffix;
    if (words[i].sentence_start) replacement = capitalised(replacement);
    edits.push_back({words[i].begin, end, std::move(replacement)});
    if (carried.empty()) carried = antecedent;
  }
  if (edits.empty()) {
    if (!unresolved) return unchanged;
    // Give retrieval the earlier question's words instead.
    const std::vector<std::string> keywords = referents.latest_keywords();
    if (keywords.empty()) return unchanged;
    std::string joined;
    for (const std::string& k : keywords) joined += (joined.empty() ? "" : " ") + k;
    const size_t tail = content_end(question);
    edits.push_back({tail, tail, " (" + joined + ")"});
    carried = joined;
  }
  QueryRewrite out;
  out.query = apply_edits(question, std::move(edits));
  out.changed = out.query != question;
  out.method = out.changed ? RewriteMethod::kHeuristic : RewriteMethod::kNone;
  out.carried_over = out.changed ? carried : std::string();
  return out;
}

}  // namespace ragd
