#include "eval/beir_eval.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <filesystem>
#include <string_view>
#include <nlohmann/json.hpp>
#include <unordered_map>

#include "eval/beir_dataset.h"
#include "jobs/collection_handle.h"
#include "jobs/ingest_job.h"
#include "jobs/vector_sync.h"

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

// Maps the chunk ids of a BEIR collection to dense document numbers and their corpus ids.
class ChunkDocuments {
 public:
  static constexpr uint32_t kNone = UINT32_MAX;

  static Result<ChunkDocuments> load(Store& store, int64_t collection_id) {
    auto keys = store.chunk_document_keys(collection_id);  // in chunk id order
    if (!keys.is_ok()) return keys.status();
    ChunkDocuments out;
    if (keys->empty()) return out;
    out.first_chunk_ = keys->front().first;
    out.by_chunk_.assign(static_cast<size_t>(keys->back().first - out.first_chunk_ + 1), kNone);
    std::unordered_map<std::string, uint32_t> numbers;
    for (auto& [chunk_id, key] : *keys) {
      // Corpus document keys are "<corpus path>#<_id>".
      std::string id = key.substr(key.find('#') + 1);
      auto [it, added] = numbers.emplace(id, static_cast<uint32_t>(out.ids_.size()));
      if (added) out.ids_.push_back(std::move(id));
      out.by_chunk_[static_cast<size_t>(chunk_id - out.first_chunk_)] = it->second;
      ++out.chunks_;
    }
    return out;
  }

  uint32_t document_of(int64_t chunk_id) const {
    int64_t slot = chunk_id - first_chunk_;
    if (slot < 0 || static_cast<size_t>(slot) >= by_chunk_.size()) return kNone;
    return by_chunk_[static_cast<size_t>(slot)];
  }
  const std::string& id(uint32_t document) const { return ids_[document]; }
  size_t documents() const { return ids_.size(); }
  size_t chunks() const { return chunks_; }

 private:
  int64_t first_chunk_ = 0;
  std::vector<uint32_t> by_chunk_;
  std::vector<std::string> ids_;
  size_t chunks_ = 0;
};

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

  const bool dense = options.mode != SearchMode::kLexical;
  report.mode = search_mode_name(options.mode);
  if (options.mode == SearchMode::kHybrid || options.mode == SearchMode::kAuto) {
    report.fusion = fusion_method_name(options.fusion.method);
  }
  OpenCollectionOptions open_options;
  open_options.vectors = dense;
  open_options.catch_up_vectors = false;  // the ingest job below embeds what is missing
  open_options.encoder_threads = options.threads;
  auto handle = open_collection(data, report.collection, OpenMode::kWriteOrCreate, open_options);
  if (!handle.is_ok()) return handle.status();
  if (dense && !handle->dense()) {
    return Status::invalid("eval --mode " + report.mode + " needs an embedding model: " +
                           handle->dense_note);
  }
  if (dense) report.model = handle->provider->model_id();
  Store& store = *handle->store;
  const std::string timing_key = "eval-index-seconds:" + std::to_string(handle->collection.id);
  {
    IngestOptions ingest;
    ingest.collection = report.collection;
    ingest.threads = options.threads;
    ingest.chunker = handle->settings.chunker;  // a collection created beforehand keeps its own
    IngestJob job(store, *handle->index, *handle->analyzer, ingest);
    if (dense) job.set_vectors(handle->vectors.get(), handle->embedder.get());
    auto summary = job.run({*corpus}, nullptr);
    if (!summary.is_ok()) return summary.status();
    report.embed_seconds = summary->embed_seconds;
    report.passages_embedded = summary->passages_embedded;
    report.index_reused = summary->files_skipped_unchanged == 1;
    if (report.index_reused) {
      auto saved = store.get_state(timing_key);
      if (saved.is_ok() && *saved) report.index_seconds = std::stod(**saved);
    } else {
      report.index_seconds = summary->seconds;
      RAGD_RETURN_IF_ERROR(store.set_state(timing_key, nlohmann::json(summary->seconds).dump()));
    }
  }

  // chunk id -> corpus document, resolved before timing so the timed loop is retrieval and
  // ends, as the peers' do, with document references (ids are spelled out afterwards).
  auto mapping = ChunkDocuments::load(store, handle->collection.id);
  if (!mapping.is_ok()) return mapping.status();
  report.chunks = mapping->chunks();
  report.documents = mapping->documents();

  // One query: search chunks (lexical, dense or both fused), collapse to documents (a
  // document scores as its best chunk; hits come best first). For a single retriever, when
  // documents have several chunks, the chunk depth is doubled until `depth` distinct
  // documents are found or the index runs out; hybrid fuses `candidates` (at least `depth`)
  // chunks from each retriever once.
  std::vector<std::string> terms;
  std::vector<uint32_t> seen_in_query(mapping->documents(), UINT32_MAX);
  uint32_t query_number = 0;
  std::vector<float> query_vector;
  Status query_error;
  auto embed_query = [&](const BeirQuery& query) -> bool {
    std::vector<std::string_view> texts = {query.text};
    auto vector = handle->provider->embed(texts, EmbedPurpose::kQuery);
    if (!vector.is_ok()) {
      query_error = vector.status();
      return false;
    }
    query_vector = std::move(vector).value();
    return true;
  };
  // Appends documents of `hits` not seen yet; true when `depth` documents are ranked.
  auto collapse = [&](const auto& hits, std::vector<std::pair<uint32_t, float>>& ranked) {
    for (const auto& hit : hits) {
      uint32_t doc = mapping->document_of(hit.chunk_id);
      if (doc == ChunkDocuments::kNone || seen_in_query[doc] == query_number) continue;
      seen_in_query[doc] = query_number;
      ranked.emplace_back(doc, static_cast<float>(hit.score));
      if (ranked.size() == options.depth) return true;
    }
    return false;
  };
  auto retrieve = [&](const BeirQuery& query, std::vector<std::pair<uint32_t, float>>& ranked) {
    SearchMode mode = options.mode;
    if (mode == SearchMode::kAuto) mode = route_query(query.text, options.router).mode;
    terms.clear();
    if (mode != SearchMode::kDense) handle->analyzer->analyze(query.text, terms);
    if (mode != SearchMode::kLexical && !embed_query(query)) return;
    ++query_number;
    ranked.clear();
    if (mode == SearchMode::kHybrid) {
      const size_t k = std::max(options.candidates, options.depth);
      std::vector<ScoredChunk> lexical = handle->index->search(terms, k);
      std::vector<ScoredChunk> dense_hits = handle->vectors->search(query_vector.data(), k);
      collapse(fuse({lexical, dense_hits}, options.fusion), ranked);
      return;
    }
    for (size_t k = options.depth;; k *= 2) {
      ranked.clear();
      std::vector<ScoredChunk> hits = mode == SearchMode::kDense
                                          ? handle->vectors->search(query_vector.data(), k)
                                          : handle->index->search(terms, k);
      if (collapse(hits, ranked) || hits.size() < k) return;
      ++query_number;  // a fresh "seen" stamp for the deeper pass
    }
  };
  // An untimed pass first, as the peers do: timings then reflect a warm process.
  std::vector<std::pair<uint32_t, float>> ranked;
  for (const BeirQuery& query : dataset->queries) retrieve(query, ranked);
  RetrievalRun run;
  std::vector<double> latencies;
  latencies.reserve(dataset->queries.size());
  double total_ms = 0;
  for (const BeirQuery& query : dataset->queries) {
    auto started = Clock::now();
    retrieve(query, ranked);
    double ms = std::chrono::duration<double, std::milli>(Clock::now() - started).count();
    latencies.push_back(ms);
    total_ms += ms;
    std::vector<RunHit>& hits = run[query.id];  // every judged query, even without hits
    for (const auto& [doc, score] : ranked) hits.push_back({mapping->id(doc), score});
  }
  if (!query_error.is_ok()) return query_error;
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
  json["mode"] = report.mode;
  json["model"] = report.model;
  json["fusion"] = report.fusion;
  json["queries"] = report.queries;
  json["ndcg@10"] = report.metrics.ndcg_at_10;
  json["recall@100"] = report.metrics.recall_at_100;
  json["mrr@10"] = report.metrics.mrr_at_10;
  json["map@100"] = report.metrics.map_at_100;
  json["latency_ms"] = {{"p50", report.latency_p50_ms}, {"p99", report.latency_p99_ms}};
  json["qps"] = report.qps;
  json["index_seconds"] = report.index_seconds;
  json["embed_seconds"] = report.embed_seconds;
  return json.dump();
}

}  // namespace ragd
