// Retrieval metrics over a run and relevance judgements, computed exactly as trec_eval 9.0.8
// does when called through pytrec_eval (the library BEIR's evaluation uses), so that ragd's
// figures can be compared digit for digit with published BEIR numbers.
//
// Measures (trec_eval names in brackets), with relevance_level 1:
//   nDCG@10   [ndcg_cut_10]  gain = the qrels relevance value when > 0, discount
//                            1/log2(rank + 1); the ideal ranking is all judged documents
//                            with relevance > 0, highest relevance first, cut at 10.
//   Recall@100 [recall_100]  relevant retrieved in the top 100 / all relevant judged.
//   MRR@10    [recip_rank, cut at 10]  1/rank of the first relevant document if it is in the
//                            top 10, else 0. (trec_eval has no cut for recip_rank; this is
//                            BEIR's MRR@10 and equals recip_rank whenever recip_rank >= 0.1.)
//   MAP@100   [map_cut_100]  sum over relevant documents in the top 100 of precision at their
//                            rank, divided by all relevant judged.
// "Relevant" means a relevance value >= 1; 0 and negative values are judged non-relevant.
//
// Ranking, as trec_eval: a query's hits are ordered by score descending, ties broken by
// document id descending in byte order (strcmp); the order the caller gives is ignored.
//
// Which queries are averaged, as pytrec_eval (and hence BEIR):
//   - queries of the run that have no entry in the qrels are ignored;
//   - queries of the qrels that are absent from the run are ignored too (not counted as
//     0!) unless `count_missing_queries_as_zero` is set, which is trec_eval's -c flag;
//     a query present in the run with an empty hit list IS evaluated and scores 0, so a
//     caller that wants every test query counted puts every query in the run;
//   - queries whose qrels hold no relevant document are evaluated and score 0 on every
//     measure (pytrec_eval and trec_eval both do this) unless
//     `skip_queries_without_relevant` is set.
//
// Thread-safety: pure functions over their arguments; safe to call concurrently.
#pragma once

#include <cstddef>
#include <map>
#include <string>
#include <vector>

#include "common/status.h"

namespace ragd {

struct RunHit {
  std::string doc_id;
  double score = 0.0;
};

// query id -> the documents retrieved for it, in any order (they are sorted as above).
using RetrievalRun = std::map<std::string, std::vector<RunHit>>;
// query id -> document id -> graded relevance (<= 0: judged non-relevant).
using Qrels = std::map<std::string, std::map<std::string, int>>;

struct MetricsOptions {
  // trec_eval -c: average over every query of the qrels, a query absent from the run
  // scoring 0. Off by default, as in pytrec_eval/BEIR.
  bool count_missing_queries_as_zero = false;
  // Leave out queries whose qrels hold no relevant document (pytrec_eval keeps them as 0).
  bool skip_queries_without_relevant = false;
  // BEIR's EvaluateRetrieval.evaluate(ignore_identical_ids=True): drop hits whose document
  // id equals the query id before ranking (for corpora where queries are also documents).
  bool ignore_identical_ids = false;
};

struct QueryMetrics {
  std::string query_id;
  double ndcg_at_10 = 0.0;
  double recall_at_100 = 0.0;
  double mrr_at_10 = 0.0;
  double map_at_100 = 0.0;
};

struct MetricsSummary {
  size_t num_queries = 0;  // queries averaged over (size of per_query)
  double ndcg_at_10 = 0.0;
  double recall_at_100 = 0.0;
  double mrr_at_10 = 0.0;
  double map_at_100 = 0.0;
  std::vector<QueryMetrics> per_query;  // ordered by query id (byte order)
};

// Evaluates one query's hits against its judgements. Fails with kInvalidArgument when a
// score is NaN or a document id occurs twice in `hits` (trec_eval refuses duplicates too).
Result<QueryMetrics> evaluate_query(const std::string& query_id, const std::vector<RunHit>& hits,
                                    const std::map<std::string, int>& judgements,
                                    bool ignore_identical_ids = false);

// Evaluates a whole run; the summary's means are over the evaluated queries. Fails with
// kInvalidArgument on the errors of evaluate_query (naming the query) and when no query at
// all can be evaluated (most often: the run's query ids do not match the qrels').
Result<MetricsSummary> evaluate_run(const RetrievalRun& run, const Qrels& qrels,
                                    const MetricsOptions& options = {});

// The summary as JSON: {"queries": n, "ndcg@10": .., "recall@100": .., "mrr@10": ..,
// "map@100": .., "per_query": {"<qid>": {"ndcg@10": .., ...}}} ("per_query" only when
// asked). Numbers are written with round-trip precision.
std::string metrics_to_json(const MetricsSummary& summary, bool include_per_query);

}  // namespace ragd
