// HttpClient: a blocking HTTP/1.1 client (Boost.Beast over Asio, TLS through OpenSSL) for
// the outbound calls ragd makes: LLM providers, embedding servers.
//
// Each call runs on a private io_context driven by the calling thread, so the API is
// synchronous and a call never needs a thread of its own. One connection per call (no
// pooling): requests to LLMs last seconds, so the handshake does not matter.
//
// Behaviour of a call:
//  - DNS, TCP connect and the TLS handshake (SNI; peer verified against the system CA store,
//    or ca_file, including the host name or IP) must finish within connect_timeout;
//  - the response head must then arrive within first_byte_timeout (see first_byte_seen to
//    stretch "first byte" to a caller-defined first event, e.g. an LLM's first token);
//  - body bytes are handed to on_body as they arrive (content-length, chunked or
//    until-close bodies, decoded), or collected into HttpResponse::body when on_body is
//    empty; idle_timeout (when > 0) bounds the silence between two reads;
//  - everything must finish within total_timeout;
//  - `cancel` (when set) is checked at least every 20 ms while waiting.
// Failures come back as NetError values; no exception escapes.
//
// Thread-safety: one HttpClient may serve any number of concurrent calls (the TLS context
// is built once, on the first https call, and only read afterwards). Callbacks run on the
// calling thread.
//
// DNS: a name lookup that outlives a timeout or a cancel is abandoned, but the call
// returns only when the system resolver gives the lookup thread back (bounded by the
// resolver's own timeout). Numeric hosts never block.
#pragma once

#include <atomic>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/status.h"
#include "net/outcome.h"

namespace ragd {

enum class NetErrorKind {
  kInvalidRequest,    // bad URL or request
  kDns,               // the host name did not resolve
  kConnect,           // TCP connect refused or unreachable
  kTls,               // handshake failed, certificate not trusted or for another host
  kConnectTimeout,    // DNS + connect + handshake took longer than connect_timeout
  kFirstByteTimeout,  // no response (or no first event) within first_byte_timeout
  kIdleTimeout,       // the body stalled longer than idle_timeout
  kTotalTimeout,      // the whole call took longer than total_timeout
  kCancelled,         // the cancel flag was set, or a callback returned false
  kConnectionLost,    // the peer closed or reset the connection before the response ended
  kProtocol,          // the response is not valid HTTP/1.1
  kTooLarge,          // the body exceeded max_response_bytes
};

const char* net_error_kind_name(NetErrorKind kind);

struct NetError {
  NetErrorKind kind = NetErrorKind::kProtocol;
  std::string message;  // for people: what failed, where, and the cause

  bool is_timeout() const {
    return kind == NetErrorKind::kConnectTimeout || kind == NetErrorKind::kFirstByteTimeout ||
           kind == NetErrorKind::kIdleTimeout || kind == NetErrorKind::kTotalTimeout;
  }
  // As a ragd::Status (kIo, kInvalidArgument or kTooLarge) for callers that need no kind.
  Status to_status() const;
};

struct HttpHeader {
  std::string name;
  std::string value;
};

struct HttpRequest {
  std::string method = "GET";
  std::string url;
  std::vector<HttpHeader> headers;  // Host, Content-Length and User-Agent are set for you
  std::string body;
};

struct HttpResponse {
  int status = 0;
  std::string reason;
  std::vector<HttpHeader> headers;
  std::string body;  // only when no on_body callback was given
  uint64_t body_bytes = 0;

  // The first header of that name (case-insensitive), or nullopt.
  std::optional<std::string> header(std::string_view name) const;
};

struct HttpCallOptions {
  std::chrono::milliseconds connect_timeout{10'000};
  std::chrono::milliseconds first_byte_timeout{60'000};
  std::chrono::milliseconds idle_timeout{0};  // 0: no limit between body reads
  std::chrono::milliseconds total_timeout{300'000};
  uint64_t max_response_bytes = 64u << 20;  // body bytes after decoding
  const std::atomic<bool>* cancel = nullptr;
  // Called once with status and headers before any body byte; false cancels the call.
  std::function<bool(const HttpResponse& head)> on_head;
  // Called with each piece of decoded body; false cancels the call.
  std::function<bool(std::string_view piece)> on_body;
  // When set, the first-byte timeout keeps running after the head arrived, until this
  // returns true (asked after each body piece).
  std::function<bool()> first_byte_seen;
};

struct HttpClientOptions {
  bool verify_tls = true;  // false only for tests against self-signed servers
  std::string ca_file;     // extra PEM bundle trusted besides the system store
  std::string user_agent = "ragd";
};

using HttpResult = Outcome<HttpResponse, NetError>;

class HttpClient {
 public:
  // Cheap: the TLS context is set up on the first https call. When that fails (say, an
  // unreadable ca_file), https calls fail with kTls and the reason; http:// still works.
  explicit HttpClient(HttpClientOptions options = {});
  ~HttpClient();
  HttpClient(const HttpClient&) = delete;
  HttpClient& operator=(const HttpClient&) = delete;

  HttpResult fetch(const HttpRequest& request, const HttpCallOptions& options) const;

 private:
  struct Tls;
  HttpClientOptions options_;
  std::unique_ptr<Tls> tls_;
};

}  // namespace ragd
