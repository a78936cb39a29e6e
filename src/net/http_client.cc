#include "net/http_client.h"

#include <openssl/ssl.h>
#include <openssl/x509v3.h>

#include <algorithm>
#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <cctype>
#include <exception>
#include <limits>
#include <mutex>
#include <optional>

#include "net/url.h"

namespace ragd {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace ssl = asio::ssl;
using tcp = asio::ip::tcp;
using Clock = std::chrono::steady_clock;
using std::chrono::milliseconds;

const char* net_error_kind_name(NetErrorKind kind) {
  switch (kind) {
    case NetErrorKind::kInvalidRequest:
      return "invalid_request";
    case NetErrorKind::kDns:
      return "dns";
    case NetErrorKind::kConnect:
      return "connect";
    case NetErrorKind::kTls:
      return "tls";
    case NetErrorKind::kConnectTimeout:
      return "connect_timeout";
    case NetErrorKind::kFirstByteTimeout:
      return "first_byte_timeout";
    case NetErrorKind::kIdleTimeout:
      return "idle_timeout";
    case NetErrorKind::kTotalTimeout:
      return "total_timeout";
    case NetErrorKind::kCancelled:
      return "cancelled";
    case NetErrorKind::kConnectionLost:
      return "connection_lost";
    case NetErrorKind::kProtocol:
      return "protocol";
    case NetErrorKind::kTooLarge:
      return "too_large";
  }
  return "unknown";
}

Status NetError::to_status() const {
  switch (kind) {
    case NetErrorKind::kInvalidRequest:
      return Status::invalid(message);
    case NetErrorKind::kTooLarge:
      return Status::error(ErrorCode::kTooLarge, message);
    default:
      return Status::io(message);
  }
}

std::optional<std::string> HttpResponse::header(std::string_view name) const {
  for (const HttpHeader& h : headers) {
    if (beast::iequals(h.name, beast::string_view(name.data(), name.size()))) return h.value;
  }
  return std::nullopt;
}

// The TLS context is built on the first https call (loading the system CA store costs tens
// of milliseconds), once per client; clients with the default settings share one context.
struct HttpClient::Tls {
  std::once_flag once;
  std::shared_ptr<ssl::context> context;
  std::string setup_error;
};

namespace {

struct TlsSetup {
  std::shared_ptr<ssl::context> context;
  std::string error;
};

TlsSetup make_tls_context(const HttpClientOptions& options) {
  TlsSetup setup;
  try {
    auto context = std::make_shared<ssl::context>(ssl::context::tls_client);
    context->set_options(ssl::context::default_workarounds | ssl::context::no_sslv2 |
                         ssl::context::no_sslv3 | ssl::context::no_tlsv1 |
                         ssl::context::no_tlsv1_1);
    if (options.verify_tls) {
      context->set_verify_mode(ssl::verify_peer);
      context->set_default_verify_paths();
      if (!options.ca_file.empty()) context->load_verify_file(options.ca_file);
    } else {
      context->set_verify_mode(ssl::verify_none);
    }
    setup.context = std::move(context);
  } catch (const std::exception& e) {
    setup.error = std::string("TLS setup failed: ") + e.what() +
                  (options.ca_file.empty() ? "" : " (ca_file " + options.ca_file + ")");
  }
  return setup;
}

// SSL_CTX may be shared by concurrent connections once it is set up.
const TlsSetup& default_tls_context() {
  static const TlsSetup setup = make_tls_context(HttpClientOptions{});
  return setup;
}

}  // namespace

HttpClient::HttpClient(HttpClientOptions options)
    : options_(std::move(options)), tls_(std::make_unique<Tls>()) {}

HttpClient::~HttpClient() = default;

namespace {

NetError make_error(NetErrorKind kind, std::string message) {
  return NetError{kind, std::move(message)};
}

bool has_line_break(std::string_view text) {
  return text.find_first_of("\r\n", 0) != std::string_view::npos ||
         text.find('\0') != std::string_view::npos;
}

// Drives one call's io_context on the calling thread, with the call's deadlines and
// cancel flag. Handlers still pending when it is destroyed are destroyed uninvoked.
class CallLoop {
 public:
  explicit CallLoop(const HttpCallOptions& options)
      : options_(options), start_(Clock::now()), total_deadline_(start_ + options.total_timeout) {}

  asio::io_context& context() { return context_; }
  Clock::time_point start() const { return start_; }

  // Runs handlers until `done`. When the cancel flag, the total deadline or
  // `phase_deadline` comes first, calls `abort` (which must make the pending operation
  // complete, e.g. by closing the socket), optionally waits for it, and returns the reason.
  template <typename Abort>
  std::optional<NetErrorKind> wait(const bool& done, Clock::time_point phase_deadline,
                                   NetErrorKind phase_kind, Abort&& abort, bool drain = true) {
    constexpr milliseconds kSlice(20);
    while (!done) {
      std::optional<NetErrorKind> reason;
      const auto now = Clock::now();
      if (options_.cancel != nullptr && options_.cancel->load(std::memory_order_relaxed)) {
        reason = NetErrorKind::kCancelled;
      } else if (now >= total_deadline_) {
        reason = NetErrorKind::kTotalTimeout;
      } else if (now >= phase_deadline) {
        reason = phase_kind;
      }
      if (reason) {
        abort();
        if (drain) finish(done);
        return reason;
      }
      const auto next = std::min({now + kSlice, total_deadline_, phase_deadline});
      if (context_.stopped()) context_.restart();
      context_.run_one_until(next);
    }
    return std::nullopt;
  }

 private:
  // Lets an aborted operation's handler run, for at most a second (it completes at once
  // once its socket is closed); a handler still pending later is destroyed uninvoked.
  void finish(const bool& done) {
    const auto limit = Clock::now() + milliseconds(1000);
    while (!done && Clock::now() < limit) {
      if (context_.stopped()) context_.restart();
      context_.run_one_until(limit);
    }
  }

  const HttpCallOptions& options_;
  Clock::time_point start_;
  Clock::time_point total_deadline_;
  asio::io_context context_{1};
};

std::string where(const Url& url) {
  return url.origin();
}

bool is_ip_literal(const std::string& host) {
  boost::system::error_code ec;
  asio::ip::make_address(host, ec);
  return !ec;
}

// Everything after the connection is up, for plain and TLS streams alike.
template <typename Stream>
HttpResult exchange(CallLoop& loop, Stream& stream, const Url& url,
                    http::request<http::string_body>& request, const HttpCallOptions& options) {
  auto abort = [&stream] {
    boost::system::error_code ignored;
    beast::get_lowest_layer(stream).close(ignored);
  };
  const auto connected = Clock::now();
  const auto first_byte_deadline = connected + options.first_byte_timeout;
  const auto never = Clock::time_point::max();

  bool done = false;
  boost::system::error_code ec;
  http::async_write(stream, request, [&](boost::system::error_code e, size_t) {
    ec = e;
    done = true;
  });
  if (auto reason = loop.wait(done, first_byte_deadline, NetErrorKind::kFirstByteTimeout, abort)) {
    return make_error(*reason, "sending the request to " + where(url) + " did not finish");
  }
  if (ec) {
    return make_error(NetErrorKind::kConnectionLost,
                      "sending the request to " + where(url) + " failed: " + ec.message());
  }

  beast::flat_buffer buffer;
  http::response_parser<http::buffer_body> parser;
  parser.header_limit(64 * 1024);
  // Not boost::none: Boost 1.74 compares a content length against an empty optional as
  // "greater" and fails every sized body. Our own cap is checked per piece below.
  parser.body_limit(std::numeric_limits<std::uint64_t>::max());
  if (request.method() == http::verb::head) parser.skip(true);
  done = false;
  http::async_read_header(stream, buffer, parser, [&](boost::system::error_code e, size_t) {
    ec = e;
    done = true;
  });
  if (auto reason = loop.wait(done, first_byte_deadline, NetErrorKind::kFirstByteTimeout, abort)) {
    return make_error(*reason, "waiting for the response of " + where(url));
  }
  if (ec) {
    if (ec == http::error::end_of_stream || ec == asio::error::eof ||
        ec == asio::error::connection_reset || ec == ssl::error::stream_truncated) {
      return make_error(NetErrorKind::kConnectionLost,
                        where(url) + " closed the connection without a response");
    }
    if (ec.category() ==
        http::make_error_code(http::error::end_of_stream).category()) {  // beast's parse errors
      return make_error(NetErrorKind::kProtocol,
                        where(url) + " sent an invalid HTTP response head: " + ec.message());
    }
    return make_error(NetErrorKind::kConnectionLost,
                      "reading the response of " + where(url) + " failed: " + ec.message());
  }

  HttpResponse response;
  response.status = static_cast<int>(parser.get().result_int());
  response.reason = std::string(parser.get().reason());
  for (const auto& field : parser.get()) {
    response.headers.push_back({std::string(field.name_string()), std::string(field.value())});
  }
  if (options.on_head && !options.on_head(response)) {
    abort();
    return make_error(NetErrorKind::kCancelled, "the caller stopped the call after the head");
  }

  bool first_seen = !options.first_byte_seen || options.first_byte_seen();
  std::vector<char> piece(64 * 1024);
  while (!parser.is_done()) {
    parser.get().body().data = piece.data();
    parser.get().body().size = piece.size();
    done = false;
    http::async_read_some(stream, buffer, parser, [&](boost::system::error_code e, size_t) {
      ec = e;
      done = true;
    });
    Clock::time_point deadline = never;
    NetErrorKind phase = NetErrorKind::kTotalTimeout;
    if (!first_seen) {
      deadline = first_byte_deadline;
      phase = NetErrorKind::kFirstByteTimeout;
    } else if (options.idle_timeout.count() > 0) {
      deadline = Clock::now() + options.idle_timeout;
      phase = NetErrorKind::kIdleTimeout;
    }
    if (auto reason = loop.wait(done, deadline, phase, abort)) {
      return make_error(*reason, "reading the response body of " + where(url) + " after " +
                                     std::to_string(response.body_bytes) + " bytes");
    }
    const size_t got = piece.size() - parser.get().body().size;
    if (got > 0) {
      response.body_bytes += got;
      if (response.body_bytes > options.max_response_bytes) {
        abort();
        return make_error(NetErrorKind::kTooLarge,
                          "the response of " + where(url) + " is larger than the limit of " +
                              std::to_string(options.max_response_bytes) + " bytes");
      }
      std::string_view bytes(piece.data(), got);
      if (options.on_body) {
        if (!options.on_body(bytes)) {
          abort();
          return make_error(NetErrorKind::kCancelled, "the caller stopped reading the body");
        }
      } else {
        response.body.append(bytes);
      }
    }
    if (!first_seen && options.first_byte_seen()) first_seen = true;
    if (ec == http::error::need_buffer) ec = {};
    if (ec == ssl::error::stream_truncated && parser.need_eof()) {
      // A TLS peer that ends an until-close body without close_notify: the body is whole
      // as far as HTTP can tell.
      ec = {};
      parser.put_eof(ec);
    }
    if (ec) {
      if (ec == http::error::partial_message || ec == http::error::end_of_stream ||
          ec == asio::error::eof || ec == asio::error::connection_reset ||
          ec == ssl::error::stream_truncated) {
        return make_error(NetErrorKind::kConnectionLost,
                          where(url) + " closed the connection before the response ended (" +
                              std::to_string(response.body_bytes) + " body bytes read)");
      }
      if (ec.category() == http::make_error_code(http::error::end_of_stream).category()) {
        return make_error(NetErrorKind::kProtocol,
                          where(url) + " sent an invalid HTTP body: " + ec.message());
      }
      return make_error(NetErrorKind::kConnectionLost,
                        "reading the response body of " + where(url) + " failed: " + ec.message());
    }
  }
  boost::system::error_code ignored;
  beast::get_lowest_layer(stream).shutdown(tcp::socket::shutdown_both, ignored);
  beast::get_lowest_layer(stream).close(ignored);
  return response;
}

}  // namespace

HttpResult HttpClient::fetch(const HttpRequest& request, const HttpCallOptions& options) const {
  try {
    Result<Url> parsed = parse_url(request.url);
    if (!parsed) return make_error(NetErrorKind::kInvalidRequest, parsed.status().message());
    const Url& url = *parsed;
    if (request.method.empty() || has_line_break(request.method) ||
        request.method.find(' ') != std::string::npos) {
      return make_error(NetErrorKind::kInvalidRequest, "invalid HTTP method");
    }
    http::request<http::string_body> message;
    message.version(11);
    message.method_string(request.method);
    message.target(url.target);
    message.set(http::field::host, url.host_header());
    message.set(http::field::user_agent, options_.user_agent);
    for (const HttpHeader& h : request.headers) {
      if (h.name.empty() || has_line_break(h.name) || has_line_break(h.value) ||
          h.name.find(':') != std::string::npos) {
        return make_error(NetErrorKind::kInvalidRequest,
                          "invalid HTTP header name or value for '" + h.name + "'");
      }
      message.set(h.name, h.value);
    }
    message.body() = request.body;
    message.prepare_payload();

    CallLoop loop(options);
    const auto connect_deadline = loop.start() + options.connect_timeout;
    bool done = false;
    boost::system::error_code ec;

    tcp::resolver resolver(loop.context());
    tcp::resolver::results_type endpoints;
    resolver.async_resolve(url.host, std::to_string(url.port),
                           [&](boost::system::error_code e, tcp::resolver::results_type r) {
                             ec = e;
                             endpoints = std::move(r);
                             done = true;
                           });
    // A lookup cannot be interrupted; it is left to finish on its own (see the header).
    if (auto reason = loop.wait(
            done, connect_deadline, NetErrorKind::kConnectTimeout, [&] { resolver.cancel(); },
            /*drain=*/false)) {
      return make_error(*reason, "resolving " + url.host + " did not finish");
    }
    if (ec) {
      return make_error(NetErrorKind::kDns, "could not resolve host '" + url.host +
                                                "': " + ec.message() + " (check the URL)");
    }

    auto connect = [&](tcp::socket& socket) -> std::optional<NetError> {
      done = false;
      asio::async_connect(socket, endpoints,
                          [&](boost::system::error_code e, const tcp::endpoint&) {
                            ec = e;
                            done = true;
                          });
      auto close = [&socket] {
        boost::system::error_code ignored;
        socket.close(ignored);
      };
      if (auto reason = loop.wait(done, connect_deadline, NetErrorKind::kConnectTimeout, close)) {
        return make_error(*reason, "connecting to " + where(url) + " did not finish");
      }
      if (ec) {
        return make_error(NetErrorKind::kConnect, "could not connect to " + where(url) + ": " +
                                                      ec.message() + " (is the server running?)");
      }
      boost::system::error_code ignored;
      socket.set_option(tcp::no_delay(true), ignored);
      return std::nullopt;
    };

    if (!url.tls()) {
      tcp::socket socket(loop.context());
      if (auto error = connect(socket)) return *error;
      return exchange(loop, socket, url, message, options);
    }

    std::call_once(tls_->once, [this] {
      const bool defaults = options_.verify_tls && options_.ca_file.empty();
      TlsSetup setup = defaults ? default_tls_context() : make_tls_context(options_);
      tls_->context = std::move(setup.context);
      tls_->setup_error = std::move(setup.error);
    });
    if (!tls_->context) return make_error(NetErrorKind::kTls, tls_->setup_error);
    ssl::stream<tcp::socket> stream(loop.context(), *tls_->context);
    SSL* ssl_handle = stream.native_handle();
    const bool ip_host = is_ip_literal(url.host);
    if (!ip_host && SSL_set_tlsext_host_name(ssl_handle, url.host.c_str()) != 1) {
      return make_error(NetErrorKind::kTls, "could not set the TLS server name " + url.host);
    }
    if (options_.verify_tls) {
      X509_VERIFY_PARAM* param = SSL_get0_param(ssl_handle);
      X509_VERIFY_PARAM_set_hostflags(param, X509_CHECK_FLAG_NO_PARTIAL_WILDCARDS);
      const int set = ip_host ? X509_VERIFY_PARAM_set1_ip_asc(param, url.host.c_str())
                              : X509_VERIFY_PARAM_set1_host(param, url.host.c_str(), 0);
      if (set != 1) {
        return make_error(NetErrorKind::kTls, "could not set up host verification for " + url.host);
      }
    }
    if (auto error = connect(stream.next_layer())) return *error;
    done = false;
    stream.async_handshake(ssl::stream_base::client, [&](boost::system::error_code e) {
      ec = e;
      done = true;
    });
    auto close = [&stream] {
      boost::system::error_code ignored;
      stream.next_layer().close(ignored);
    };
    if (auto reason = loop.wait(done, connect_deadline, NetErrorKind::kConnectTimeout, close)) {
      return make_error(*reason, "the TLS handshake with " + where(url) + " did not finish");
    }
    if (ec) {
      const long verify = SSL_get_verify_result(ssl_handle);
      std::string why = ec.message();
      if (options_.verify_tls && verify != X509_V_OK) {
        why = std::string("certificate verification failed: ") +
              X509_verify_cert_error_string(verify);
      }
      return make_error(NetErrorKind::kTls, "TLS handshake with " + where(url) + " failed: " + why);
    }
    return exchange(loop, stream, url, message, options);
  } catch (const std::exception& e) {
    return make_error(NetErrorKind::kProtocol, std::string("HTTP call failed: ") + e.what());
  } catch (...) {
    return make_error(NetErrorKind::kProtocol, "HTTP call failed with an unknown exception");
  }
}

}  // namespace ragd
