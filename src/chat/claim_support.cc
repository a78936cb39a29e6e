#include "chat/claim_support.h"

#include <algorithm>
#include <unordered_set>

namespace ragd {
namespace {

constexpr double kMinWeight = 0.05;

double semantic_score(double cosine, const SupportConfig& config) {
  const double span = config.semantic_ceiling - config.semantic_floor;
  if (span <= 0) return cosine >= config.semantic_ceiling ? 1.0 : 0.0;
  return std::clamp((cosine - config.semantic_floor) / span, 0.0, 1.0);
}

}  // namespace

bool WeightedTerm::found_in(const std::unordered_set<std::string>& terms) const {
  if (terms.count(term)) return true;
  return std::any_of(variants.begin(), variants.end(), [&](const std::vector<std::string>& v) {
    return !v.empty() && std::all_of(v.begin(), v.end(),
                                     [&](const std::string& part) { return terms.count(part) > 0; });
  });
}

std::vector<WeightedTerm> weigh_terms(const std::vector<std::string>& distinct_terms,
                                      const TermIdf& idf, const ContentTermExtractor* extractor) {
  std::vector<WeightedTerm> out;
  out.reserve(distinct_terms.size());
  for (const std::string& term : distinct_terms) {
    double weight = idf ? idf(term) : 1.0;
    if (!(weight >= kMinWeight)) weight = kMinWeight;  // also catches NaN
    WeightedTerm weighted{term, weight, ContentTermExtractor::is_exact(term), {}};
    if (extractor) {
      for (const std::string& spelling : extractor->numbers().others(term)) {
        weighted.variants.push_back({spelling});
      }
    }
    out.push_back(std::move(weighted));
  }
  return out;
}

std::vector<WeightedTerm> weigh_terms(std::string_view text, const ContentTermExtractor& extractor,
                                      const TermIdf& idf) {
  return weigh_terms(extractor.distinct_terms(text), idf, &extractor);
}

Support score_support(const std::vector<WeightedTerm>& claim, const PassageEvidence& evidence,
                      const std::vector<double>& sentence_cosines, const SupportConfig& config) {
  Support best;
  double total = 0;
  for (const WeightedTerm& term : claim) total += term.weight;
  if (claim.empty() || total <= 0 || evidence.sentences.empty()) return best;
  const bool semantic = sentence_cosines.size() == evidence.sentences.size();
  best.score = -1;
  const size_t n = evidence.sentences.size();
  // Single sentences first; a pair replaces the best single only when it scores higher:
  // shorter spans point the reader at the evidence more precisely.
  for (size_t width = 0; width < 2; ++width) {
    for (size_t first = 0; first + width < n; ++first) {
      const size_t last = first + width;
      double covered = 0;
      bool exact_missing = false;
      for (const WeightedTerm& term : claim) {
        const bool in_unit = term.found_in(evidence.sentences[first].terms) ||
                             (last != first && term.found_in(evidence.sentences[last].terms));
        if (in_unit) {
          covered += term.weight;
          continue;
        }
        const bool in_title = term.found_in(evidence.title_terms);
        if (term.exact && !in_title) exact_missing = true;
        if (in_title || term.found_in(evidence.all_terms)) {
          covered += config.context_credit * term.weight;
        }
      }
      Support unit;
      unit.lexical = std::clamp(covered / total, 0.0, 1.0);
      unit.score = unit.lexical;
      if (semantic) {
        double cosine = sentence_cosines[first];
        if (last != first) cosine = std::max(cosine, sentence_cosines[last]);
        unit.semantic = semantic_score(cosine, config);
        unit.score = config.lexical_weight * unit.lexical +
                     (1 - config.lexical_weight) * unit.semantic;
      }
      unit.exact_missing = exact_missing;
      if (exact_missing) unit.score = std::min(unit.score, config.missing_exact_cap);
      unit.score = std::clamp(unit.score, 0.0, 1.0);
      unit.begin = evidence.sentences[first].begin;
      unit.end = evidence.sentences[last].end;
      if (unit.score > best.score + (width > 0 ? 1e-9 : 0.0)) best = unit;
    }
  }
  return best;
}

}  // namespace ragd
