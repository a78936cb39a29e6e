#include "server/http_server.h"

#include <atomic>
#include <condition_variable>
#include <cstdio>
#include <deque>
#include <filesystem>
#include <list>
#include <mutex>
#include <optional>
#include <random>
#include <thread>

#include <boost/asio.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>

#include "server/api_error.h"
#include "server/request_identity.h"
#include "server/url_decode.h"

namespace ragd::server {

namespace net = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace ssl = net::ssl;
using tcp = net::ip::tcp;
using Clock = std::chrono::steady_clock;
using net::awaitable;
using net::use_awaitable;

namespace {

constexpr size_t kHeaderLimit = 16 * 1024;
// An event stream producer blocks in send() while this many bytes wait to be written.
constexpr size_t kStreamBacklogLimit = 256 * 1024;
// How long a handler may run before the server starts watching its client's socket.
constexpr auto kWatchAfter = std::chrono::milliseconds(20);

double ms_between(Clock::time_point a, Clock::time_point b) {
  return std::chrono::duration<double, std::milli>(b - a).count();
}

std::string format_event(std::string_view event, std::string_view data) {
  std::string out;
  out.reserve(event.size() + data.size() + 16);
  if (!event.empty()) {
    out += "event: ";
    out += event;
    out += '\n';
  }
  size_t i = 0;
  do {
    size_t nl = data.find('\n', i);
    if (nl == std::string_view::npos) nl = data.size();
    std::string_view line = data.substr(i, nl - i);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    out += "data: ";
    out += line;
    out += '\n';
    i = nl + 1;
  } while (i <= data.size());
  out += '\n';
  return out;
}

// The hand-off between one request's handler (any thread) and its connection (strand).
struct Exchange {
  explicit Exchange(net::any_io_executor executor) : executor(executor), wake(executor) {}

  net::any_io_executor executor;
  net::steady_timer wake;  // cancelled to wake the connection
  // Strand-only state.
  std::optional<Response> response;
  bool stream_started = false;
  std::vector<std::pair<std::string, std::string>> stream_headers;
  std::deque<std::string> chunks;
  bool stream_closed = false;
  bool finished = false;  // the connection is done with this request
  // Shared.
  std::shared_ptr<std::atomic<bool>> cancelled;
  std::atomic<bool> client_gone{false};
  std::mutex mutex;
  std::condition_variable drained;
  size_t backlog = 0;  // bytes queued, guarded by mutex

  void post(std::function<void(Exchange&)> work, std::shared_ptr<Exchange> self) {
    net::post(executor, [self = std::move(self), work = std::move(work)] {
      work(*self);
      self->wake.cancel();
    });
  }
  void mark_gone() {
    client_gone = true;
    if (cancelled) *cancelled = true;
    std::lock_guard lock(mutex);
    drained.notify_all();
  }
};

class ExchangeSink : public EventSink {
 public:
  explicit ExchangeSink(std::shared_ptr<Exchange> exchange) : exchange_(std::move(exchange)) {}
  ~ExchangeSink() override { close(); }

  bool send(std::string_view event, std::string_view data) override {
    return enqueue(format_event(event, data));
  }
  bool send_comment(std::string_view text) override {
    return enqueue(": " + std::string(text) + "\n\n");
  }
  bool client_gone() const override { return exchange_->client_gone.load(); }
  void close() override {
    if (closed_) return;
    closed_ = true;
    exchange_->post([](Exchange& e) { e.stream_closed = true; }, exchange_);
  }

 private:
  bool enqueue(std::string chunk) {
    if (closed_ || exchange_->client_gone) return false;
    {
      std::unique_lock lock(exchange_->mutex);
      exchange_->drained.wait(lock, [&] {
        return exchange_->backlog < kStreamBacklogLimit || exchange_->client_gone.load();
      });
      if (exchange_->client_gone) return false;
      exchange_->backlog += chunk.size();
    }
    exchange_->post([chunk = std::move(chunk)](Exchange& e) mutable {
      e.chunks.push_back(std::move(chunk));
    }, exchange_);
    return true;
  }

  std::shared_ptr<Exchange> exchange_;
  bool closed_ = false;
};

class ExchangeWriter : public ResponseWriter {
 public:
  ExchangeWriter(std::shared_ptr<Exchange> exchange, std::string request_id)
      : exchange_(std::move(exchange)), request_id_(std::move(request_id)) {}
  ~ExchangeWriter() override {
    if (!responded_) {
      respond(error_response(500, error_code::kInternal, "the handler gave no response",
                             request_id_));
    }
  }
  void respond(Response response) override {
    if (responded_) return;
    responded_ = true;
    exchange_->post([response = std::move(response)](Exchange& e) mutable {
      e.response = std::move(response);
    }, exchange_);
  }
  std::shared_ptr<EventSink> start_events(
      std::vector<std::pair<std::string, std::string>> headers) override {
    responded_ = true;
    exchange_->post([headers = std::move(headers)](Exchange& e) mutable {
      e.stream_started = true;
      e.stream_headers = std::move(headers);
    }, exchange_);
    return std::make_shared<ExchangeSink>(exchange_);
  }
  bool responded() const override { return responded_; }
  std::function<void(Response)> defer() override {
    responded_ = true;
    return [exchange = exchange_](Response response) {
      exchange->post([response = std::move(response)](Exchange& e) mutable {
        e.response = std::move(response);
      }, exchange);
    };
  }

 private:
  std::shared_ptr<Exchange> exchange_;
  std::string request_id_;
  bool responded_ = false;
};

bool origin_allowed(const std::vector<std::string>& origins, const std::string& origin) {
  for (const std::string& o : origins) {
    if (o == "*" || o == origin) return true;
  }
  return false;
}

}  // namespace

struct HttpServer::Impl {
  Impl(HttpServerOptions o, const Router& r)
      : options(std::move(o)), router(r), ioc(static_cast<int>(std::max<size_t>(1, options.io_threads))),
        acceptor(ioc), drain_timer(ioc), signals(ioc) {}

  HttpServerOptions options;
  const Router& router;
  net::io_context ioc;
  tcp::acceptor acceptor;
  net::steady_timer drain_timer;
  net::signal_set signals;
  std::optional<ssl::context> tls;
  int bound_port = 0;
  std::atomic<bool> draining{false};
  std::atomic<size_t> connections{0};
  std::atomic<size_t> streams{0};
  std::atomic<uint64_t> spool_counter{0};
  // Idle-close hooks of open connections, run on stop (guarded by registry_mutex).
  std::mutex registry_mutex;
  std::list<std::function<void()>> idle_closers;

  void connection_ended() {
    if (--connections == 0 && draining) {
      net::post(ioc, [this] { drain_timer.cancel(); });
    }
  }

  void add_common_headers(const Request& request, std::vector<std::pair<std::string, std::string>>& headers) {
    headers.emplace_back("X-Request-ID", request.request_id);
    std::string origin = request.header("origin");
    if (!origin.empty() && origin_allowed(options.cors_origins, origin)) {
      bool any = std::find(options.cors_origins.begin(), options.cors_origins.end(), "*") !=
                 options.cors_origins.end();
      headers.emplace_back("Access-Control-Allow-Origin", any ? "*" : origin);
      if (!any) headers.emplace_back("Vary", "Origin");
      headers.emplace_back("Access-Control-Expose-Headers", "X-Request-ID");
    }
  }

  Response preflight(const Request& request, const RouteMatch& match) {
    Response response;
    response.status = 204;
    response.content_type.clear();
    std::string origin = request.header("origin");
    if (!origin.empty() && origin_allowed(options.cors_origins, origin)) {
      std::string methods;
      for (const std::string& m : match.allowed) methods += (methods.empty() ? "" : ", ") + m;
      response.headers.emplace_back("Access-Control-Allow-Methods", methods);
      std::string asked = request.header("access-control-request-headers");
      response.headers.emplace_back("Access-Control-Allow-Headers",
                                    asked.empty() ? "Content-Type, Authorization, X-Request-ID" : asked);
      response.headers.emplace_back("Access-Control-Max-Age", "600");
    }
    return response;
  }

  template <class Stream>
  awaitable<void> serve(Stream stream, std::string remote);
  template <class Stream>
  awaitable<void> watch_client(Stream& stream, beast::flat_buffer& buffer,
                               std::shared_ptr<Exchange> exchange, std::shared_ptr<bool> watching);
  awaitable<void> accept_loop();
};

template <class Stream>
awaitable<void> HttpServer::Impl::watch_client(Stream& stream, beast::flat_buffer& buffer,
                                               std::shared_ptr<Exchange> exchange,
                                               std::shared_ptr<bool> watching) {
  beast::error_code ec;
  auto& socket = beast::get_lowest_layer(stream).socket();
  size_t n = co_await socket.async_read_some(buffer.prepare(4096),
                                             net::redirect_error(use_awaitable, ec));
  if (!ec && n > 0) {
    buffer.commit(n);  // a pipelined request: kept for the next read
  } else if (ec != net::error::operation_aborted) {
    exchange->mark_gone();
  }
  *watching = false;
  exchange->wake.cancel();
}

template <class Stream>
awaitable<void> HttpServer::Impl::serve(Stream stream, std::string remote) {
  constexpr bool kTls = !std::is_same_v<Stream, beast::tcp_stream>;
  auto& tcp_layer = beast::get_lowest_layer(stream);
  beast::error_code ec;
  bool idle = true;
  auto idle_flag = std::make_shared<std::atomic<bool>>(true);
  std::list<std::function<void()>>::iterator registration;
  {
    std::lock_guard lock(registry_mutex);
    idle_closers.push_front([idle_flag, &tcp_layer, ex = tcp_layer.get_executor()] {
      net::post(ex, [idle_flag, &tcp_layer] {
        if (*idle_flag) tcp_layer.socket().close();
      });
    });
    registration = idle_closers.begin();
  }
  struct Unregister {
    Impl* impl;
    std::list<std::function<void()>>::iterator it;
    ~Unregister() {
      std::lock_guard lock(impl->registry_mutex);
      impl->idle_closers.erase(it);
      impl->connection_ended();
    }
  } unregister{this, registration};

  if constexpr (kTls) {
    tcp_layer.expires_after(options.header_timeout);
    co_await stream.async_handshake(ssl::stream_base::server, net::redirect_error(use_awaitable, ec));
    if (ec) co_return;
  }

  beast::flat_buffer buffer;
  bool first = true;
  while (!draining || buffer.size() > 0) {
    idle = buffer.size() == 0;
    *idle_flag = idle;
    tcp_layer.expires_after(first ? options.header_timeout : options.idle_timeout);
    http::request_parser<http::empty_body> head;
    head.header_limit(kHeaderLimit);
    head.body_limit(std::numeric_limits<std::uint64_t>::max());
    co_await http::async_read_header(stream, buffer, head, net::redirect_error(use_awaitable, ec));
    *idle_flag = false;
    if (ec) {
      if (ec == http::error::header_limit) {
        http::response<http::string_body> res{http::status::request_header_fields_too_large, 11};
        res.set(http::field::content_type, "application/json");
        const std::string id = request_id_for("");
        res.set("X-Request-ID", id);
        res.body() = R"({"code":"bad_request","message":"the request head is larger than 16 KiB","details":{},"request_id":")" + id + "\"}";
        res.prepare_payload();
        res.keep_alive(false);
        co_await http::async_write(stream, res, net::redirect_error(use_awaitable, ec));
      } else if (ec.category() == http::make_error_code(http::error::bad_value).category() &&
                 ec != http::error::end_of_stream && ec != http::error::partial_message) {
        // A malformed head (a control character in a header value, a bad method or target):
        // answer 400 rather than drop the connection without a word.
        http::response<http::string_body> res{http::status::bad_request, 11};
        res.set(http::field::content_type, "application/json");
        const std::string id = request_id_for("");
        res.set("X-Request-ID", id);
        res.body() = R"({"code":"bad_request","message":"the request head is malformed","details":{},"request_id":")" + id + "\"}";
        res.prepare_payload();
        res.keep_alive(false);
        co_await http::async_write(stream, res, net::redirect_error(use_awaitable, ec));
      }
      co_return;
    }
    first = false;
    auto started = Clock::now();

    auto request = std::make_shared<Request>();
    const auto& h = head.get();
    request->method = std::string(h.method_string());
    request->target = std::string(h.target());
    request->remote = remote;
    for (const auto& field : h) {
      std::string name(field.name_string());
      std::transform(name.begin(), name.end(), name.begin(),
                     [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
      auto [it, inserted] = request->headers.emplace(name, std::string(field.value()));
      if (!inserted) it->second += ", " + std::string(field.value());
    }
    request->request_id = request_id_for(request->header("x-request-id"));
    request->traceparent = continue_trace(request->header("traceparent"));
    bool keep_alive = h.keep_alive();
    unsigned version = h.version();

    std::string_view target = request->target;
    std::string_view raw_path = target.substr(0, target.find('?'));
    std::optional<Response> early;
    auto decoded_path = percent_decode(raw_path);
    if (!decoded_path) {
      early = error_response(400, error_code::kBadRequest,
                             "the request path is not valid percent-encoded UTF-8", request->request_id);
    } else {
      request->path = std::move(*decoded_path);
      if (raw_path.size() < target.size()) {
        auto query = parse_query(target.substr(raw_path.size() + 1));
        if (!query) {
          early = error_response(400, error_code::kBadRequest,
                                 "the query string is not valid percent-encoded UTF-8", request->request_id);
        } else {
          request->query = std::move(*query);
        }
      }
    }
    RouteMatch match = router.match(request->method, raw_path);
    if (request->method == "OPTIONS" && !match.allowed.empty() && !early) {
      early = preflight(*request, match);
    }
    if (match.route) {
      request->route = match.route->pattern;
      request->params = std::move(match.params);
    }
    bool spooled = match.route && match.route->body == BodyMode::kSpooled && !early;
    uint64_t limit = spooled ? options.max_upload_bytes : options.max_body_bytes;

    // The body.
    bool close_after = false;
    if (head.content_length() && *head.content_length() > limit) {
      early = error_response(413, error_code::kTooLarge,
                             "the request body is larger than the limit of " + std::to_string(limit) + " bytes",
                             request->request_id, {{"limit_bytes", limit}});
      close_after = true;
    } else if (spooled) {
      std::error_code fs_ec;
      std::filesystem::create_directories(options.spool_dir, fs_ec);
      request->body_file = options.spool_dir + "/upload-" + std::to_string(::getpid()) + "-" +
                           std::to_string(spool_counter++);
      http::request_parser<http::file_body> parser(std::move(head));
      parser.body_limit(limit);
      parser.get().body().open(request->body_file.c_str(), beast::file_mode::write, ec);
      if (ec) {
        early = error_response(503, error_code::kUnavailable, "the upload could not be stored",
                               request->request_id);
        close_after = true;
      } else {
        tcp_layer.expires_after(options.request_timeout);
        co_await http::async_read(stream, buffer, parser, net::redirect_error(use_awaitable, ec));
        parser.get().body().close();
        request->body_bytes = std::filesystem::file_size(request->body_file, fs_ec);
      }
    } else {
      http::request_parser<http::string_body> parser(std::move(head));
      parser.body_limit(limit);
      tcp_layer.expires_after(options.request_timeout);
      co_await http::async_read(stream, buffer, parser, net::redirect_error(use_awaitable, ec));
      request->body = std::move(parser.get().body());
      request->body_bytes = request->body.size();
    }
    struct SpoolCleanup {
      std::string path;
      ~SpoolCleanup() {
        if (!path.empty()) std::remove(path.c_str());
      }
    } spool_cleanup{request->body_file};
    if (ec && !early) {
      if (ec == http::error::body_limit) {
        early = error_response(413, error_code::kTooLarge,
                               "the request body is larger than the limit of " + std::to_string(limit) + " bytes",
                               request->request_id, {{"limit_bytes", limit}});
        close_after = true;
      } else {
        co_return;  // the client went away or stalled
      }
    }
    if (!early && !match.route) {
      if (match.allowed.empty()) {
        early = error_response(404, error_code::kNotFound, "no route for " + request->path,
                               request->request_id);
      } else {
        std::string allow;
        for (const std::string& m : match.allowed) allow += (allow.empty() ? "" : ", ") + m;
        early = error_response(405, error_code::kMethodNotAllowed,
                               request->method + " is not allowed here; allowed: " + allow,
                               request->request_id);
        early->headers.emplace_back("Allow", allow);
      }
    }
    tcp_layer.expires_never();

    // Run the handler.
    auto exchange = std::make_shared<Exchange>(tcp_layer.get_executor());
    exchange->cancelled = request->cancelled;
    auto watching = std::make_shared<bool>(false);
    if (early) {
      exchange->response = std::move(early);
    } else {
      const Route* route = match.route;
      options.run_blocking([exchange, request, route] {
        ExchangeWriter writer(exchange, request->request_id);
        try {
          route->handler(*request, writer);
        } catch (const std::exception&) {
          if (!writer.responded()) {
            writer.respond(error_response(500, error_code::kInternal,
                                          "the request failed inside the server", request->request_id));
          }
        }
      });
    }

    auto deadline = started + options.request_timeout;
    int status = 0;
    uint64_t bytes_sent = 0;
    bool is_stream = false;
    bool timed_out = false;
    while (!exchange->response && !exchange->stream_started && !exchange->client_gone) {
      auto now = Clock::now();
      if (now >= deadline) {
        timed_out = true;
        *request->cancelled = true;
        break;
      }
      auto wake_at = deadline;
      if (!kTls && !*watching && now < started + kWatchAfter) wake_at = started + kWatchAfter;
      exchange->wake.expires_at(wake_at);
      co_await exchange->wake.async_wait(net::redirect_error(use_awaitable, ec));
      if constexpr (!kTls) {
        if (!*watching && !exchange->response && !exchange->stream_started &&
            Clock::now() >= started + kWatchAfter && !exchange->client_gone) {
          *watching = true;
          net::co_spawn(tcp_layer.get_executor(), watch_client(stream, buffer, exchange, watching),
                        net::detached);
        }
      }
    }
    if (timed_out) {
      exchange->response = error_response(504, error_code::kTimeout,
                                           "the request did not finish within the server's deadline",
                                           request->request_id);
    }

    if (exchange->response && !exchange->client_gone) {
      Response& r = *exchange->response;
      std::vector<std::pair<std::string, std::string>> headers = std::move(r.headers);
      add_common_headers(*request, headers);
      http::response<http::string_body> res{static_cast<http::status>(r.status), version};
      if (!r.content_type.empty()) res.set(http::field::content_type, r.content_type);
      for (const auto& [name, value] : headers) res.set(name, value);
      bool keep = keep_alive && !close_after && !draining;
      res.keep_alive(keep);
      if (request->method == "HEAD") {
        res.content_length(r.body.size());
      } else {
        res.body() = std::move(r.body);
        res.prepare_payload();
      }
      status = r.status;
      bytes_sent = res.body().size();
      tcp_layer.expires_after(options.idle_timeout);
      co_await http::async_write(stream, res, net::redirect_error(use_awaitable, ec));
      tcp_layer.expires_never();
      if (ec) exchange->mark_gone();
      if (!keep) close_after = true;
    } else if (exchange->stream_started && !exchange->client_gone) {
      is_stream = true;
      ++streams;
      status = 200;
      http::response<http::empty_body> res{http::status::ok, version};
      res.set(http::field::content_type, "text/event-stream; charset=utf-8");
      res.set(http::field::cache_control, "no-cache");
      res.set("X-Accel-Buffering", "no");
      std::vector<std::pair<std::string, std::string>> headers = std::move(exchange->stream_headers);
      add_common_headers(*request, headers);
      for (const auto& [name, value] : headers) res.set(name, value);
      res.keep_alive(keep_alive && !draining);
      res.chunked(true);
      http::response_serializer<http::empty_body> serializer{res};
      co_await http::async_write_header(stream, serializer, net::redirect_error(use_awaitable, ec));
      if (ec) exchange->mark_gone();
      if constexpr (!kTls) {
        if (!*watching && !exchange->client_gone) {
          *watching = true;
          net::co_spawn(tcp_layer.get_executor(), watch_client(stream, buffer, exchange, watching),
                        net::detached);
        }
      }
      while (!exchange->client_gone) {
        while (!exchange->chunks.empty() && !exchange->client_gone) {
          std::string chunk = std::move(exchange->chunks.front());
          exchange->chunks.pop_front();
          co_await net::async_write(stream, http::make_chunk(net::buffer(chunk)),
                                    net::redirect_error(use_awaitable, ec));
          {
            std::lock_guard lock(exchange->mutex);
            exchange->backlog -= chunk.size();
            exchange->drained.notify_all();
          }
          if (ec) {
            exchange->mark_gone();
          } else {
            bytes_sent += chunk.size();
          }
        }
        if (exchange->stream_closed && exchange->chunks.empty()) {
          co_await net::async_write(stream, http::make_chunk_last(),
                                    net::redirect_error(use_awaitable, ec));
          if (ec) exchange->mark_gone();
          break;
        }
        if (exchange->client_gone) break;
        exchange->wake.expires_at(Clock::time_point::max());
        co_await exchange->wake.async_wait(net::redirect_error(use_awaitable, ec));
      }
      --streams;
      if (!res.keep_alive()) close_after = true;
    }
    exchange->finished = true;
    if (exchange->client_gone) {
      close_after = true;
      if (status == 0) status = 499;  // the client closed the request (nginx's convention)
    }

    // A watch still pending must end before the next read.
    if (*watching) {
      tcp_layer.socket().cancel(ec);
      while (*watching) {
        exchange->wake.expires_at(Clock::time_point::max());
        co_await exchange->wake.async_wait(net::redirect_error(use_awaitable, ec));
      }
      if (exchange->client_gone) close_after = true;
    }

    if (options.on_request_done) {
      RequestLog log;
      log.request_id = request->request_id;
      log.method = request->method;
      log.route = request->route;
      log.path = request->path;
      log.status = status;
      log.latency_ms = ms_between(started, Clock::now());
      log.bytes_sent = bytes_sent;
      log.bytes_received = request->body_bytes;
      log.traceparent = request->traceparent;
      log.remote = remote;
      log.stream = is_stream;
      log.organization = request->principal.organization;
      log.user = request->principal.user;
      log.api_key = request->principal.api_key;
      options.on_request_done(log);
    }
    if (close_after) break;
  }
  if constexpr (kTls) {
    tcp_layer.expires_after(std::chrono::seconds(2));
    co_await stream.async_shutdown(net::redirect_error(use_awaitable, ec));
  } else {
    tcp_layer.socket().shutdown(tcp::socket::shutdown_send, ec);
  }
}

awaitable<void> HttpServer::Impl::accept_loop() {
  beast::error_code ec;
  while (!draining) {
    net::any_io_executor executor = net::make_strand(ioc);
    tcp::socket socket = co_await acceptor.async_accept(executor, net::redirect_error(use_awaitable, ec));
    if (ec) {
      if (draining || ec == net::error::operation_aborted) co_return;
      // Out of file descriptors or a transient error: pause rather than spin.
      net::steady_timer pause(ioc, std::chrono::milliseconds(50));
      co_await pause.async_wait(net::redirect_error(use_awaitable, ec));
      continue;
    }
    socket.set_option(tcp::no_delay(true), ec);
    std::string remote;
    auto endpoint = socket.remote_endpoint(ec);
    if (!ec) remote = endpoint.address().to_string() + ":" + std::to_string(endpoint.port());
    ++connections;
    if (tls) {
      beast::ssl_stream<beast::tcp_stream> stream(beast::tcp_stream(std::move(socket)), *tls);
      net::co_spawn(executor, serve(std::move(stream), std::move(remote)), net::detached);
    } else {
      net::co_spawn(executor, serve(beast::tcp_stream(std::move(socket)), std::move(remote)),
                    net::detached);
    }
  }
}

HttpServer::HttpServer(HttpServerOptions options, const Router& router)
    : impl_(std::make_unique<Impl>(std::move(options), router)) {}

HttpServer::~HttpServer() = default;

Status HttpServer::start() {
  Impl& s = *impl_;
  if (!s.options.run_blocking) return Status::invalid("the server needs a worker executor");
  // Registered here, before the caller announces the port: a SIGTERM that arrives between
  // the announcement and run() is queued for the drain instead of killing the process.
  s.signals.add(SIGINT);
  s.signals.add(SIGTERM);
  if (s.options.tls_cert_file.empty() != s.options.tls_key_file.empty()) {
    return Status::invalid("TLS needs both a certificate and a key file");
  }
  if (!s.options.tls_cert_file.empty()) {
    s.tls.emplace(ssl::context::tls_server);
    s.tls->set_options(ssl::context::default_workarounds | ssl::context::no_sslv2 |
                       ssl::context::no_sslv3 | ssl::context::no_tlsv1 | ssl::context::no_tlsv1_1);
    beast::error_code ec;
    s.tls->use_certificate_chain_file(s.options.tls_cert_file, ec);
    if (ec) return Status::invalid("cannot load the TLS certificate " + s.options.tls_cert_file);
    s.tls->use_private_key_file(s.options.tls_key_file, ssl::context::pem, ec);
    if (ec) return Status::invalid("cannot load the TLS key " + s.options.tls_key_file);
  }
  beast::error_code ec;
  auto address = net::ip::make_address(s.options.host, ec);
  if (ec) return Status::invalid("not an IP address: '" + s.options.host + "'");
  tcp::endpoint endpoint(address, static_cast<unsigned short>(s.options.port));
  s.acceptor.open(endpoint.protocol(), ec);
  if (!ec) s.acceptor.set_option(net::socket_base::reuse_address(true), ec);
  if (!ec) s.acceptor.bind(endpoint, ec);
  if (!ec) s.acceptor.listen(net::socket_base::max_listen_connections, ec);
  if (ec) {
    return Status::io("cannot listen on " + s.options.host + ":" + std::to_string(s.options.port) +
                      ": " + ec.message());
  }
  s.bound_port = s.acceptor.local_endpoint().port();
  return Status::ok();
}

int HttpServer::port() const { return impl_->bound_port; }

void HttpServer::run() {
  Impl& s = *impl_;
  s.signals.async_wait([this](const beast::error_code& ec, int) {
    if (!ec) request_stop();
  });
  net::co_spawn(s.ioc, s.accept_loop(), net::detached);
  std::vector<std::thread> threads;
  for (size_t i = 1; i < std::max<size_t>(1, s.options.io_threads); ++i) {
    threads.emplace_back([&s] { s.ioc.run(); });
  }
  s.ioc.run();
  for (auto& t : threads) t.join();
}

void HttpServer::request_stop() {
  Impl& s = *impl_;
  net::post(s.ioc, [&s] {
    if (s.draining.exchange(true)) return;
    beast::error_code ec;
    s.acceptor.close(ec);
    s.signals.cancel(ec);
    {
      std::lock_guard lock(s.registry_mutex);
      for (auto& close_if_idle : s.idle_closers) close_if_idle();
    }
    if (s.connections == 0) return;
    s.drain_timer.expires_after(s.options.drain_timeout);
    s.drain_timer.async_wait([&s](const beast::error_code& ec) {
      if (!ec) s.ioc.stop();
    });
  });
}

size_t HttpServer::open_connections() const { return impl_->connections.load(); }
size_t HttpServer::open_streams() const { return impl_->streams.load(); }

}  // namespace ragd::server
