// The gate every API request passes before its handler (DESIGN: auth -> quota/rate):
// authenticate the bearer credential (401), check the route's permission (403), apply the
// sliding-window rate limits per API key or user and per IP (429 rate_limited), and count an
// API call against the daily quota when the request came with an API key (429
// QUOTA_EXCEEDED). The principal lands in Request::principal; the RateLimit-* headers of the
// tightest window (and Quota-Warning when a quota is nearly spent) are added to whatever the
// handler answers. With authentication off every request is the local owner and none of this
// runs.
// Thread-safety: secured() handlers run on any worker thread.
#pragma once

#include <optional>
#include <string>

#include "platform/auth_service.h"
#include "platform/roles.h"
#include "server/router.h"
#include "server/services.h"

namespace ragd::server {

enum class RateClass { kGeneral, kChat, kSearch };

struct RouteAccess {
  std::optional<platform::Permission> permission;  // nullopt: a public route
  RateClass rate = RateClass::kGeneral;
};

inline RouteAccess needs(platform::Permission permission, RateClass rate = RateClass::kGeneral) {
  return {permission, rate};
}
inline RouteAccess public_route() { return {}; }

// The handler behind the gate, wrapped by `guarded` (errors become responses).
Handler secured(Services& services, RouteAccess access,
                std::function<void(Request&, ResponseWriter&)> handler);

// 403 forbidden naming the permission, when the request's principal lacks it.
void require_permission(const Request& request, platform::Permission permission);

// The audit context of a request (IP without port, User-Agent, request id).
platform::RequestContext request_context(const Request& request);

// Appends an audit entry for the request's principal (no-op with authentication off).
void audit_request(Services& services, const Request& request, const std::string& action,
                   const std::string& target, const std::string& outcome,
                   const nlohmann::json& details = nlohmann::json::object());

// The platform, or 404 not_found when the server runs with authentication off.
PlatformServices& platform_or_404(Services& services);

// The client address without its port.
std::string client_ip(const Request& request);

}  // namespace ragd::server
