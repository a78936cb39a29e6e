#include "server/router.h"

#include <algorithm>

#include "server/url_decode.h"

namespace ragd::server {

namespace {

std::vector<std::string_view> split_segments(std::string_view path) {
  std::vector<std::string_view> out;
  size_t i = 0;
  if (!path.empty() && path[0] == '/') i = 1;
  while (i <= path.size()) {
    size_t j = path.find('/', i);
    if (j == std::string_view::npos) j = path.size();
    out.push_back(path.substr(i, j - i));
    i = j + 1;
  }
  return out;
}

// Matches `pattern` against the raw (still percent-encoded) path, so that an encoded "/"
// inside a parameter stays inside it; parameters are decoded after the split.
bool match_pattern(std::string_view pattern, std::string_view path,
                   std::map<std::string, std::string>& params) {
  auto want = split_segments(pattern);
  auto got = split_segments(path);
  if (want.size() != got.size()) return false;
  std::map<std::string, std::string> found;
  for (size_t i = 0; i < want.size(); ++i) {
    std::string_view w = want[i];
    if (w.size() >= 2 && w.front() == '{' && w.back() == '}') {
      if (got[i].empty()) return false;
      auto decoded = percent_decode(got[i]);
      if (!decoded) return false;
      found.emplace(std::string(w.substr(1, w.size() - 2)), std::move(*decoded));
    } else if (w != got[i]) {
      return false;
    }
  }
  params = std::move(found);
  return true;
}

}  // namespace

void Router::add(std::string method, std::string pattern, Handler handler, BodyMode body) {
  routes_.push_back(Route{std::move(method), std::move(pattern), std::move(handler), body});
}

RouteMatch Router::match(std::string_view method, std::string_view raw_path) const {
  RouteMatch result;
  for (const Route& route : routes_) {
    std::map<std::string, std::string> params;
    if (!match_pattern(route.pattern, raw_path, params)) continue;
    if (route.method == method || (method == "HEAD" && route.method == "GET")) {
      if (result.route == nullptr) {
        result.route = &route;
        result.params = std::move(params);
      }
    }
    if (std::find(result.allowed.begin(), result.allowed.end(), route.method) ==
        result.allowed.end()) {
      result.allowed.push_back(route.method);
    }
  }
  return result;
}

}  // namespace ragd::server
