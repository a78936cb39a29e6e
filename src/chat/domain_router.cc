// Domain routing (contract in domain_router.h).
#include "chat/domain_router.h"

#include <algorithm>
#include <cmath>
#include <cstdint>

namespace ragd {
namespace {

constexpr size_t kMaxQuestionBytes = 16384;
constexpr double kEntityBonus = 0.5;

bool contains_sequence(const std::vector<std::string>& haystack,
                       const std::vector<std::string>& needle) {
  if (needle.empty() || needle.size() > haystack.size()) return false;
  return std::search(haystack.begin(), haystack.end(), needle.begin(), needle.end()) !=
         haystack.end();
}

}  // namespace

size_t RetrievalPlan::total_k() const {
  size_t total = 0;
  for (const RetrievalShare& s : shares) total += s.k;
  return total;
}

DomainRouter::DomainRouter(std::vector<DomainConfig> domains, const Analyzer& analyzer,
                           RoutingOptions options)
    : domains_(std::move(domains)), analyzer_(analyzer), options_(options) {
  phrases_.resize(domains_.size());
  for (size_t d = 0; d < domains_.size(); ++d) {
    Phrase name{{}, SIZE_MAX};
    analyzer_.analyze(domains_[d].name, name.terms);
    if (!name.terms.empty()) phrases_[d].push_back(std::move(name));
    for (size_t k = 0; k < domains_[d].keywords.size(); ++k) {
      Phrase phrase{{}, k};
      analyzer_.analyze(domains_[d].keywords[k], phrase.terms);
      if (phrase.terms.empty()) continue;  // only stopwords
      // Keywords that analyse alike ("ticket", "tickets"; the name itself) count once.
      const bool seen = std::any_of(phrases_[d].begin(), phrases_[d].end(),
                                    [&](const Phrase& p) { return p.terms == phrase.terms; });
      if (!seen) phrases_[d].push_back(std::move(phrase));
    }
  }
}

DomainRoute DomainRouter::route(std::string_view question) const {
  std::vector<std::string> terms;
  analyzer_.analyze(question.substr(0, kMaxQuestionBytes), terms);
  return route_terms(terms, {});
}

DomainRoute DomainRouter::route(std::string_view question, const QueryAnalysis& analysis) const {
  std::vector<std::string> terms;
  analyzer_.analyze(question.substr(0, kMaxQuestionBytes), terms);
  std::vector<std::vector<std::string>> entity_terms;
  for (const Entity& e : analysis.entities) {
    std::vector<std::string> t;
    analyzer_.analyze(e.text, t);
    if (!t.empty()) entity_terms.push_back(std::move(t));
  }
  return route_terms(terms, entity_terms);
}

DomainRoute DomainRouter::route_terms(
    const std::vector<std::string>& terms,
    const std::vector<std::vector<std::string>>& entity_terms) const {
  DomainRoute route;
  for (size_t d = 0; d < domains_.size(); ++d) {
    DomainMatch match;
    match.domain = domains_[d].name;
    // A keyword that is a sub-phrase of a longer matched keyword still counts: "tasting" and
    // "reserve tasting" both say the question is about visiting.
    for (const Phrase& phrase : phrases_[d]) {
      if (!contains_sequence(terms, phrase.terms)) continue;
      double weight = static_cast<double>(phrase.terms.size());
      for (const auto& entity : entity_terms) {
        if (contains_sequence(entity, phrase.terms)) {
          weight *= 1 + kEntityBonus;
          break;
        }
      }
      match.score += weight;
      if (phrase.keyword_index != SIZE_MAX) {
        match.keywords.push_back(domains_[d].keywords[phrase.keyword_index]);
      }
    }
    if (match.score >= options_.min_score && match.score > 0) {
      route.matches.push_back(std::move(match));
    }
  }
  std::stable_sort(route.matches.begin(), route.matches.end(),
                   [](const DomainMatch& a, const DomainMatch& b) { return a.score > b.score; });
  if (route.matches.empty()) return route;

  route.primary = route.matches.front().domain;
  auto add_related = [&](const std::string& name) {
    if (route.related.size() >= options_.max_related || name == route.primary) return;
    if (std::find(route.related.begin(), route.related.end(), name) != route.related.end()) {
      return;
    }
    route.related.push_back(name);
  };
  for (size_t i = 1; i < route.matches.size(); ++i) add_related(route.matches[i].domain);
  for (const DomainConfig& d : domains_) {
    if (d.name != route.primary) continue;
    for (const std::string& r : d.related) {
      const bool declared = std::any_of(domains_.begin(), domains_.end(),
                                        [&](const DomainConfig& c) { return c.name == r; });
      if (declared) add_related(r);
    }
  }
  return route;
}

RetrievalPlan DomainRouter::plan(const DomainRoute& route, size_t k) const {
  RetrievalPlan plan;
  if (k == 0) return plan;
  if (!route.routed()) {
    plan.shares.push_back({{}, k});
    return plan;
  }
  const double share = std::clamp(options_.primary_share, 0.0, 1.0);
  size_t primary_k = static_cast<size_t>(std::llround(static_cast<double>(k) * share));
  primary_k = std::clamp<size_t>(primary_k, 1, k);
  plan.shares.push_back({{route.primary}, primary_k});
  const size_t rest = k - primary_k;
  if (rest > 0) plan.shares.push_back({route.related, rest});
  return plan;
}

}  // namespace ragd
