// Operations routes: liveness, readiness, a detailed dependency report, Prometheus metrics
// and the OpenAPI document.
#include <chrono>
#include <filesystem>

#include "common/file_io.h"
#include "llm/fallback_chain.h"
#include "server/api_error.h"
#include "server/http_server.h"
#include "server/openapi_document.h"
#include "server/request_gate.h"
#include "server/routes.h"

namespace ragd::server {

namespace {

using Clock = std::chrono::steady_clock;

double ms_since(Clock::time_point start) {
  return std::chrono::duration<double, std::milli>(Clock::now() - start).count();
}

int breaker_value(BreakerState state) {
  switch (state) {
    case BreakerState::kClosed: return 0;
    case BreakerState::kHalfOpen: return 1;
    case BreakerState::kOpen: return 2;
  }
  return 0;
}

// The LLM chain's providers with their breaker states; empty without an LLM.
nlohmann::json llm_providers(const Services& services) {
  nlohmann::json providers = nlohmann::json::array();
  auto* chain = dynamic_cast<FallbackChain*>(services.llm.get());
  if (chain == nullptr) return providers;
  for (size_t i = 0; i < chain->size(); ++i) {
    const auto& breaker = chain->breaker(i);
    providers.push_back({{"name", "llm" + std::to_string(i + 1)},
                         {"breaker", breaker ? breaker_state_name(breaker->state()) : "closed"}});
  }
  return providers;
}

// Opens the store and lists collections: the check that the data folder is usable.
Result<std::vector<CollectionInfo>> check_store(const Services& services) {
  auto store = Store::open(services.data.store_path());
  if (!store.is_ok()) return store.status();
  return (*store)->list_collections();
}

}  // namespace

void add_ops_routes(Router& router, Services& services) {
  router.add("GET", "/health/live", guarded([](Request&, ResponseWriter& w) {
    w.respond(json_response({{"status", "ok"}}));
  }));

  router.add("GET", "/health/ready", guarded([&services](Request&, ResponseWriter& w) {
    auto collections = check_store(services);
    bool store_ok = collections.is_ok();
    bool indexes_ok = true;
    nlohmann::json index_checks = nlohmann::json::object();
    if (store_ok) {
      int64_t loaded = 0;
      int64_t unavailable = 0;
      for (const CollectionInfo& c : *collections) {
        auto reader = services.readers().get(c.name);
        (reader.is_ok() ? loaded : unavailable) += 1;
        // A public probe must not list the organisations' collections: with authentication
        // on it gives counts only.
        if (!services.platform) index_checks[c.name] = reader.is_ok() ? "loaded" : "unavailable";
        indexes_ok = indexes_ok && reader.is_ok();
      }
      if (services.platform) index_checks = {{"loaded", loaded}, {"unavailable", unavailable}};
    }
    nlohmann::json providers = llm_providers(services);
    bool ready = store_ok && indexes_ok;
    nlohmann::json body = {
        {"status", ready ? "ready" : "not_ready"},
        {"checks",
         {{"store", store_ok ? "ok" : "unavailable"},
          {"indexes", index_checks},
          {"llm", {{"configured", services.llm != nullptr}, {"providers", providers}}}}}};
    w.respond(json_response(body, ready ? 200 : 503));
  }));

  // Names every collection (of every organisation): an operator's view.
  router.add("GET", "/health/detailed", secured(services, needs(platform::Permission::kAdminViewSystemMetrics), [&services](Request&, ResponseWriter& w) {
    nlohmann::json dependencies = nlohmann::json::array();
    auto start = Clock::now();
    auto collections = check_store(services);
    dependencies.push_back({{"name", "store"},
                            {"status", collections.is_ok() ? "ok" : "unavailable"},
                            {"latency_ms", ms_since(start)},
                            {"detail", collections.is_ok()
                                           ? std::to_string(collections->size()) + " collections"
                                           : "the store cannot be opened"}});
    bool all_ok = collections.is_ok();
    if (collections.is_ok()) {
      for (const CollectionInfo& c : *collections) {
        start = Clock::now();
        auto reader = services.readers().get(c.name);
        std::string detail = "not loaded";
        if (reader.is_ok()) {
          detail = std::to_string((*reader)->handle.collection.chunk_count) + " chunks; " +
                   ((*reader)->handle.dense() ? "dense and lexical" : "lexical only");
        }
        dependencies.push_back({{"name", "index:" + c.name},
                                {"status", reader.is_ok() ? "ok" : "unavailable"},
                                {"latency_ms", ms_since(start)},
                                {"detail", detail}});
        all_ok = all_ok && reader.is_ok();
      }
    }
    for (const auto& provider : llm_providers(services)) {
      std::string state = provider["breaker"];
      dependencies.push_back({{"name", "llm:" + provider["name"].get<std::string>()},
                              {"status", state == "open" ? "degraded" : "ok"},
                              {"latency_ms", 0},
                              {"detail", "circuit breaker " + state}});
    }
    std::string note;
    bool encoder = services.embedder(&note) != nullptr;
    dependencies.push_back({{"name", "embedding_model"},
                            {"status", encoder ? "ok" : "unavailable"},
                            {"latency_ms", 0},
                            {"detail", encoder ? "native encoder loaded" : note}});
    nlohmann::json body = {
        {"status", all_ok ? "ok" : "degraded"},
        {"uptime_s", ms_since(services.started) / 1000},
        {"open_connections", services.http ? services.http->open_connections() : 0},
        {"open_streams", services.http ? services.http->open_streams() : 0},
        {"dependencies", dependencies}};
    w.respond(json_response(body, all_ok ? 200 : 503));
  }));

  services.registry.on_collect([&services] {
    services.metrics.ingest_queue.with().set(static_cast<double>(services.writer.queue_length()));
    services.metrics.streams_open.with().set(
        services.http ? static_cast<double>(services.http->open_streams()) : 0);
    services.metrics.store_bytes.with().set(static_cast<double>(folder_bytes(services.data.root())));
    auto* chain = dynamic_cast<FallbackChain*>(services.llm.get());
    for (size_t i = 0; chain && i < chain->size(); ++i) {
      const auto& breaker = chain->breaker(i);
      services.metrics.breaker_state.with({"llm" + std::to_string(i + 1)})
          .set(breaker ? breaker_value(breaker->state()) : 0);
    }
    auto collections = check_store(services);
    if (collections.is_ok()) {
      for (const CollectionInfo& c : *collections) {
        services.metrics.index_chunks.with({c.name}).set(static_cast<double>(c.chunk_count));
      }
    }
  });

  router.add("GET", "/metrics", secured(services, needs(platform::Permission::kAdminViewSystemMetrics), [&services](Request&, ResponseWriter& w) {
    Response response;
    response.content_type = "text/plain; version=0.0.4; charset=utf-8";
    response.body = services.registry.render();
    w.respond(std::move(response));
  }));

  router.add("GET", "/v1/openapi.json", guarded([](Request&, ResponseWriter& w) {
    Response response;
    response.body = openapi_document();
    w.respond(std::move(response));
  }));
}

}  // namespace ragd::server
