#include "net/url.h"

#include <cctype>

namespace ragd {

namespace {

std::string lower(std::string_view text) {
  std::string out(text);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

bool is_host_char(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '.' || c == '_';
}

Status bad(std::string_view text, std::string_view why) {
  return Status::invalid("invalid URL '" + std::string(text) + "': " + std::string(why) +
                         " (expected http://host[:port][/path] or https://...)");
}

}  // namespace

std::string Url::host_header() const {
  std::string out = host_is_ipv6() ? "[" + host + "]" : host;
  const uint16_t default_port = tls() ? 443 : 80;
  if (port != default_port) out += ":" + std::to_string(port);
  return out;
}

std::string Url::origin() const {
  std::string out = scheme + "://" + (host_is_ipv6() ? "[" + host + "]" : host);
  const uint16_t default_port = tls() ? 443 : 80;
  if (port != default_port) out += ":" + std::to_string(port);
  return out;
}

Result<Url> parse_url(std::string_view text) {
  for (char c : text) {
    if (static_cast<unsigned char>(c) <= 0x20 || c == 0x7f) {
      return bad(text, "contains spaces or control characters");
    }
  }
  const size_t scheme_end = text.find("://");
  if (scheme_end == std::string_view::npos) return bad(text, "no scheme");
  Url url;
  url.scheme = lower(text.substr(0, scheme_end));
  if (url.scheme != "http" && url.scheme != "https") {
    return bad(text, "scheme must be http or https");
  }
  std::string_view rest = text.substr(scheme_end + 3);
  const size_t authority_end = rest.find_first_of("/?#");
  std::string_view authority = rest.substr(0, authority_end);
  std::string_view tail =
      authority_end == std::string_view::npos ? std::string_view() : rest.substr(authority_end);
  if (authority.find('@') != std::string_view::npos) {
    return bad(text, "user:password in URLs is not supported; use an API key setting");
  }
  std::string_view port_text;
  if (!authority.empty() && authority.front() == '[') {
    const size_t close = authority.find(']');
    if (close == std::string_view::npos) return bad(text, "unterminated IPv6 literal");
    std::string_view literal = authority.substr(1, close - 1);
    if (literal.empty()) return bad(text, "empty IPv6 literal");
    for (char c : literal) {
      if (!std::isxdigit(static_cast<unsigned char>(c)) && c != ':' && c != '.') {
        return bad(text, "invalid character in IPv6 literal");
      }
    }
    if (literal.find(':') == std::string_view::npos) return bad(text, "invalid IPv6 literal");
    url.host = lower(literal);
    std::string_view after = authority.substr(close + 1);
    if (!after.empty()) {
      if (after.front() != ':') return bad(text, "unexpected text after IPv6 literal");
      port_text = after.substr(1);
      if (port_text.empty()) return bad(text, "empty port");
    }
  } else {
    const size_t colon = authority.rfind(':');
    std::string_view host = authority.substr(0, colon);
    if (colon != std::string_view::npos) {
      port_text = authority.substr(colon + 1);
      if (port_text.empty()) return bad(text, "empty port");
    }
    for (char c : host) {
      if (!is_host_char(c)) return bad(text, "invalid character in host");
    }
    url.host = lower(host);
  }
  if (url.host.empty()) return bad(text, "no host");
  if (!port_text.empty()) {
    if (port_text.size() > 5) return bad(text, "port out of range");
    uint32_t port = 0;
    for (char c : port_text) {
      if (!std::isdigit(static_cast<unsigned char>(c))) return bad(text, "port is not a number");
      port = port * 10 + static_cast<uint32_t>(c - '0');
    }
    if (port == 0 || port > 65535) return bad(text, "port out of range");
    url.port = static_cast<uint16_t>(port);
  } else {
    url.port = url.tls() ? 443 : 80;
  }
  const size_t fragment = tail.find('#');
  if (fragment != std::string_view::npos) tail = tail.substr(0, fragment);
  if (tail.empty()) {
    url.target = "/";
  } else if (tail.front() == '?') {
    url.target = "/" + std::string(tail);
  } else {
    url.target = std::string(tail);
  }
  return url;
}

}  // namespace ragd
