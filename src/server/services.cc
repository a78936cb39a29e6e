#include "server/services.h"

#include <thread>

#include "jobs/embedding_factory.h"

namespace ragd::server {

namespace {

size_t or_cores(size_t n) {
  return n ? n : std::max<unsigned>(1, std::thread::hardware_concurrency());
}

ResponseCacheOptions cache_options(const ServerConfig& config) {
  ResponseCacheOptions options;
  options.max_entries = config.cache_max_entries;
  options.ttl_seconds = config.cache_ttl_s;
  options.semantic_threshold = config.cache_semantic_threshold;
  return options;
}

}  // namespace

ServerMetrics::ServerMetrics(MetricsRegistry& r)
    : requests(r.counter("ragd_http_requests_total", "HTTP requests by route, method and status",
                         {"route", "method", "status"})),
      request_seconds(r.histogram("ragd_http_request_duration_seconds",
                                  "HTTP request latency (to the last byte; streams included)",
                                  default_latency_buckets(), {"route", "method"})),
      retrieval_seconds(r.histogram("ragd_retrieval_duration_seconds",
                                    "Retrieval latency of searches and answers",
                                    default_latency_buckets(), {"kind"})),
      generation_seconds(r.histogram("ragd_generation_duration_seconds",
                                     "Answer generation latency by strategy",
                                     default_latency_buckets(), {"strategy"})),
      llm_tokens(r.counter("ragd_llm_tokens_total", "Tokens in answers by kind", {"kind"})),
      cache_lookups(r.counter("ragd_cache_lookups_total", "Response cache lookups by result",
                              {"result"})),
      breaker_state(r.gauge("ragd_llm_breaker_state",
                            "LLM provider circuit breaker: 0 closed, 1 half-open, 2 open",
                            {"provider"})),
      ingest_queue(r.gauge("ragd_ingest_queue_length", "Writes and ingestion jobs waiting")),
      store_bytes(r.gauge("ragd_store_bytes", "Size of the store's files in bytes")),
      index_chunks(r.gauge("ragd_index_chunks", "Chunks per collection", {"collection"})),
      streams_open(r.gauge("ragd_sse_streams_open", "Event streams open now")),
      answers(r.counter("ragd_answers_total", "Answers by strategy", {"strategy"})),
      auth_failures(r.counter("ragd_auth_failures_total",
                              "Requests refused for missing or invalid credentials", {"reason"})),
      rate_limited(r.counter("ragd_rate_limited_total", "Requests refused by a rate limit",
                             {"scope"})),
      quota_exceeded(r.counter("ragd_quota_exceeded_total", "Requests refused by a quota",
                               {"meter"})) {}

Services::Services(ServerConfig c, DataDir d, std::shared_ptr<LlmProvider> l, PipelineFactory f)
    : config(std::move(c)),
      data(std::move(d)),
      llm(std::move(l)),
      make_pipeline(std::move(f)),
      cache(cache_options(config)),
      writer(data, catalog, [this](const std::string& collection) {
        cache.invalidate(cache_scope(collection));
      }),
      workers(or_cores(config.worker_threads)) {}

ReaderSet& Services::readers() {
  thread_local std::unique_ptr<ReaderSet> set;
  thread_local const Services* owner = nullptr;
  if (!set || owner != this) {
    set = std::make_unique<ReaderSet>(data, catalog, make_pipeline);
    owner = this;
  }
  return *set;
}

EmbeddingProvider* Services::embedder(std::string* why_not) {
  std::lock_guard lock(embedder_mutex_);
  if (!embedder_tried_) {
    embedder_tried_ = true;
    EmbeddingSettings settings;  // the native default model
    auto setup = make_embedding_provider(settings, 1);
    if (setup.is_ok()) {
      embedder_ = std::move(setup->provider);
      embedder_note_ = setup->note;
    } else {
      embedder_note_ = "the embedding model could not be loaded";
    }
  }
  if (!embedder_ && why_not) *why_not = embedder_note_;
  return embedder_.get();
}

}  // namespace ragd::server
