// FakeServerProcess: runs tests/support/fake_llm_server.py as a child process for C++ tests
// (python3 from PATH; the script prints "PORT <n>" once it listens). Header-only, for the
// test binaries of net, llm, embed and later modules.
//
// shared_fake_server() starts one server per test binary on first use and stops it at exit;
// tests that need a private one (other flags, TLS) construct their own.
#pragma once

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include "net/http_client.h"

extern char** environ;

namespace ragd::testing {

class FakeServerProcess {
 public:
  // Starts the server with `extra_args`; port() is 0 when it did not come up (the reason is
  // in error()).
  explicit FakeServerProcess(const std::vector<std::string>& extra_args = {}) {
    const std::string script = std::string(RAGD_SOURCE_DIR) + "/tests/support/fake_llm_server.py";
    std::vector<std::string> args = {"python3", script};
    args.insert(args.end(), extra_args.begin(), extra_args.end());
    std::vector<char*> argv;
    for (std::string& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    int fds[2];
    if (pipe2(fds, O_CLOEXEC) != 0) {
      error_ = "pipe failed";
      return;
    }
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_adddup2(&actions, fds[1], STDOUT_FILENO);
    const int rc = posix_spawnp(&pid_, "python3", &actions, nullptr, argv.data(), environ);
    posix_spawn_file_actions_destroy(&actions);
    close(fds[1]);
    if (rc != 0) {
      pid_ = -1;
      close(fds[0]);
      error_ = "could not start python3";
      return;
    }
    std::string line;
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
    while (line.find('\n') == std::string::npos && std::chrono::steady_clock::now() < deadline) {
      pollfd p{fds[0], POLLIN, 0};
      if (poll(&p, 1, 200) <= 0) continue;
      char buffer[256];
      const ssize_t n = read(fds[0], buffer, sizeof buffer);
      if (n <= 0) break;
      line.append(buffer, static_cast<size_t>(n));
    }
    close(fds[0]);
    if (line.rfind("PORT ", 0) == 0) port_ = std::stoi(line.substr(5));
    if (port_ == 0) error_ = "the fake server printed '" + line + "' instead of PORT <n>";
  }

  ~FakeServerProcess() {
    if (pid_ > 0) {
      kill(pid_, SIGTERM);
      int status = 0;
      waitpid(pid_, &status, 0);
    }
  }

  FakeServerProcess(const FakeServerProcess&) = delete;
  FakeServerProcess& operator=(const FakeServerProcess&) = delete;

  int port() const { return port_; }
  const std::string& error() const { return error_; }
  std::string base_url(const std::string& scheme = "http") const {
    return scheme + "://127.0.0.1:" + std::to_string(port_);
  }

  // POST /control with a JSON body; returns the response body ("" on failure).
  std::string control(const std::string& json) const { return call("POST", "/control", json); }
  // GET /stats: the JSON text.
  std::string stats() const { return call("GET", "/stats", ""); }

 private:
  std::string call(const std::string& method, const std::string& path,
                   const std::string& body) const {
    HttpClient client;
    HttpRequest request;
    request.method = method;
    request.url = base_url() + path;
    request.body = body;
    if (!body.empty()) request.headers.push_back({"Content-Type", "application/json"});
    HttpCallOptions options;
    options.total_timeout = std::chrono::seconds(10);
    HttpResult result = client.fetch(request, options);
    return result.ok() ? result.value().body : std::string();
  }

  pid_t pid_ = -1;
  int port_ = 0;
  std::string error_;
};

// One server for the whole test binary, started on first use.
inline FakeServerProcess& shared_fake_server() {
  static FakeServerProcess server;
  return server;
}

}  // namespace ragd::testing
