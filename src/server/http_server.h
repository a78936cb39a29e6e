// HttpServer: ragd's HTTP/1.1 front end (Boost.Beast over Asio, C++20 coroutines; optional
// TLS). A few I/O threads run every connection as a coroutine; route handlers, which may
// block, run on the caller's executor (`run_blocking`, a worker pool) and answer through a
// ResponseWriter that hands the result back to the connection.
//
// Per connection: keep-alive; pipelined requests are answered in order, one at a time; the
// header must arrive within header_timeout and a kept-alive connection may idle for
// idle_timeout; request heads over 16 KiB -> 431; bodies over the route's limit -> 413
// (the connection is then closed, as the rest of the body was not read); a handler that has
// not answered by request_timeout gets a 504 sent for it (its Request::cancelled is set).
// Event streams (SSE) are chunked; while a handler runs or a stream is open the server
// watches the socket, so a client that goes away sets Request::cancelled and makes
// EventSink::send return false.
//
// Stopping (request_stop, e.g. on SIGTERM): the listener closes at once, idle connections
// close, requests and streams in flight run to their end (at most drain_timeout), then run()
// returns.
//
// Thread-safety: start() and run() from one thread; request_stop() from any thread.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "common/status.h"
#include "server/router.h"

namespace ragd::server {

struct RequestLog {
  std::string request_id;
  std::string method;
  std::string route;  // the matched pattern; "" when no route matched
  std::string path;
  int status = 0;
  double latency_ms = 0;  // from the first byte of the request to the last byte sent
  uint64_t bytes_sent = 0;
  uint64_t bytes_received = 0;
  std::string traceparent;
  std::string remote;
  bool stream = false;
  // Who asked (empty when unauthenticated or with authentication off).
  std::string organization;
  std::string user;
  std::string api_key;
};

struct HttpServerOptions {
  std::string host = "127.0.0.1";
  int port = 8080;  // 0: any free port (see HttpServer::port)
  size_t io_threads = 1;
  uint64_t max_body_bytes = 10ull << 20;     // buffered routes
  uint64_t max_upload_bytes = 256ull << 20;  // spooled routes
  std::chrono::milliseconds header_timeout{10000};
  std::chrono::milliseconds idle_timeout{60000};
  std::chrono::milliseconds request_timeout{30000};
  std::chrono::milliseconds drain_timeout{30000};
  std::vector<std::string> cors_origins;  // "*" or exact origins; empty: no CORS headers
  std::string tls_cert_file;              // PEM; both set: HTTPS only
  std::string tls_key_file;
  std::string spool_dir;  // where spooled bodies go (created); required for spooled routes
  // Runs a handler off the I/O threads. Must not run it inline.
  std::function<void(std::function<void()>)> run_blocking;
  // Called once per finished request (any thread).
  std::function<void(const RequestLog&)> on_request_done;
};

class HttpServer {
 public:
  HttpServer(HttpServerOptions options, const Router& router);
  ~HttpServer();
  HttpServer(const HttpServer&) = delete;
  HttpServer& operator=(const HttpServer&) = delete;

  // Binds and listens (kIo with the reason when the address is taken or invalid; kInvalidArgument
  // when the TLS files cannot be loaded).
  Status start();
  int port() const;
  // Serves until request_stop() and the drain end.
  void run();
  void request_stop();
  // Connections and streams currently open (for metrics).
  size_t open_connections() const;
  size_t open_streams() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace ragd::server
