// The values a route handler works with, independent of the HTTP library: the parsed
// request, a whole response, and the writer through which a handler answers, either once
// (respond) or as a stream of Server-Sent Events (start_events).
//
// Thread-safety: a Request belongs to the handler running it. A ResponseWriter and the
// EventSink it hands out may be used from any one thread at a time, including a thread
// other than the handler's (a stream may outlive the handler call that started it).
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "platform/principal.h"

namespace ragd::server {

struct Request {
  std::string method;  // upper case: "GET", "POST", ...
  std::string target;  // as received: path and query
  std::string path;    // percent-decoded path without the query
  std::vector<std::pair<std::string, std::string>> query;  // decoded, in order
  std::map<std::string, std::string> headers;  // names lower case; repeated ones joined by ", "
  std::string body;       // the body, unless it was spooled to body_file
  std::string body_file;  // a temporary file holding a large body; removed after the request
  uint64_t body_bytes = 0;
  std::string remote;  // peer address
  // Set by the server before the handler runs.
  std::string request_id;   // the client's X-Request-ID when acceptable, else generated
  std::string traceparent;  // W3C trace context for upstream calls (continued or started)
  std::string route;        // the matched route pattern, e.g. "/v1/collections/{name}"
  std::map<std::string, std::string> params;  // path parameters of the route pattern
  // Who is asking (set by the request gate, request_gate.h); the local owner with auth off.
  platform::Principal principal;
  // Set when the client went away or the request deadline passed; long handlers check it.
  std::shared_ptr<std::atomic<bool>> cancelled = std::make_shared<std::atomic<bool>>(false);

  // The header's value, or "" when absent (name in any case).
  std::string header(std::string_view name) const;
  // The first query parameter with this name, or nullptr.
  const std::string* query_param(std::string_view name) const;
};

struct Response {
  int status = 200;
  std::string content_type = "application/json";
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;  // extra headers
};

// One open event stream to the client. send() queues an event and blocks while the client is
// more than a bounded number of bytes behind (backpressure); it returns false once the client
// has gone away, the server is being stopped past its drain time, or the stream was closed.
class EventSink {
 public:
  virtual ~EventSink() = default;
  // One SSE event: "event: <event>\ndata: <data>\n\n" (data split on newlines into several
  // data lines). An empty event name sends a data-only event.
  virtual bool send(std::string_view event, std::string_view data) = 0;
  // A comment line (": ...\n\n"), for keep-alive pings.
  virtual bool send_comment(std::string_view text) = 0;
  // Whether the client has gone away.
  virtual bool client_gone() const = 0;
  // Ends the stream; the connection then serves its next request. Called by the destructor
  // of the server's implementation when the handler forgot.
  virtual void close() = 0;
};

// How a handler answers. Exactly one of respond() and start_events() is called, once.
class ResponseWriter {
 public:
  virtual ~ResponseWriter() = default;
  virtual void respond(Response response) = 0;
  // Sends the status and headers of an SSE response (text/event-stream, no-cache) and
  // returns the sink for its events.
  virtual std::shared_ptr<EventSink> start_events(
      std::vector<std::pair<std::string, std::string>> headers = {}) = 0;
  virtual bool responded() const = 0;
  // For an answer that comes later from another thread: returns the function that sends it
  // (call it once, from any thread) and lets the handler return meanwhile.
  virtual std::function<void(Response)> defer() = 0;
};

}  // namespace ragd::server
