#include "eval/beir_eval.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <unordered_map>
#include <unordered_set>

#include "eval/beir_dataset.h"
#include "jobs/collection_handle.h"
#include "jobs/ingest_job.h"

namespace ragd {
namespace {

using Clock = std::chrono::steady_clock;

double percentile(std::vector<double> values, double p) {
  if (values.empty()) return 0;
  std::sort(values.begin(), values.end());
  // Nearest-rank percentile.
  size_t rank = static_cast<size_t>(std::ceil(p / 100.0 * static_cast<double>(values.size())));
  return values[std::clamp<size_t>(rank, 1, values.size()) - 1];
}

Result<std::string> find_corpus(const std::string& dir) {
  for (const char* name : {"corpus.jsonl", "corpus.jsonl.gz"}) {
    std::string path = dir + "/" + name;
    if (std::filesystem::is_regular_file(path)) return path;
  }
  return Status::not_found("no corpus.jsonl or corpus.jsonl.gz in '" + dir +
                           "'; expected a BEIR dataset folder (corpus.jsonl, queries.jsonl, "
                           "qrels/test.tsv)");
}

}  // namespace

Result<BeirEvalReport> run_beir_eval(const DataDir& data, const std::string& dataset_dir,
                                     const BeirEvalOptions& options) {
  BeirEvalReport report;
  std::string dir = std::filesystem::path(dataset_dir).lexically_normal().string();
  while (dir.size() > 1 && dir.back() == '/') dir.pop_back();
  report.dataset = std::filesystem::path(dir).filename().string();
  report.collection = "beir-" + report.dataset;
  auto corpus = find_corpus(dir);
  if (!corpus.is_ok()) return corpus.status();
  auto dataset = load_beir_dataset(dir, options.split);
  if (!dataset.is_ok()) return dataset.status();

  auto handle = open_collection(data, report.collection, OpenMode::kWriteOrCreate);
  if (!handle.is_ok()) return handle.status();
  Store& store = *handle->store;
  const std::string timing_key = "eval-index-seconds:" + std::to_string(handle->collection.id);
  {
    IngestOptions ingest;
    ingest.collection = report.collection;
    ingest.threads = options.threads;
    IngestJob job(store, *handle->index, *handle->analyzer, ingest);
    auto summary = job.run({*corpus}, nullptr);
    if (!summary.is_ok()) return summary.status();
    report.index_reused = summary->files_skipped_unchanged == 1;
    if (report.index_reused) {
      auto saved = store.get_state(timing_key);
      if (saved.is_ok() && *saved) report.index_seconds = std::stod(**saved);
    } else {
      report.index_seconds = summary->seconds;
      RAGD_RETURN_IF_ERROR(store.set_state(timing_key, nlohmann::json(summary->seconds).dump()));
    }
  }

  // chunk id -> corpus document id, resolved before timing so the timed loop is retrieval.
  std::unordered_map<int64_t, std::string> chunk_doc;
  auto keys = store.chunk_document_keys(handle->collection.id);
  if (!keys.is_ok()) return keys.status();
  std::unordered_set<std::string_view> documents;
  chunk_doc.reserve(keys->size());
  for (auto& [chunk_id, key] : *keys) {
    // Corpus document keys are "<corpus path>#<_id>".
    auto [it, inserted] = chunk_doc.emplace(chunk_id, key.substr(key.find('#') + 1));
    documents.insert(it->second);
  }
  report.chunks = chunk_doc.size();
  report.documents = documents.size();

  // One query: analyse, search chunks, collapse to documents (a document scores as its
  // best chunk; hits come best first).
  std::vector<std::string> terms;
  auto retrieve = [&](const BeirQuery& query, std::vector<RunHit>& ranked) {
    terms.clear();
    handle->analyzer->analyze(query.text, terms);
    // Twice the depth in chunks, so documents split into several chunks cannot crowd out
    // the 100th document.
    std::vector<ScoredChunk> hits = handle->index->search(terms, options.depth * 2);
    std::unordered_map<std::string_view, bool> seen;
    for (const ScoredChunk& hit : hits) {
      auto it = chunk_doc.find(hit.chunk_id);
      if (it == chunk_doc.end() || !seen.emplace(it->second, true).second) continue;
      ranked.push_back({it->second, hit.score});
      if (ranked.size() == options.depth) break;
    }
  };
  // An untimed pass first, as the peers do: timings then reflect a warm process.
  for (const BeirQuery& query : dataset->queries) {
    std::vector<RunHit> ranked;
    retrieve(query, ranked);
  }
  RetrievalRun run;
  std::vector<double> latencies;
  latencies.reserve(dataset->queries.size());
  double total_ms = 0;
  for (const BeirQuery& query : dataset->queries) {
    std::vector<RunHit>& ranked = run[query.id];
    auto started = Clock::now();
    retrieve(query, ranked);
    double ms = std::chrono::duration<double, std::milli>(Clock::now() - started).count();
    latencies.push_back(ms);
    total_ms += ms;
  }
  report.queries = dataset->queries.size();
  report.latency_p50_ms = percentile(latencies, 50);
  report.latency_p99_ms = percentile(latencies, 99);
  report.qps = total_ms > 0 ? 1000.0 * static_cast<double>(report.queries) / total_ms : 0;

  if (!options.run_path.empty()) RAGD_RETURN_IF_ERROR(write_trec_run(options.run_path, run));
  auto metrics = evaluate_run(run, dataset->qrels);
  if (!metrics.is_ok()) return metrics.status();
  report.metrics = std::move(metrics).value();
  return report;
}

std::string beir_report_to_json(const BeirEvalReport& report) {
  nlohmann::ordered_json json;
  json["dataset"] = report.dataset;
  json["queries"] = report.queries;
  json["ndcg@10"] = report.metrics.ndcg_at_10;
  json["recall@100"] = report.metrics.recall_at_100;
  json["mrr@10"] = report.metrics.mrr_at_10;
  json["map@100"] = report.metrics.map_at_100;
  json["latency_ms"] = {{"p50", report.latency_p50_ms}, {"p99", report.latency_p99_ms}};
  json["qps"] = report.qps;
  json["index_seconds"] = report.index_seconds;
  return json.dump();
}

}  // namespace ragd
