// BEIR retrieval evaluation: index a BEIR corpus into its own collection (reused when the
// corpus file is unchanged), run every judged test query, and score the run as trec_eval.
// Thread-safety: one evaluation at a time per data folder (it takes the write lock).
#pragma once

#include <cstdint>
#include <string>

#include "common/status.h"
#include "eval/metrics.h"
#include "jobs/data_dir.h"
#include "retrieve/fusion.h"
#include "retrieve/query_router.h"

namespace ragd {

struct BeirEvalOptions {
  std::string split = "test";
  size_t depth = 100;    // documents retrieved per query
  std::string run_path;  // when set, the run is also written there (TREC format)
  size_t threads = 0;    // indexing threads; 0 = all cores (queries always run on one)
  SearchMode mode = SearchMode::kLexical;
  size_t candidates = 100;  // hybrid: chunks taken from each retriever before fusion
  FusionConfig fusion;      // hybrid: weights {lexical, dense}
  RouterConfig router;      // auto
};

struct BeirEvalReport {
  std::string dataset;     // folder name, e.g. "scifact"
  std::string collection;  // "beir-<dataset>"
  size_t queries = 0;
  MetricsSummary metrics;
  double latency_p50_ms = 0;
  double latency_p99_ms = 0;
  double qps = 0;            // single thread, queries / total search time
  double index_seconds = 0;  // time the collection took to build (when it was built)
  bool index_reused = false;
  uint64_t documents = 0;
  uint64_t chunks = 0;
  std::string mode = "lexical";
  std::string model;          // the embedding model (dense, hybrid, auto); "" for lexical
  std::string fusion;         // hybrid and auto: "rrf" | "weighted"
  double embed_seconds = 0;   // time spent embedding the corpus in this run
  uint64_t passages_embedded = 0;
};

Result<BeirEvalReport> run_beir_eval(const DataDir& data, const std::string& dataset_dir,
                                     const BeirEvalOptions& options);

// {"dataset","mode","model","fusion","queries","ndcg@10","recall@100","mrr@10","map@100",
//  "latency_ms":{"p50","p99"},"qps","index_seconds","embed_seconds"}: exactly these keys.
std::string beir_report_to_json(const BeirEvalReport& report);

}  // namespace ragd
