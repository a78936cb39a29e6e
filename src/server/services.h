// Services: what route handlers share — configuration, the data folder's catalog and
// writer, this worker's collection readers, the LLM chain, metrics and the response cache.
// One instance lives for the whole server; routes receive it by reference.
// Thread-safety: every member is thread-safe except readers(), which returns the calling
// worker thread's own ReaderSet.
#pragma once

#include <atomic>
#include <chrono>
#include <memory>
#include <mutex>
#include <string>

#include "chat/prompt_templates.h"
#include "embed/embedding_provider.h"
#include "llm/llm_provider.h"
#include "retrieve/query_router.h"
#include "server/collection_readers.h"
#include "server/data_writer.h"
#include "server/metrics_registry.h"
#include "server/platform_services.h"
#include "server/response_cache.h"
#include "server/server_config.h"
#include "server/worker_pool.h"

namespace ragd::server {

class HttpServer;

struct ServerMetrics {
  explicit ServerMetrics(MetricsRegistry& registry);
  CounterFamily& requests;
  HistogramFamily& request_seconds;
  HistogramFamily& retrieval_seconds;
  HistogramFamily& generation_seconds;
  CounterFamily& llm_tokens;
  CounterFamily& cache_lookups;
  GaugeFamily& breaker_state;
  GaugeFamily& ingest_queue;
  GaugeFamily& store_bytes;
  GaugeFamily& index_chunks;
  GaugeFamily& streams_open;
  CounterFamily& answers;
  CounterFamily& auth_failures;   // {reason}: missing, invalid
  CounterFamily& rate_limited;    // {scope}: all, chat, search
  CounterFamily& quota_exceeded;  // {meter}
};

struct Services {
  Services(ServerConfig config, DataDir data, std::shared_ptr<LlmProvider> llm,
           PipelineFactory make_pipeline);

  ServerConfig config;
  DataDir data;
  std::shared_ptr<LlmProvider> llm;  // null: extractive answers
  PipelineFactory make_pipeline;
  CollectionCatalog catalog;
  MetricsRegistry registry;
  ServerMetrics metrics{registry};
  ResponseCache cache;
  DataWriter writer;
  WorkerPool workers;
  HttpServer* http = nullptr;
  // The platform (auth, plans, quotas, rate limits, audit); null with authentication off.
  std::unique_ptr<PlatformServices> platform;
  // LLM generations running on their own threads (each ends by posting its finish to the
  // workers); shutdown waits for them before the HTTP server goes.
  std::atomic<int> generations{0};
  std::chrono::steady_clock::time_point started = std::chrono::steady_clock::now();

  ReaderSet& readers();
  // The native encoder for /v1/embeddings (loaded on first use; null with the reason when
  // the default model is not installed).
  EmbeddingProvider* embedder(std::string* why_not);
  // Where uploads to a collection are kept; their document keys are paths under it.
  std::string upload_root(const std::string& collection) const { return data.uploads_path(collection); }
  // The key clients see: an upload's path under its upload root; other keys as stored.
  std::string public_key(const std::string& collection, const std::string& stored) const {
    std::string prefix = upload_root(collection) + "/";
    return stored.rfind(prefix, 0) == 0 ? stored.substr(prefix.size()) : stored;
  }
  // Scope prefix of a collection's response-cache entries (stored names carry the
  // organisation, tenant_scope.h, so entries never cross organisations).
  static std::string cache_scope(const std::string& collection) { return "local/" + collection + "/"; }

 private:
  std::mutex embedder_mutex_;
  bool embedder_tried_ = false;
  std::unique_ptr<EmbeddingProvider> embedder_;
  std::string embedder_note_;
};

}  // namespace ragd::server
