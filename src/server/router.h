// Router: maps (method, path) to a handler. Patterns are literal segments and `{name}`
// segments, which match one non-empty path segment and land in Request::params.
// A path that matches a pattern but not its method gives 405 with an Allow header; no
// pattern gives 404.
//
// Handlers run on the server's worker threads and may block (store, indexes, models).
// Thread-safety: add routes before the server starts; match() is then read-only and safe
// from any thread.
#pragma once

#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "server/http_message.h"

namespace ragd::server {

using Handler = std::function<void(Request&, ResponseWriter&)>;

// How the server reads a route's body.
enum class BodyMode {
  kBuffered,  // into Request::body, up to the body limit
  kSpooled,   // into a temporary file (Request::body_file), up to the upload limit
};

struct Route {
  std::string method;
  std::string pattern;
  Handler handler;
  BodyMode body = BodyMode::kBuffered;
};

struct RouteMatch {
  const Route* route = nullptr;         // null: no route for this method
  std::vector<std::string> allowed;     // methods the path allows (for 405); empty: 404
  std::map<std::string, std::string> params;
};

class Router {
 public:
  void add(std::string method, std::string pattern, Handler handler,
           BodyMode body = BodyMode::kBuffered);
  RouteMatch match(std::string_view method, std::string_view path) const;
  const std::vector<Route>& routes() const { return routes_; }

 private:
  std::vector<Route> routes_;
};

}  // namespace ragd::server
