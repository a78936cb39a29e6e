// Answer-level metrics for question answering with citations.
//
//   answer recall       a gold answer appears in the answer, both normalised as SQuAD does
//                       (Unicode case fold, accents stripped, punctuation removed, the
//                       articles a/an/the dropped, whitespace collapsed), matched on whole
//                       words. Over answerable questions; an abstention scores 0.
//   citation precision  of an answer's citations, the share that support their sentence;
//                       averaged over answers that cite anything (as ALCE does).
//   citation recall     of an answer's sentences, the share carrying at least one supporting
//                       citation; averaged over answers that are not abstentions.
//   abstain rate        answers that say the knowledge base does not say, over all questions.
//   latency             p50/p99 by nearest rank, as the retrieval evaluation reports them.
//
// Pure functions; thread-safe.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "chat/citation_verifier.h"
#include "eval/qa_dataset.h"

namespace ragd {

// What an answer function returns for one question.
struct QaAnswer {
  std::string text;
  bool abstained = false;
  struct Sentence {
    size_t citations = 0;  // valid and invalid citations the generator gave it
    size_t supported = 0;  // of those, the ones that support it
  };
  std::vector<Sentence> sentences;
};

// Citation counts per sentence from a verification: every citation the generator made,
// those naming no passage counting as unsupported.
QaAnswer qa_answer_from_verified(const VerifiedAnswer& verified, bool abstained);

std::string normalize_answer(std::string_view text);
bool answer_contains_gold(std::string_view answer, const std::vector<std::string>& gold);

struct QaScore {
  bool answered = false;  // a gold answer appears (answerable questions only)
  bool abstained = false;
  double citation_precision = -1;  // -1: no citations to judge
  double citation_recall = -1;     // -1: abstained or no sentences
};

QaScore score_qa_answer(const QaQuestion& question, const QaAnswer& answer);

// Nearest-rank percentile (p in (0, 100]); 0 for no values.
double nearest_rank_percentile(std::vector<double> values, double p);

}  // namespace ragd
