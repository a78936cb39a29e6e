#include "chat/extractive_answerer.h"

#include <algorithm>
#include <cmath>

#include "chat/citation_parser.h"
#include "chat/claim_support.h"
#include "chat/compound_words.h"
#include "chat/passage_evidence.h"

namespace ragd {
namespace {

struct Candidate {
  size_t passage = 0;  // index into the considered passages (= rank)
  size_t sentence = 0;
  double coverage = 0;
  double score = 0;
  bool typed = false;  // offers the kind of answer the question asks for
};

bool is_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

bool ends_sentence(std::string_view s) {
  while (!s.empty() && (s.back() == '"' || s.back() == '\'' || s.back() == ')')) s.remove_suffix(1);
  return !s.empty() && (s.back() == '.' || s.back() == '!' || s.back() == '?' || s.back() == ':' ||
                        s.back() == ';');
}

// Headings, table header rows and questions (FAQ headings): they label evidence but say
// nothing on their own.
bool is_label(std::string_view s, size_t term_count) {
  if (!s.empty() && s.back() == '?') return true;
  if (ends_sentence(s)) return false;
  const bool table_row = s.find('|') != std::string_view::npos;
  const bool digits =
      std::any_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
  if (table_row) return !digits;
  size_t words = 0;
  bool in_word = false;
  for (char c : s) {
    const bool word_char = !is_space(c);
    if (word_char && !in_word) ++words;
    in_word = word_char;
  }
  return words <= 8 || term_count < 2;
}

// The sentence as it will be quoted: no citation markers of its own (a quoted "[2]" would be
// read as a citation), no list bullet or heading hashes, whitespace collapsed.
std::string clean_quote(std::string_view s) {
  std::string stripped = strip_citation_markers(s);
  std::string_view v = stripped;
  while (!v.empty() && (v.front() == '-' || v.front() == '*' || v.front() == '#' ||
                        v.front() == '>' || is_space(v.front()))) {
    v.remove_prefix(1);
  }
  if (v.starts_with("\u2022")) v.remove_prefix(3);  // •
  std::string out;
  bool space = false;
  for (char c : v) {
    if (is_space(c)) {
      space = !out.empty();
      continue;
    }
    if (space) out.push_back(' ');
    space = false;
    out.push_back(c);
  }
  return out;
}

// "text." -> "text [n]."; text without a final stop gets " [n]." appended.
std::string cite(std::string quote, int number) {
  const std::string marker = " [" + std::to_string(number) + "]";
  if (!quote.empty() && (quote.back() == '.' || quote.back() == '!' || quote.back() == '?')) {
    const char stop = quote.back();
    quote.pop_back();
    while (!quote.empty() && is_space(quote.back())) quote.pop_back();
    return quote + marker + stop;
  }
  return quote + marker + ".";
}

double overlap(const EvidenceSentence& a, const EvidenceSentence& b) {
  const auto& small = a.terms.size() <= b.terms.size() ? a.terms : b.terms;
  const auto& large = a.terms.size() <= b.terms.size() ? b.terms : a.terms;
  if (small.empty()) return 1.0;
  size_t shared = 0;
  for (const std::string& t : small) shared += large.count(t);
  return static_cast<double>(shared) / static_cast<double>(small.size());
}

double cosine(const std::vector<float>& a, const std::vector<float>& b) {
  if (a.size() != b.size() || a.empty()) return 0;
  double dot = 0, na = 0, nb = 0;
  for (size_t i = 0; i < a.size(); ++i) {
    dot += static_cast<double>(a[i]) * b[i];
    na += static_cast<double>(a[i]) * a[i];
    nb += static_cast<double>(b[i]) * b[i];
  }
  return na > 0 && nb > 0 ? dot / std::sqrt(na * nb) : 0;
}

// Whether one of the first `count` passages writes the two `parts` as adjacent words.
bool written_apart(const std::vector<std::string>& parts, const std::vector<Passage>& passages,
                   size_t count, const ContentTermExtractor& extractor) {
  std::vector<ContentTerm> terms;
  for (size_t p = 0; p < count; ++p) {
    for (std::string_view text : {std::string_view(passages[p].title), std::string_view(passages[p].text)}) {
      terms.clear();
      extractor.extract(text, terms);
      for (size_t i = 0; i + 1 < terms.size(); ++i) {
        if (terms[i].term == parts[0] && terms[i + 1].term == parts[1]) return true;
      }
    }
  }
  return false;
}

}  // namespace

ExtractiveAnswerer::ExtractiveAnswerer(const Analyzer& analyzer, ExtractiveAnswererConfig config,
                                       TermIdf idf, TermDocumentFrequency document_frequency,
                                       EmbedTexts embed)
    : extractor_(analyzer),
      config_(std::move(config)),
      idf_(std::move(idf)),
      document_frequency_(std::move(document_frequency)),
      embed_(std::move(embed)) {}

ExtractiveAnswer ExtractiveAnswerer::answer(std::string_view question,
                                            const std::vector<Passage>& passages) const {
  return answer(question, {}, passages);
}

ExtractiveAnswer ExtractiveAnswerer::answer(std::string_view question,
                                            const std::vector<std::string>& query_terms,
                                            const std::vector<Passage>& passages) const {
  ExtractiveAnswer out;
  out.answer_type = detect_answer_type(question);
  std::vector<WeightedTerm> terms =
      weigh_terms(query_terms.empty() ? extractor_.distinct_terms(question)
                                      : extractor_.filter(query_terms),
                  idf_, &extractor_);
  double total = 0;
  for (const WeightedTerm& t : terms) total += t.weight;

  const size_t considered = std::min(passages.size(), config_.max_passages);
  std::vector<PassageEvidence> evidence;
  evidence.reserve(considered);
  for (size_t p = 0; p < considered; ++p) {
    evidence.push_back(PassageEvidence::build(passages[p], extractor_));
  }

  // A term the collection lacks may be two words a passage writes side by side
  // ("superbowl" for "Super Bowl"); the pair then stands in for it.
  if (document_frequency_) {
    for (WeightedTerm& t : terms) {
      if (t.exact || document_frequency_(t.term) != 0) continue;
      std::vector<std::string> parts =
          split_compound(t.term, extractor_.analyzer(), document_frequency_);
      if (!parts.empty() && written_apart(parts, passages, considered, extractor_)) {
        t.variants.push_back(std::move(parts));
      }
    }
  }

  std::vector<Candidate> candidates;
  if (total > 0) {
    const std::unordered_set<std::string> question_words = surface_words(question);
    for (size_t p = 0; p < considered; ++p) {
      const PassageEvidence& e = evidence[p];
      // Per term: whether the passage (any sentence, its title or section) holds it. A
      // sentence's terms are among the passage's, so this also decides a missing number.
      std::vector<char> in_passage(terms.size());
      double found = 0;
      for (size_t i = 0; i < terms.size(); ++i) {
        in_passage[i] = terms[i].found_in(e.all_terms) || terms[i].found_in(e.title_terms);
        if (in_passage[i]) found += terms[i].weight;
      }
      out.passage_coverage = std::max(out.passage_coverage, found / total);
      for (size_t s = 0; s < e.sentences.size(); ++s) {
        const EvidenceSentence& sentence = e.sentences[s];
        const std::string_view text = e.text(sentence);
        if (is_label(text, sentence.term_count)) continue;
        double covered = 0;
        bool exact_missing = false;
        for (size_t i = 0; i < terms.size(); ++i) {
          const WeightedTerm& t = terms[i];
          if (t.exact && !in_passage[i]) exact_missing = true;
          if (t.found_in(sentence.terms)) {
            covered += t.weight;
          } else if (in_passage[i]) {
            covered += config_.context_credit * t.weight;
          }
        }
        Candidate c;
        c.passage = p;
        c.sentence = s;
        c.coverage = covered / total;
        if (exact_missing) c.coverage = std::min(c.coverage, config_.missing_exact_cap);
        c.score = c.coverage - config_.rank_decay * static_cast<double>(p);
        c.typed = has_answer_candidate(out.answer_type, text, question_words);
        candidates.push_back(c);
      }
    }
  }
  std::stable_sort(candidates.begin(), candidates.end(),
                   [](const Candidate& a, const Candidate& b) { return a.score > b.score; });
  if (!candidates.empty()) {
    out.coverage = std::max_element(candidates.begin(), candidates.end(),
                                    [](const Candidate& a, const Candidate& b) {
                                      return a.coverage < b.coverage;
                                    })
                       ->coverage;
  }
  const bool type_required = config_.require_answer_type &&
                             out.answer_type != AnswerType::kUnknown &&
                             out.answer_type != AnswerType::kPlace;
  // A sentence may lead when it offers the kind of answer asked for.
  auto may_lead = [&](const Candidate& c) { return c.typed || !type_required; };
  std::stable_partition(candidates.begin(), candidates.end(), may_lead);
  const bool lead_missing = !candidates.empty() && !may_lead(candidates.front());
  double unknown_weight = 0;  // of the question's terms the collection lacks
  if (config_.abstain_on_unknown_term && document_frequency_) {
    auto known = [&](const std::string& term) { return document_frequency_(term) != 0; };
    for (const WeightedTerm& t : terms) {
      const bool variant_known =
          std::any_of(t.variants.begin(), t.variants.end(), [&](const auto& parts) {
            return std::all_of(parts.begin(), parts.end(), known);
          });
      if (!known(t.term) && !variant_known) {
        if (out.unknown_term.empty()) out.unknown_term = t.term;
        unknown_weight += t.weight;
      }
    }
  }
  const bool lexically_weak = candidates.empty() || out.coverage < config_.min_coverage ||
                              candidates.front().coverage < config_.min_coverage;
  bool abstain = candidates.empty() || lead_missing;
  bool unknown_decides = !out.unknown_term.empty();
  if (!abstain && embed_ && config_.min_semantic > 0) {
    std::vector<std::string> texts{std::string(question)};
    for (const Candidate& c : candidates) {
      if (texts.size() > config_.semantic_candidates || !may_lead(c) ||
          (!lexically_weak && c.coverage < config_.min_coverage)) {
        break;
      }
      const PassageEvidence& e = evidence[c.passage];
      texts.push_back(clean_quote(e.text(e.sentences[c.sentence])));
    }
    auto vectors = embed_(texts);
    if (vectors.is_ok() && vectors->size() == texts.size()) {
      for (size_t i = 1; i < vectors->size(); ++i) {
        out.semantic = std::max(out.semantic, cosine((*vectors)[0], (*vectors)[i]));
      }
      if (out.semantic < config_.min_semantic) abstain = true;
      // Few shared words but the same meaning: a paraphrase, not a different subject.
      if (lexically_weak && out.semantic < config_.semantic_rescue) abstain = true;
      // A term the collection lacks does not decide when the sentences clearly mean the
      // question (a paraphrase), unless the missing terms are what it is about ("kosher" in
      // "do you make any kosher wines"): no cosine vouches for an unmentioned subject.
      if (out.semantic >= config_.unknown_term_semantic &&
          unknown_weight < config_.unknown_subject_share * total) {
        unknown_decides = false;
      }
    } else if (lexically_weak) {
      abstain = true;
    }
  } else if (lexically_weak) {
    abstain = true;
  }
  if (unknown_decides) abstain = true;
  if (!abstain) out.unknown_term.clear();
  if (abstain) {
    out.abstained = true;
    out.text = config_.abstain_text;
    return out;
  }

  std::vector<Candidate> chosen;
  size_t bytes = 0;
  const double bar = candidates.front().score * config_.companion_ratio;
  for (const Candidate& c : candidates) {
    if (chosen.size() >= config_.max_sentences) break;
    if (!chosen.empty() && (c.score < bar || c.coverage < config_.companion_min_coverage)) {
      continue;
    }
    const EvidenceSentence& sentence = evidence[c.passage].sentences[c.sentence];
    const size_t size = sentence.end - sentence.begin;
    if (!chosen.empty() && bytes + size > config_.max_answer_bytes) continue;
    const bool duplicate = std::any_of(chosen.begin(), chosen.end(), [&](const Candidate& d) {
      return overlap(sentence, evidence[d.passage].sentences[d.sentence]) >=
             config_.duplicate_overlap;
    });
    if (duplicate) continue;
    chosen.push_back(c);
    bytes += size;
  }
  std::sort(chosen.begin(), chosen.end(), [](const Candidate& a, const Candidate& b) {
    return a.passage != b.passage ? a.passage < b.passage : a.sentence < b.sentence;
  });

  for (const Candidate& c : chosen) {
    const PassageEvidence& e = evidence[c.passage];
    const EvidenceSentence& sentence = e.sentences[c.sentence];
    std::string quote = clean_quote(e.text(sentence));
    if (quote.empty()) continue;
    const int number = passages[c.passage].number;
    if (!out.text.empty()) {
      // A lower-case start would not begin a new sentence for the citation parser.
      const auto first = static_cast<unsigned char>(quote[0]);
      out.text += (first >= 'a' && first <= 'z') ? "\n" : " ";
    }
    out.text += cite(std::move(quote), number);
    out.sentences.push_back({number, sentence.begin, sentence.end, c.coverage, c.score});
  }
  if (out.sentences.empty()) {
    out.abstained = true;
    out.text = config_.abstain_text;
  }
  return out;
}

}  // namespace ragd
