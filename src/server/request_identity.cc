#include "server/request_identity.h"

#include <random>

namespace ragd::server {

namespace {

std::string random_hex(size_t digits) {
  thread_local std::mt19937_64 engine{std::random_device{}()};
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  out.reserve(digits);
  while (out.size() < digits) {
    uint64_t bits = engine();
    for (int i = 0; i < 16 && out.size() < digits; ++i, bits >>= 4) out.push_back(kHex[bits & 15]);
  }
  return out;
}

bool is_lower_hex(std::string_view text) {
  for (char c : text) {
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  }
  return true;
}

bool all_zero(std::string_view text) { return text.find_first_not_of('0') == std::string_view::npos; }

}  // namespace

std::string request_id_for(std::string_view client_id) {
  bool ok = !client_id.empty() && client_id.size() <= 128;
  for (char c : client_id) {
    if (!ok) break;
    ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' ||
         c == '_' || c == '-';
  }
  return ok ? std::string(client_id) : random_hex(32);
}

std::string continue_trace(std::string_view incoming) {
  // 00-<32 hex trace id>-<16 hex parent id>-<2 hex flags>
  std::string trace_id;
  std::string flags = "01";
  if (incoming.size() == 55 && incoming.substr(0, 3) == "00-" && incoming[35] == '-' &&
      incoming[52] == '-') {
    std::string_view id = incoming.substr(3, 32);
    std::string_view parent = incoming.substr(36, 16);
    std::string_view f = incoming.substr(53, 2);
    if (is_lower_hex(id) && is_lower_hex(parent) && is_lower_hex(f) && !all_zero(id) &&
        !all_zero(parent)) {
      trace_id = std::string(id);
      flags = std::string(f);
    }
  }
  if (trace_id.empty()) trace_id = random_hex(32);
  return "00-" + trace_id + "-" + random_hex(16) + "-" + flags;
}

}  // namespace ragd::server
