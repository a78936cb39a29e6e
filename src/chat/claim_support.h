// Claim support: how well one passage supports one claim (a sentence of an answer), as a
// score in [0, 1] and the part of the passage that supports it.
//
// Lexical support is the weighted share of the claim's content terms found in the best
// "unit" of the passage (one sentence, or two adjacent sentences for a claim that joins
// them): a term in the unit earns full credit, a term found only elsewhere in the passage or
// in its title/section earns `context_credit` (the passage is about it, the unit need not
// repeat it). Weights are idf when the caller has collection statistics, else 1. Exact terms
// (numbers, identifiers) must appear in the unit or the title: a unit missing one scores at
// most `missing_exact_cap`, so "opened in 2011" is not supported by "opened in 2009".
//
// Semantic support, when sentence embeddings are given, maps the cosine between claim and
// unit linearly from [semantic_floor, semantic_ceiling] to [0, 1]; the score is then
// lexical_weight * lexical + (1 - lexical_weight) * semantic, with the same exact-term cap.
//
// Pure functions; thread-safe.
#pragma once

#include <cstddef>
#include <string>
#include <unordered_set>
#include <vector>

#include "chat/passage_evidence.h"
#include "chat/term_weights.h"

namespace ragd {

struct WeightedTerm {
  std::string term;
  double weight = 1;
  bool exact = false;
  // Other ways a text may state the term, each a set of analysed terms that must all occur:
  // a number's other spellings ({"ii"} for "2"), a compound's parts ({"super", "bowl"}).
  std::vector<std::vector<std::string>> variants;

  // Whether `terms` holds the term or one of its variants.
  bool found_in(const std::unordered_set<std::string>& terms) const;
};

struct SupportConfig {
  double context_credit = 0.5;
  double missing_exact_cap = 0.2;
  double lexical_weight = 0.6;  // share of the lexical score when a semantic one exists
  double semantic_floor = 0.3;
  double semantic_ceiling = 0.8;
};

struct Support {
  double score = 0;      // in [0, 1]
  double lexical = 0;    // in [0, 1]
  double semantic = -1;  // in [0, 1]; -1 when no embeddings were given
  bool exact_missing = false;
  size_t begin = 0;  // byte range of the supporting unit in Passage::text
  size_t end = 0;
};

// The distinct content terms of `text` with their weights (idf, or 1 without `idf`; never
// below 0.05 so that a term every document holds still counts a little) and, given the
// extractor, the other spellings of numbers among them.
std::vector<WeightedTerm> weigh_terms(std::string_view text, const ContentTermExtractor& extractor,
                                      const TermIdf& idf);
std::vector<WeightedTerm> weigh_terms(const std::vector<std::string>& distinct_terms,
                                      const TermIdf& idf,
                                      const ContentTermExtractor* extractor = nullptr);

// `sentence_cosines`, when not empty, holds the cosine between the claim and each sentence
// of `evidence` (same order). A claim without content terms has support 0.
Support score_support(const std::vector<WeightedTerm>& claim, const PassageEvidence& evidence,
                      const std::vector<double>& sentence_cosines, const SupportConfig& config);

}  // namespace ragd
