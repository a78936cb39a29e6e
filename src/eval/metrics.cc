#include "eval/metrics.h"

#include <algorithm>
#include <cmath>
#include <nlohmann/json.hpp>
#include <utility>

namespace ragd {
namespace {

constexpr size_t kNdcgCut = 10;
constexpr size_t kRecallCut = 100;
constexpr size_t kMrrCut = 10;
constexpr size_t kMapCut = 100;
// trec_eval's relevance_level: the lowest relevance value that counts as relevant.
constexpr int kRelevanceLevel = 1;

// trec_eval's comp_sim_docno: score descending, then document id descending (strcmp order,
// which std::string::compare reproduces: both compare bytes as unsigned char).
bool ranks_before(const RunHit* a, const RunHit* b) {
  if (a->score != b->score) return a->score > b->score;
  return a->doc_id > b->doc_id;
}

// trec_eval's discount for 0-based position i (m_ndcg_cut.c, 9.0.8): gain / log2(i + 2).
double discounted(double gain, size_t i) {
  return gain / std::log2(static_cast<double>(i + 2));
}

double ideal_dcg(const std::map<std::string, int>& judgements) {
  std::vector<int> gains;
  for (const auto& [doc, rel] : judgements) {
    if (rel > 0) gains.push_back(rel);
  }
  std::sort(gains.begin(), gains.end(), std::greater<int>());
  double sum = 0.0;
  for (size_t i = 0; i < gains.size() && i < kNdcgCut; ++i) sum += discounted(gains[i], i);
  return sum;
}

size_t count_relevant(const std::map<std::string, int>& judgements) {
  size_t n = 0;
  for (const auto& [doc, rel] : judgements) {
    if (rel >= kRelevanceLevel) ++n;
  }
  return n;
}

bool has_relevant(const std::map<std::string, int>& judgements) {
  return count_relevant(judgements) > 0;
}

}  // namespace

Result<QueryMetrics> evaluate_query(const std::string& query_id, const std::vector<RunHit>& hits,
                                    const std::map<std::string, int>& judgements,
                                    bool ignore_identical_ids) {
  std::vector<const RunHit*> ranked;
  ranked.reserve(hits.size());
  for (const RunHit& hit : hits) {
    if (std::isnan(hit.score)) {
      return Status::invalid("query '" + query_id + "': document '" + hit.doc_id +
                             "' has a NaN score; every hit needs a comparable score");
    }
    if (ignore_identical_ids && hit.doc_id == query_id) continue;
    ranked.push_back(&hit);
  }

  // Duplicates make the ranking ambiguous; trec_eval refuses them, and so do we.
  std::vector<const RunHit*> by_id = ranked;
  std::sort(by_id.begin(), by_id.end(),
            [](const RunHit* a, const RunHit* b) { return a->doc_id < b->doc_id; });
  for (size_t i = 1; i < by_id.size(); ++i) {
    if (by_id[i]->doc_id == by_id[i - 1]->doc_id) {
      return Status::invalid("query '" + query_id + "': document '" + by_id[i]->doc_id +
                             "' is retrieved twice; keep one hit per document (for chunk hits, "
                             "the best-scoring chunk of each document)");
    }
  }

  const size_t cut = std::max(std::max(kNdcgCut, kRecallCut), std::max(kMrrCut, kMapCut));
  const size_t depth = std::min(cut, ranked.size());
  std::partial_sort(ranked.begin(), ranked.begin() + static_cast<std::ptrdiff_t>(depth),
                    ranked.end(), ranks_before);

  QueryMetrics m;
  m.query_id = query_id;
  const size_t num_relevant = count_relevant(judgements);
  double dcg = 0.0;
  double precision_sum = 0.0;
  size_t relevant_so_far = 0;
  for (size_t i = 0; i < depth; ++i) {
    auto it = judgements.find(ranked[i]->doc_id);
    const int rel = it == judgements.end() ? 0 : it->second;
    if (i < kNdcgCut && rel > 0) dcg += discounted(rel, i);
    if (rel < kRelevanceLevel) continue;
    ++relevant_so_far;
    if (i < kMrrCut && m.mrr_at_10 == 0.0) m.mrr_at_10 = 1.0 / static_cast<double>(i + 1);
    if (i < kMapCut) {
      precision_sum += static_cast<double>(relevant_so_far) / static_cast<double>(i + 1);
    }
    if (i < kRecallCut) m.recall_at_100 = static_cast<double>(relevant_so_far);
  }
  if (num_relevant > 0) {
    m.recall_at_100 /= static_cast<double>(num_relevant);
    m.map_at_100 = precision_sum / static_cast<double>(num_relevant);
  } else {
    m.recall_at_100 = 0.0;
  }
  const double ideal = ideal_dcg(judgements);
  m.ndcg_at_10 = ideal > 0.0 ? dcg / ideal : 0.0;
  return m;
}

Result<MetricsSummary> evaluate_run(const RetrievalRun& run, const Qrels& qrels,
                                    const MetricsOptions& options) {
  static const std::vector<RunHit> kNoHits;
  MetricsSummary summary;
  for (const auto& [query_id, judgements] : qrels) {
    if (options.skip_queries_without_relevant && !has_relevant(judgements)) continue;
    auto hits = run.find(query_id);
    if (hits == run.end() && !options.count_missing_queries_as_zero) continue;
    Result<QueryMetrics> m = evaluate_query(query_id, hits == run.end() ? kNoHits : hits->second,
                                            judgements, options.ignore_identical_ids);
    if (!m.is_ok()) return m.status();
    summary.per_query.push_back(std::move(m).value());
  }
  if (summary.per_query.empty()) {
    return Status::invalid("no query could be evaluated: the run has " +
                           std::to_string(run.size()) + " queries and the qrels " +
                           std::to_string(qrels.size()) +
                           ", with no query id in common (check that both files come from the "
                           "same dataset and split)");
  }
  for (const QueryMetrics& m : summary.per_query) {
    summary.ndcg_at_10 += m.ndcg_at_10;
    summary.recall_at_100 += m.recall_at_100;
    summary.mrr_at_10 += m.mrr_at_10;
    summary.map_at_100 += m.map_at_100;
  }
  summary.num_queries = summary.per_query.size();
  const double n = static_cast<double>(summary.num_queries);
  summary.ndcg_at_10 /= n;
  summary.recall_at_100 /= n;
  summary.mrr_at_10 /= n;
  summary.map_at_100 /= n;
  return summary;
}

std::string metrics_to_json(const MetricsSummary& summary, bool include_per_query) {
  auto measures = [](nlohmann::ordered_json& out, double ndcg, double recall, double mrr,
                     double map) {
    out["ndcg@10"] = ndcg;
    out["recall@100"] = recall;
    out["mrr@10"] = mrr;
    out["map@100"] = map;
  };
  nlohmann::ordered_json out;
  out["queries"] = summary.num_queries;
  measures(out, summary.ndcg_at_10, summary.recall_at_100, summary.mrr_at_10, summary.map_at_100);
  if (include_per_query) {
    nlohmann::ordered_json per_query = nlohmann::ordered_json::object();
    for (const QueryMetrics& m : summary.per_query) {
      nlohmann::ordered_json q;
      measures(q, m.ndcg_at_10, m.recall_at_100, m.mrr_at_10, m.map_at_100);
      per_query[m.query_id] = std::move(q);
    }
    out["per_query"] = std::move(per_query);
  }
  // Query ids come from files and may hold invalid UTF-8; replace rather than throw.
  return out.dump(-1, ' ', false, nlohmann::ordered_json::error_handler_t::replace);
}

}  // namespace ragd
