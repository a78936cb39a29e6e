// Test helpers for the lexical index: a random corpus generator and a brute-force BM25F
// reference scorer over a plain map of the live chunks (the contract, computed naively).
#pragma once

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <map>
#include <random>
#include <set>
#include <string>
#include <vector>

#include "index/lexical_index.h"

namespace ragd::testing {

class RandomCorpus {
 public:
  RandomCorpus(uint32_t seed, int vocab) : rng_(seed), vocab_(vocab) {}

  std::string term() {
    // Zipf-like: squaring a uniform variate favours small ranks.
    double u = std::uniform_real_distribution<double>(0, 1)(rng_);
    int rank = static_cast<int>(u * u * u * vocab_);
    return "t" + std::to_string(rank);
  }

  IndexDocument doc(int64_t chunk_id) {
    IndexDocument d;
    d.chunk_id = chunk_id;
    d.document_id = chunk_id / 3;
    int nt = uniform(0, 4), nb = uniform(0, 40);
    for (int i = 0; i < nt; ++i) d.title_terms.push_back(term());
    for (int i = 0; i < nb; ++i) d.body_terms.push_back(term());
    static const char* kDomains[] = {"alpha", "beta", "gamma"};
    d.domain = kDomains[uniform(0, 2)];
    static const char* kTags[] = {"red", "green", "blue"};
    for (const char* t : kTags) {
      if (uniform(0, 2) == 0) d.tags.push_back(t);
    }
    d.date_days = uniform(0, 4) == 0 ? kNoDate : uniform(18000, 19000);
    return d;
  }

  std::vector<std::string> query() {
    std::vector<std::string> q;
    int n = uniform(1, 5);
    for (int i = 0; i < n; ++i) q.push_back(term());
    if (uniform(0, 4) == 0) q.push_back(q.front());  // repeated term
    if (uniform(0, 6) == 0) q.push_back("unknown" + std::to_string(uniform(0, 9)));
    return q;
  }

  SearchFilter filter() {
    SearchFilter f;
    switch (uniform(0, 5)) {
      case 0:
        f.domains = {uniform(0, 1) ? "alpha" : "beta"};
        break;
      case 1:
        for (int i = 0; i < 5; ++i) f.document_ids.push_back(uniform(0, 300));
        break;
      case 2:
        f.tags = {"red"};
        if (uniform(0, 1)) f.tags.push_back("blue");
        break;
      case 3:
        f.date_from = uniform(18000, 18600);
        break;
      case 4:
        f.date_to = uniform(18200, 19000);
        f.domains = {"gamma", "nowhere"};
        break;
      default:
        f.date_from = 18400;
        f.date_to = 18500;
        f.tags = {"green"};
        break;
    }
    return f;
  }

  int uniform(int lo, int hi) { return std::uniform_int_distribution<int>(lo, hi)(rng_); }

 private:
  std::mt19937 rng_;
  int vocab_;
};

inline bool reference_matches(const IndexDocument& d, const SearchFilter& f) {
  if (!f.domains.empty() &&
      std::find(f.domains.begin(), f.domains.end(), d.domain) == f.domains.end()) {
    return false;
  }
  if (!f.document_ids.empty() &&
      std::find(f.document_ids.begin(), f.document_ids.end(), d.document_id) ==
          f.document_ids.end()) {
    return false;
  }
  for (const std::string& t : f.tags) {
    if (std::find(d.tags.begin(), d.tags.end(), t) == d.tags.end()) return false;
  }
  if (f.date_from || f.date_to) {
    if (d.date_days == kNoDate) return false;
    if (f.date_from && d.date_days < *f.date_from) return false;
    if (f.date_to && d.date_days > *f.date_to) return false;
  }
  return true;
}

// Scores of every live chunk with a positive score (unfiltered).
inline std::map<int64_t, double> reference_scores(const std::map<int64_t, IndexDocument>& live,
                                                  const std::vector<std::string>& query,
                                                  const Bm25Params& p) {
  std::map<int64_t, double> out;
  if (live.empty()) return out;
  double n = static_cast<double>(live.size()), sum_t = 0, sum_b = 0;
  for (const auto& [id, d] : live) {
    sum_t += static_cast<double>(d.title_terms.size());
    sum_b += static_cast<double>(d.body_terms.size());
  }
  double avg_t = sum_t / n, avg_b = sum_b / n;
  std::vector<std::string> distinct;
  std::map<std::string, int> qtf;
  for (const std::string& t : query) {
    if (t.empty()) continue;
    if (qtf[t]++ == 0) distinct.push_back(t);
  }
  for (const std::string& t : distinct) {
    double df = 0;
    for (const auto& [id, d] : live) {
      bool has = std::count(d.title_terms.begin(), d.title_terms.end(), t) ||
                 std::count(d.body_terms.begin(), d.body_terms.end(), t);
      df += has ? 1 : 0;
    }
    if (df == 0) continue;
    double idf = std::log(1 + (n - df + 0.5) / (df + 0.5));
    for (const auto& [id, d] : live) {
      double tft = static_cast<double>(std::count(d.title_terms.begin(), d.title_terms.end(), t));
      double tfb = static_cast<double>(std::count(d.body_terms.begin(), d.body_terms.end(), t));
      if (tft + tfb == 0) continue;
      double lt = static_cast<double>(d.title_terms.size());
      double lb = static_cast<double>(d.body_terms.size());
      double nt = 1 - p.b_title + p.b_title * (avg_t > 0 ? lt / avg_t : 0);
      double nb = 1 - p.b_body + p.b_body * (avg_b > 0 ? lb / avg_b : 0);
      double x = p.title_weight * tft / nt + tfb / nb;
      out[id] += idf * qtf[t] * (p.k1 + 1) * x / (p.k1 + x);
    }
  }
  return out;
}

inline std::vector<ScoredChunk> reference_search(const std::map<int64_t, IndexDocument>& live,
                                                 const std::vector<std::string>& query,
                                                 size_t k, const SearchFilter& filter,
                                                 const Bm25Params& p,
                                                 std::map<int64_t, double>* all = nullptr) {
  auto scores = reference_scores(live, query, p);
  std::vector<ScoredChunk> ranked;
  for (const auto& [id, s] : scores) {
    if (s > 0 && reference_matches(live.at(id), filter)) {
      ranked.push_back({id, static_cast<float>(s)});
    }
  }
  std::sort(ranked.begin(), ranked.end(), [](const ScoredChunk& a, const ScoredChunk& b) {
    return a.score > b.score || (a.score == b.score && a.chunk_id < b.chunk_id);
  });
  if (ranked.size() > k) ranked.resize(k);
  if (all) *all = std::move(scores);
  return ranked;
}

}  // namespace ragd::testing
