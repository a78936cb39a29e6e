// HttpClient against real local servers: the fake LLM server's /test fixtures, raw sockets
// that never answer, and TLS servers with certificates made for the test.
#include "net/http_client.h"

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <cstdlib>
#include <filesystem>
#include <thread>

#include "../../support/fake_server_process.h"

namespace ragd {
namespace {

using std::chrono::milliseconds;
using testing::FakeServerProcess;
using testing::shared_fake_server;

class HttpClientTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_NE(shared_fake_server().port(), 0) << shared_fake_server().error();
  }
  static std::string url(const std::string& path) { return shared_fake_server().base_url() + path; }
  static HttpCallOptions quick() {
    HttpCallOptions options;
    options.connect_timeout = milliseconds(5000);
    options.first_byte_timeout = milliseconds(10000);
    options.total_timeout = milliseconds(20000);
    return options;
  }
  static std::string expected_bytes(size_t n) {
    std::string out;
    while (out.size() < n) out += "0123456789";
    out.resize(n);
    return out;
  }
  HttpClient client_;
};

// A TCP socket on 127.0.0.1 that listens (so connects succeed) but never accepts or answers.
class SilentListener {
 public:
  SilentListener() {
    fd_ = socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    bind(fd_, reinterpret_cast<sockaddr*>(&address), sizeof address);
    socklen_t length = sizeof address;
    getsockname(fd_, reinterpret_cast<sockaddr*>(&address), &length);
    port_ = ntohs(address.sin_port);
  }
  ~SilentListener() { close(fd_); }
  void listen_now() { listen(fd_, 16); }
  int port() const { return port_; }

 private:
  int fd_ = -1;
  int port_ = 0;
};

TEST_F(HttpClientTest, ContentLengthBodyCollected) {
  HttpResult result = client_.fetch({.url = url("/test/bytes?n=100000&mode=length")}, quick());
  ASSERT_TRUE(result.ok()) << result.error().message;
  EXPECT_EQ(result->status, 200);
  EXPECT_EQ(result->header("content-length"), "100000");
  EXPECT_EQ(result->body, expected_bytes(100000));
  EXPECT_EQ(result->body_bytes, 100000u);
}

TEST_F(HttpClientTest, ChunkedBodyStreamedInPieces) {
  HttpCallOptions options = quick();
  std::string collected;
  int pieces = 0;
  bool head_seen = false;
  options.on_head = [&](const HttpResponse& head) {
    head_seen = true;
    EXPECT_EQ(head.header("Transfer-Encoding"), "chunked");
    return true;
  };
  options.on_body = [&](std::string_view piece) {
    EXPECT_TRUE(head_seen);
    collected.append(piece);
    ++pieces;
    return true;
  };
  HttpResult result = client_.fetch(
      {.url = url("/test/bytes?n=5000&mode=chunked&piece=1000&delay_ms=20")}, options);
  ASSERT_TRUE(result.ok()) << result.error().message;
  EXPECT_EQ(collected, expected_bytes(5000));
  EXPECT_TRUE(result->body.empty());  // delivered to the callback instead
  EXPECT_GE(pieces, 2);
}

TEST_F(HttpClientTest, BodyUntilClose) {
  HttpResult result =
      client_.fetch({.url = url("/test/bytes?n=3000&mode=close&piece=700")}, quick());
  ASSERT_TRUE(result.ok()) << result.error().message;
  EXPECT_EQ(result->body, expected_bytes(3000));
}

TEST_F(HttpClientTest, PostSendsHeadersAndBody) {
  HttpRequest request{.method = "POST",
                      .url = url("/test/echo?q=1"),
                      .headers = {{"X-Trace", "abc"}, {"Content-Type", "application/json"}},
                      .body = "{\"hello\": \"w\\u00f6rld\"}"};
  HttpResult result = client_.fetch(request, quick());
  ASSERT_TRUE(result.ok()) << result.error().message;
  const std::string& body = result->body;
  EXPECT_NE(body.find("\"method\": \"POST\""), std::string::npos) << body;
  EXPECT_NE(body.find("\"path\": \"/test/echo?q=1\""), std::string::npos) << body;
  EXPECT_NE(body.find("\"X-Trace\": \"abc\""), std::string::npos) << body;
  EXPECT_NE(body.find("\"Host\": \"127.0.0.1:" + std::to_string(shared_fake_server().port())),
            std::string::npos)
      << body;
  EXPECT_NE(body.find("w\\\\u00f6rld"), std::string::npos) << body;
}

TEST_F(HttpClientTest, NotFoundIsAResponseNotAnError) {
  HttpResult result = client_.fetch({.url = url("/nowhere")}, quick());
  ASSERT_TRUE(result.ok());
  EXPECT_EQ(result->status, 404);
}

TEST_F(HttpClientTest, ConnectRefused) {
  SilentListener bound_not_listening;
  HttpResult result = client_.fetch(
      {.url = "http://127.0.0.1:" + std::to_string(bound_not_listening.port()) + "/"}, quick());
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.error().kind, NetErrorKind::kConnect) << result.error().message;
}

TEST_F(HttpClientTest, DnsFailure) {
  HttpResult result = client_.fetch({.url = "http://no-such-host.invalid/"}, quick());
  ASSERT_FALSE(result.ok());
  // Where no resolver answers at all, the lookup runs into the connect timeout instead.
  EXPECT_TRUE(result.error().kind == NetErrorKind::kDns ||
              result.error().kind == NetErrorKind::kConnectTimeout)
      << result.error().message;
}

TEST_F(HttpClientTest, TlsHandshakeThatNeverEndsIsAConnectTimeout) {
  SilentListener listener;
  listener.listen_now();
  HttpCallOptions options = quick();
  options.connect_timeout = milliseconds(200);
  HttpResult result =
      client_.fetch({.url = "https://127.0.0.1:" + std::to_string(listener.port()) + "/"}, options);
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.error().kind, NetErrorKind::kConnectTimeout) << result.error().message;
  EXPECT_TRUE(result.error().is_timeout());
}

TEST_F(HttpClientTest, FirstByteTimeout) {
  SilentListener listener;
  listener.listen_now();
  HttpCallOptions options = quick();
  options.first_byte_timeout = milliseconds(200);
  HttpResult result =
      client_.fetch({.url = "http://127.0.0.1:" + std::to_string(listener.port()) + "/"}, options);
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.error().kind, NetErrorKind::kFirstByteTimeout) << result.error().message;

  HttpResult stalled = client_.fetch({.url = url("/test/stall-head?ms=10000")}, options);
  ASSERT_FALSE(stalled.ok());
  EXPECT_EQ(stalled.error().kind, NetErrorKind::kFirstByteTimeout);
}

TEST_F(HttpClientTest, FirstByteCanWaitForTheCallersFirstEvent) {
  HttpCallOptions options = quick();
  options.first_byte_timeout = milliseconds(300);
  options.on_body = [](std::string_view) { return true; };
  options.first_byte_seen = [] { return false; };  // the first 10 bytes are not "it"
  HttpResult result = client_.fetch({.url = url("/test/stall-body?ms=10000")}, options);
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.error().kind, NetErrorKind::kFirstByteTimeout) << result.error().message;
}

TEST_F(HttpClientTest, IdleTimeout) {
  HttpCallOptions options = quick();
  options.idle_timeout = milliseconds(200);
  HttpResult result = client_.fetch({.url = url("/test/stall-body?ms=10000")}, options);
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.error().kind, NetErrorKind::kIdleTimeout) << result.error().message;
}

TEST_F(HttpClientTest, TotalTimeout) {
  HttpCallOptions options = quick();
  options.total_timeout = milliseconds(300);
  HttpResult result = client_.fetch({.url = url("/test/stall-body?ms=10000")}, options);
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.error().kind, NetErrorKind::kTotalTimeout) << result.error().message;
}

TEST_F(HttpClientTest, CancelFlagStopsAWait) {
  std::atomic<bool> cancel{false};
  HttpCallOptions options = quick();
  options.cancel = &cancel;
  std::thread canceller([&] {
    std::this_thread::sleep_for(milliseconds(100));
    cancel = true;
  });
  HttpResult result = client_.fetch({.url = url("/test/stall-head?ms=10000")}, options);
  canceller.join();
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.error().kind, NetErrorKind::kCancelled) << result.error().message;
}

TEST_F(HttpClientTest, CallbacksCanCancel) {
  HttpCallOptions options = quick();
  int calls = 0;
  options.on_body = [&](std::string_view) { return ++calls < 2; };
  HttpResult result = client_.fetch(
      {.url = url("/test/bytes?n=5000&mode=chunked&piece=1000&delay_ms=10")}, options);
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.error().kind, NetErrorKind::kCancelled);
  EXPECT_EQ(calls, 2);

  HttpCallOptions head_options = quick();
  head_options.on_head = [](const HttpResponse&) { return false; };
  HttpResult refused = client_.fetch({.url = url("/test/bytes?n=10")}, head_options);
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().kind, NetErrorKind::kCancelled);
}

TEST_F(HttpClientTest, SizeCap) {
  HttpCallOptions options = quick();
  options.max_response_bytes = 1000;
  HttpResult result = client_.fetch({.url = url("/test/bytes?n=100000&mode=chunked")}, options);
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.error().kind, NetErrorKind::kTooLarge);
  EXPECT_EQ(result.error().to_status().code(), ErrorCode::kTooLarge);
  HttpResult fits = client_.fetch({.url = url("/test/bytes?n=1000")}, options);
  EXPECT_TRUE(fits.ok());
}

TEST_F(HttpClientTest, ConnectionLostMidBody) {
  HttpResult result = client_.fetch({.url = url("/test/cut")}, quick());
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.error().kind, NetErrorKind::kConnectionLost) << result.error().message;
}

TEST_F(HttpClientTest, GarbageIsAProtocolError) {
  HttpResult result = client_.fetch({.url = url("/test/garbage")}, quick());
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.error().kind, NetErrorKind::kProtocol) << result.error().message;
}

TEST_F(HttpClientTest, InvalidRequestsRefusedBeforeConnecting) {
  for (HttpRequest request : {HttpRequest{.url = "not a url"},
                              HttpRequest{.url = url("/"), .headers = {{"X", "a\r\nInjected: 1"}}},
                              HttpRequest{.method = "GET /x", .url = url("/")},
                              HttpRequest{.url = url("/"), .headers = {{"Bad:Name", "v"}}}}) {
    HttpResult result = client_.fetch(request, quick());
    ASSERT_FALSE(result.ok());
    EXPECT_EQ(result.error().kind, NetErrorKind::kInvalidRequest) << request.url;
  }
}

TEST_F(HttpClientTest, ConcurrentCallsOnOneClient) {
  std::vector<std::thread> threads;
  std::atomic<int> ok{0};
  for (int i = 0; i < 6; ++i) {
    threads.emplace_back([&, i] {
      HttpResult r = client_.fetch(
          {.url = url("/test/bytes?n=" + std::to_string(1000 * (i + 1)) + "&mode=chunked")},
          quick());
      if (r.ok() && r->body == expected_bytes(1000 * (i + 1))) ++ok;
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(ok.load(), 6);
}

// TLS: a fresh self-signed certificate per run, served by the fake server.
class HttpClientTlsTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new std::filesystem::path(std::filesystem::temp_directory_path() /
                                     ("ragd-tls-" + std::to_string(getpid())));
    std::filesystem::create_directories(*dir_);
    const std::string d = dir_->string();
    auto make_cert = [&](const std::string& name, const std::string& san) {
      const std::string command =
          "openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 1 "
          "-subj /CN=ragd-test -addext subjectAltName=" +
          san + " -keyout " + d + "/" + name + ".key -out " + d + "/" + name +
          ".pem >/dev/null 2>&1";
      return std::system(command.c_str()) == 0;
    };
    ok_ =
        make_cert("good", "IP:127.0.0.1,DNS:localhost") && make_cert("other", "DNS:other.example");
    if (!ok_) return;
    good_ = new FakeServerProcess({"--tls-cert", d + "/good.pem", "--tls-key", d + "/good.key"});
    other_ = new FakeServerProcess({"--tls-cert", d + "/other.pem", "--tls-key", d + "/other.key"});
  }
  static void TearDownTestSuite() {
    delete good_;
    delete other_;
    std::filesystem::remove_all(*dir_);
    delete dir_;
  }
  void SetUp() override {
    ASSERT_TRUE(ok_) << "openssl could not make a test certificate";
    ASSERT_NE(good_->port(), 0) << good_->error();
    ASSERT_NE(other_->port(), 0) << other_->error();
  }
  static HttpRequest get(const FakeServerProcess& server) {
    return {.url = server.base_url("https") + "/test/bytes?n=2000&mode=chunked"};
  }

  static inline std::filesystem::path* dir_ = nullptr;
  static inline bool ok_ = false;
  static inline FakeServerProcess* good_ = nullptr;
  static inline FakeServerProcess* other_ = nullptr;
};

TEST_F(HttpClientTlsTest, VerificationOnRefusesSelfSigned) {
  HttpClient client;
  HttpResult result = client.fetch(get(*good_), {});
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.error().kind, NetErrorKind::kTls);
  EXPECT_NE(result.error().message.find("certificate"), std::string::npos)
      << result.error().message;
}

TEST_F(HttpClientTlsTest, VerificationOffWorks) {
  HttpClient client(HttpClientOptions{.verify_tls = false});
  HttpResult result = client.fetch(get(*good_), {});
  ASSERT_TRUE(result.ok()) << result.error().message;
  EXPECT_EQ(result->body.size(), 2000u);
}

TEST_F(HttpClientTlsTest, TrustedCaAndMatchingNameWorks) {
  HttpClient client(HttpClientOptions{.ca_file = (*dir_ / "good.pem").string()});
  HttpResult result = client.fetch(get(*good_), {});
  ASSERT_TRUE(result.ok()) << result.error().message;
  EXPECT_EQ(result->body.size(), 2000u);
}

TEST_F(HttpClientTlsTest, TrustedCaButWrongNameRefused) {
  HttpClient client(HttpClientOptions{.ca_file = (*dir_ / "other.pem").string()});
  HttpResult result = client.fetch(get(*other_), {});
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.error().kind, NetErrorKind::kTls) << result.error().message;
}

TEST_F(HttpClientTlsTest, MissingCaFileIsAClearTlsError) {
  HttpClient client(HttpClientOptions{.ca_file = "/nonexistent/ca.pem"});
  HttpResult result = client.fetch(get(*good_), {});
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.error().kind, NetErrorKind::kTls);
  EXPECT_NE(result.error().message.find("/nonexistent/ca.pem"), std::string::npos);
  // Plain http still works with that client.
  HttpResult plain = client.fetch({.url = shared_fake_server().base_url() + "/test/bytes?n=5"}, {});
  EXPECT_TRUE(plain.ok());
}

}  // namespace
}  // namespace ragd
