// ExtractiveAnswerer: the built-in generator that needs no model. It answers from the
// retrieved passages alone by quoting their best sentences, each cited as [n].
//
// Sentence score (passages taken best first, at most `max_passages`):
//   coverage  the idf-weighted share of the question's content terms (content_terms.h) that
//             the sentence holds; a term found only in the passage's title/section or in
//             another of its sentences earns `context_credit` (the passage is about it);
//   + answer_type_bonus when the question asks for a person, date, number or place and the
//             sentence names one the question does not (answer_type.h);
//   - rank_decay per passage rank (retrieval order is evidence too).
// The best sentence leads; up to max_sentences - 1 more follow when their score reaches
// companion_ratio of the best and their own coverage passes the abstention bar. Near-
// duplicates (overlapping chunks repeat sentences) are dropped; headings and table header
// rows are never quoted; the chosen sentences keep passage order.
//
// Abstention: the answer is the explicit `abstain_text` (no citations) when no sentence
// covers at least `min_coverage` of the question's weighted content terms, i.e. when the
// passages do not mention what the question is about. With idf weights a single rare term of
// the question missing from every passage ("helicopter" in "do you offer helicopter tours")
// is enough to abstain, while missing common words are not; without idf every term weighs
// the same. Terms match in their other spellings too: numbers ("2", "II", "second") and
// compounds a passage writes as two words ("superbowl", "Super Bowl"). A question's numbers
// and identifiers must appear in the passage, and when the question asks for a date, number
// or person, the leading sentence must offer one. With an embedding function and
// min_semantic > 0 the leading candidates must also be close in meaning to the question
// (cosine), which can vouch for a lead below min_coverage (semantic_rescue: the passage says
// it in other words); a question term the collection lacks decides only when they are not
// clearly about the question (below unknown_term_semantic) or when the missing terms carry
// much of the question's weight (unknown_subject_share): a paraphrase ("sang" for
// "performed") is not a missing subject, "kosher" in "do you make kosher wines" is. An
// embedding failure leaves the lexical rules alone in charge. The coverage of the best
// sentence is reported, so callers can log or tune it.
//
// Thread-safety: answer() is const; concurrent calls are safe when the idf function is.
// The Analyzer must outlive the answerer.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "chat/answer_type.h"
#include "chat/citation_verifier.h"
#include "chat/content_terms.h"
#include "chat/passage.h"
#include "chat/term_weights.h"

namespace ragd {

struct ExtractiveAnswererConfig {
  size_t max_passages = 5;
  // Up to four sentences within 800 bytes: one short paragraph. On nq-open-oracle a fourth
  // sentence found the gold answer 3.3 points more often than three (docs/benchmarks.md).
  size_t max_sentences = 4;
  double min_coverage = 0.3;
  // Abstain when a content term of the question occurs nowhere in the collection (needs the
  // document-frequency function): the knowledge base never mentions it.
  bool abstain_on_unknown_term = true;
  double companion_min_coverage = 0.1;
  double context_credit = 0.35;
  double answer_type_bonus = 0.15;
  double rank_decay = 0.15;
  double companion_ratio = 0.0;
  // A question term holding a digit (a year, a model number, a policy id) that the passage
  // lacks caps the sentence's coverage here: the passage is about something else.
  double missing_exact_cap = 0.2;
  // Only a sentence offering the kind of thing asked for (a date for "when", a number for
  // "how many", a name for "who") may lead the answer; without one the answer abstains.
  bool require_answer_type = true;
  // With an embedding function: abstain when no leading candidate (the first
  // semantic_candidates that may lead) reaches min_semantic cosine with the question.
  // Lexical overlap says a sentence shares the question's words; the cosine says it is about
  // the same thing. 0 turns the semantic checks off. Measured with all-MiniLM-L6-v2 on
  // nq-open-oracle and the winery sets (docs/benchmarks.md, "Grounded answers").
  double min_semantic = 0.3;
  double unknown_term_semantic = 0.55;
  // ... except when the unknown terms carry this share of the question's weight or more:
  // then they are its subject, and the collection never mentions it.
  double unknown_subject_share = 0.45;
  // A lead below min_coverage still answers when its cosine with the question reaches this:
  // the passage says it in other words.
  double semantic_rescue = 0.6;
  size_t semantic_candidates = 3;
  double duplicate_overlap = 0.7;  // term overlap (of the smaller set) that makes a duplicate
  size_t max_answer_bytes = 800;  // further sentences are not added beyond this
  std::string abstain_text = "The knowledge base does not say.";
};

struct ExtractedSentence {
  int passage_number = 0;
  size_t begin = 0;  // byte range in that Passage::text
  size_t end = 0;
  double coverage = 0;
  double score = 0;
};

struct ExtractiveAnswer {
  std::string text;
  bool abstained = false;
  std::vector<ExtractedSentence> sentences;  // as quoted, in answer order
  double coverage = 0;          // of the best sentence (0 when none)
  double passage_coverage = 0;  // of the best passage, every term found earning full credit
  AnswerType answer_type = AnswerType::kUnknown;
  std::string unknown_term;  // the question term the collection lacks, when that decided
  double semantic = -1;      // best question-sentence cosine of the leading candidates (-1: none)
};

class ExtractiveAnswerer {
 public:
  ExtractiveAnswerer(const Analyzer& analyzer, ExtractiveAnswererConfig config = {},
                     TermIdf idf = {}, TermDocumentFrequency document_frequency = {},
                     EmbedTexts embed = {});
  ExtractiveAnswerer(const ExtractiveAnswerer&) = delete;
  ExtractiveAnswerer& operator=(const ExtractiveAnswerer&) = delete;

  ExtractiveAnswer answer(std::string_view question, const std::vector<Passage>& passages) const;
  // With the question's analysed terms already at hand (function words are dropped here).
  ExtractiveAnswer answer(std::string_view question, const std::vector<std::string>& query_terms,
                          const std::vector<Passage>& passages) const;

  const ExtractiveAnswererConfig& config() const { return config_; }

 private:
  ContentTermExtractor extractor_;
  ExtractiveAnswererConfig config_;
  TermIdf idf_;
  TermDocumentFrequency document_frequency_;
  EmbedTexts embed_;
};

}  // namespace ragd
