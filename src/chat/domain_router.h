// DomainRouter: sends a question to the domain it is about (its primary domain) and to the
// domains related to it, and turns that into a retrieval plan: most passages from the primary
// domain, a smaller share from related domains, the whole collection when nothing matched.
//
// Matching uses the collection's Analyzer on both the keywords and the question, so stems and
// accents match ("tastings" finds "tasting", "Rose" finds "Rosé"). A keyword phrase matches
// when its terms occur consecutively in the analysed question and scores its number of terms,
// so "wine club" (2) outweighs "wine" (1); the domain's own name is a keyword too. A phrase
// inside one of the question's entities counts half again.
//
// Thread-safety: immutable after construction; share freely. The Analyzer must outlive it.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "chat/domain_config.h"
#include "chat/query_analysis.h"
#include "text/analyzer.h"

namespace ragd {

struct RoutingOptions {
  double primary_share = 0.7;  // of k, drawn from the primary domain
  double min_score = 1.0;      // a domain scoring less is not matched
  size_t max_related = 4;      // related domains searched beside the primary
};

struct DomainMatch {
  std::string domain;
  double score = 0;
  std::vector<std::string> keywords;  // the configured keywords that matched, in config order
};

struct DomainRoute {
  std::string primary;               // empty when no domain matched
  std::vector<std::string> related;  // other matched domains first (best first), then the
                                     // primary's configured related domains
  std::vector<DomainMatch> matches;  // every matched domain, best first (ties: config order)
  bool routed() const { return !primary.empty(); }
};

// One search of the plan: `k` hits restricted to any of `domains` (empty: no restriction).
struct RetrievalShare {
  std::vector<std::string> domains;
  size_t k = 0;
};

// Shares may overlap (a whole-collection share includes the primary domain), so the caller
// merges their hits by chunk id.
struct RetrievalPlan {
  std::vector<RetrievalShare> shares;
  size_t total_k() const;
};

class DomainRouter {
 public:
  // `domains` should have passed validate_domain_configs; unknown related names are ignored.
  DomainRouter(std::vector<DomainConfig> domains, const Analyzer& analyzer,
               RoutingOptions options = {});

  DomainRoute route(std::string_view question) const;
  DomainRoute route(std::string_view question, const QueryAnalysis& analysis) const;

  // k from the primary domain: round(k * primary_share), at least 1; the rest from the related
  // domains (one share), or from the whole collection when the primary has none. Not routed:
  // one whole-collection share of k. k == 0: no shares.
  RetrievalPlan plan(const DomainRoute& route, size_t k) const;

  const std::vector<DomainConfig>& domains() const { return domains_; }

 private:
  struct Phrase {
    std::vector<std::string> terms;
    size_t keyword_index;  // into DomainConfig::keywords; SIZE_MAX for the domain name
  };
  DomainRoute route_terms(const std::vector<std::string>& terms,
                          const std::vector<std::vector<std::string>>& entity_terms) const;

  std::vector<DomainConfig> domains_;
  std::vector<std::vector<Phrase>> phrases_;  // per domain
  const Analyzer& analyzer_;
  RoutingOptions options_;
};

}  // namespace ragd
