// Url: an http:// or https:// URL split into the parts an HTTP client needs.
// parse_url is a pure function; a Url is a plain value, safe to share read-only.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "common/status.h"

namespace ragd {

struct Url {
  std::string scheme;  // "http" or "https", lower-case
  std::string host;    // lower-case name or IP literal; an IPv6 literal without brackets
  uint16_t port = 0;   // explicit port, or 80 / 443 by scheme
  std::string target;  // path and query, always starting with '/'; the fragment is dropped

  bool tls() const { return scheme == "https"; }
  bool host_is_ipv6() const { return host.find(':') != std::string::npos; }
  // The value of the Host header: host (bracketed when IPv6) plus ":port" when not the
  // scheme's default.
  std::string host_header() const;
  // scheme://host[:port] (no target), the form used in ids and messages.
  std::string origin() const;
};

// Parses an absolute http(s) URL. Accepted: scheme (case-insensitive), optional
// userinfo is refused (credentials belong in headers), host name, IPv4 or bracketed IPv6
// literal (zone ids refused), optional port 1-65535, optional path/query/fragment.
// Spaces and control characters anywhere are refused.
Result<Url> parse_url(std::string_view text);

}  // namespace ragd
