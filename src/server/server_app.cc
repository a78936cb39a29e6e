#include "server/server_app.h"

#include <sys/resource.h>

#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <iostream>
#include <condition_variable>
#include <mutex>
#include <thread>

#include "chat/collection_pipeline.h"
#include "llm/llm_chain.h"
#include "server/http_server.h"
#include "server/routes.h"
#include "server/services.h"

namespace ragd::server {

namespace {

// Thousands of streams each hold a socket, an upstream socket and the upstream call's event
// descriptors: raise the soft limit to the hard one, and the hard one too where the process
// may (up to the kernel's fs.nr_open).
void raise_file_limit() {
  rlimit limit{};
  if (getrlimit(RLIMIT_NOFILE, &limit) != 0) return;
  rlim_t wanted = 1 << 20;
  if (FILE* f = std::fopen("/proc/sys/fs/nr_open", "r")) {
    unsigned long long nr_open = 0;
    if (std::fscanf(f, "%llu", &nr_open) == 1 && nr_open > 0) wanted = nr_open;
    std::fclose(f);
  }
  rlimit raised{wanted, wanted};
  if (limit.rlim_max < wanted && setrlimit(RLIMIT_NOFILE, &raised) == 0) return;
  if (limit.rlim_cur < limit.rlim_max) {
    limit.rlim_cur = limit.rlim_max;
    setrlimit(RLIMIT_NOFILE, &limit);
  }
}

void log_line(const nlohmann::json& line) {
  static std::mutex mutex;
  std::string text = line.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  std::lock_guard lock(mutex);
  std::fprintf(stderr, "%s\n", text.c_str());
}

double unix_now() {
  timespec ts{};
  clock_gettime(CLOCK_REALTIME, &ts);
  return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) / 1e9;
}

void fail(const std::string& message) {
  log_line({{"ts", unix_now()}, {"level", "error"}, {"event", "startup_failed"}, {"message", message}});
  std::cerr << "ragd: error: " << message << "\n";
}

}  // namespace

// With authentication on and no organisation yet, says on stderr how to create the first one
// (stdout carries only the listening line).
static void announce_first_run(PlatformServices& platform, const DataDir& data) {
  auto organizations = platform.store->list_organizations();
  if (!organizations.is_ok() || !organizations->empty()) return;
  std::fprintf(stderr,
               "ragd: authentication is on and there is no organisation yet. Create the first "
               "one and its administrator with:\n"
               "  ragd admin create-org --data %s --name \"My Org\" --email admin@example.com "
               "--password-stdin [--system-admin]\n"
               "(or let people register with POST /v1/auth/register; --auth off runs without "
               "accounts)\n",
               data.root().c_str());
}

// Purges the personal data of accounts deleted more than 30 days ago: at start, then every
// six hours while the server runs (a server can run for months).
class AccountPurger {
 public:
  explicit AccountPurger(PlatformServices* platform) {
    if (!platform) return;
    thread_ = std::thread([this, platform] {
      std::unique_lock lock(mutex_);
      do {
        lock.unlock();
        auto purged = platform->auth->purge_deleted_users();
        if (purged.is_ok() && *purged > 0) {
          log_line({{"ts", unix_now()}, {"level", "info"}, {"event", "accounts_purged"}, {"count", *purged}});
        }
        lock.lock();
      } while (!wake_.wait_for(lock, std::chrono::hours(6), [this] { return stopping_; }));
    });
  }
  ~AccountPurger() {
    if (!thread_.joinable()) return;
    {
      std::lock_guard lock(mutex_);
      stopping_ = true;
    }
    wake_.notify_all();
    thread_.join();
  }

 private:
  std::mutex mutex_;
  std::condition_variable wake_;
  bool stopping_ = false;
  std::thread thread_;
};

int run_server(const ServerConfig& config) {
  raise_file_limit();
  DataDir data(resolve_data_dir(config.data_dir));
  if (Status s = data.ensure_exists(); !s.is_ok()) {
    fail(s.message());
    return 1;
  }
  LlmChainSettings llm_settings;
  llm_settings.urls = config.llm_urls;
  llm_settings.model = config.llm_model;
  llm_settings.api_key = config.llm_api_key;
  llm_settings.first_token_timeout_s = config.llm_first_token_timeout_s;
  llm_settings.total_timeout_s = config.llm_total_timeout_s;
  auto llm = make_llm_chain(llm_settings);
  if (!llm.is_ok()) {
    fail(llm.status().message());
    return 2;
  }
  auto prompts = PromptTemplates::load(config.prompts_dir);
  if (!prompts.is_ok()) {
    fail(prompts.status().message());
    return 2;
  }
  auto mode = parse_search_mode(config.mode);
  if (!mode.is_ok()) {
    fail(mode.status().message());
    return 2;
  }
  PipelineFactory factory = [mode = *mode, llm = *llm, prompts = *prompts](CollectionHandle& handle) {
    CollectionPipelineOptions options;
    options.mode = mode;
    options.llm = llm;
    options.prompts = prompts;
    return make_collection_pipeline(handle, std::move(options));
  };
  Services services(config, data, *llm, std::move(factory));
  if (config.auth == "on") {
    auto platform = open_platform(config, data);
    if (!platform.is_ok()) {
      fail("authentication cannot start: " + platform.status().message());
      return 2;
    }
    services.platform = std::move(platform).value();
    announce_first_run(*services.platform, data);
  }
  AccountPurger purger(services.platform.get());
  Router router;
  add_all_routes(router, services);

  HttpServerOptions options;
  options.host = config.host;
  options.port = config.port;
  // Connections cost little CPU next to the handlers: half the cores serve the sockets (on
  // 2 cores, 1 I/O thread gave 6,800 searches/s against 5,000 with 2).
  options.io_threads =
      config.io_threads ? config.io_threads : std::max(1u, std::thread::hardware_concurrency() / 2);
  options.max_body_bytes = config.max_body_bytes;
  options.max_upload_bytes = config.max_upload_bytes;
  auto ms = [](double s) { return std::chrono::milliseconds(static_cast<int64_t>(s * 1000)); };
  options.header_timeout = ms(config.header_timeout_s);
  options.idle_timeout = ms(config.idle_timeout_s);
  options.request_timeout = ms(config.request_timeout_s);
  options.drain_timeout = ms(config.drain_timeout_s);
  options.cors_origins = config.cors_origins;
  options.tls_cert_file = config.tls_cert;
  options.tls_key_file = config.tls_key;
  options.spool_dir = data.spool_path();
  options.run_blocking = [&services](std::function<void()> task) { services.workers.post(std::move(task)); };
  bool access_log = config.access_log;
  options.on_request_done = [&services, access_log](const RequestLog& r) {
    std::string route = r.route.empty() ? "unmatched" : r.route;
    services.metrics.requests.with({route, r.method, std::to_string(r.status)}).inc();
    services.metrics.request_seconds.with({route, r.method}).observe(r.latency_ms / 1000);
    if (!access_log) return;
    log_line({{"ts", unix_now()}, {"level", "info"}, {"event", "request"},
              {"request_id", r.request_id}, {"method", r.method}, {"route", route},
              {"path", r.path}, {"status", r.status}, {"latency_ms", r.latency_ms},
              {"bytes", r.bytes_sent}, {"bytes_in", r.bytes_received}, {"stream", r.stream},
              {"traceparent", r.traceparent}, {"remote", r.remote},
              {"user", r.user.empty() ? nlohmann::json(nullptr) : nlohmann::json(r.user)},
              {"org", r.organization.empty() ? nlohmann::json(nullptr) : nlohmann::json(r.organization)},
              {"api_key", r.api_key.empty() ? nlohmann::json(nullptr) : nlohmann::json(r.api_key)}});
  };
  HttpServer server(std::move(options), router);
  if (Status s = server.start(); !s.is_ok()) {
    fail(s.message());
    return 1;
  }
  services.http = &server;
  std::cout << nlohmann::json({{"event", "listening"}, {"host", config.host}, {"port", server.port()},
                               {"tls", !config.tls_cert.empty()}})
                   .dump()
            << std::endl;
  log_line({{"ts", unix_now()}, {"level", "info"}, {"event", "started"}, {"port", server.port()},
            {"data", data.root()}, {"llm", *llm != nullptr}});
  server.run();
  // Handlers and generations still hold their connections' hand-off state, which must go
  // before the server's event loop does. Wait for them; past the drain time, exit without
  // tearing down (the process is ending; nothing is left to flush but the log).
  auto deadline = std::chrono::steady_clock::now() + ms(config.drain_timeout_s);
  bool idle = false;
  while (!idle && std::chrono::steady_clock::now() < deadline) {
    idle = services.generations == 0 && services.workers.wait_idle(std::chrono::milliseconds(50)) &&
           services.generations == 0;
  }
  log_line({{"ts", unix_now()}, {"level", "info"}, {"event", "stopped"}, {"clean", idle}});
  if (!idle) {
    std::fflush(nullptr);
    std::_Exit(0);
  }
  services.http = nullptr;
  return 0;
}

}  // namespace ragd::server
