#include "server/request_gate.h"

#include <chrono>

#include "server/api_error.h"
#include "server/api_exception.h"
#include "server/platform_json.h"
#include "server/quota_support.h"
#include "server/routes.h"

namespace ragd::server {

namespace {

using platform::Permission;
using platform::Principal;
using Headers = std::vector<std::pair<std::string, std::string>>;

// Adds headers to whatever the handler answers, however it answers.
class HeaderAddingWriter final : public ResponseWriter {
 public:
  HeaderAddingWriter(ResponseWriter& inner, Headers headers)
      : inner_(inner), headers_(std::move(headers)) {}
  void respond(Response response) override { inner_.respond(with_headers(std::move(response), headers_)); }
  std::shared_ptr<EventSink> start_events(Headers headers) override {
    headers.insert(headers.end(), headers_.begin(), headers_.end());
    return inner_.start_events(std::move(headers));
  }
  bool responded() const override { return inner_.responded(); }
  std::function<void(Response)> defer() override {
    return [send = inner_.defer(), headers = headers_](Response response) {
      send(with_headers(std::move(response), headers));
    };
  }

 private:
  static Response with_headers(Response response, const Headers& headers) {
    response.headers.insert(response.headers.end(), headers.begin(), headers.end());
    return response;
  }
  ResponseWriter& inner_;
  Headers headers_;
};

std::string bearer_of(const Request& request) {
  std::string value = request.header("authorization");
  if (value.size() < 7) return "";
  for (size_t i = 0; i < 6; ++i) {
    if (std::tolower(static_cast<unsigned char>(value[i])) != "bearer"[i]) return "";
  }
  if (value[6] != ' ') return "";
  size_t start = value.find_first_not_of(' ', 7);
  return start == std::string::npos ? "" : value.substr(start);
}

[[noreturn]] void unauthenticated(const std::string& message) {
  throw ApiException(401, "unauthenticated", message);
}

int64_t class_limit(const platform::Plan& plan, RateClass rate) {
  switch (rate) {
    case RateClass::kChat:
      return plan.chat_per_minute;
    case RateClass::kSearch:
      return plan.search_per_minute;
    case RateClass::kGeneral:
      break;
  }
  return -1;
}

const char* class_name(RateClass rate) {
  switch (rate) {
    case RateClass::kChat:
      return "chat";
    case RateClass::kSearch:
      return "search";
    case RateClass::kGeneral:
      break;
  }
  return "all";
}

// Applies every window that concerns the request; returns the headers of the tightest one
// and throws 429 on the first denial.
Headers apply_rate_limits(PlatformServices& platform, ServerMetrics& metrics, const Request& request,
                          const platform::Plan& plan, RateClass rate) {
  constexpr std::chrono::milliseconds kMinute{60'000};
  const Principal& who = request.principal;
  std::string subject;
  if (!who.api_key.empty()) {
    subject = "k:" + who.api_key;
  } else if (!who.user.empty()) {
    subject = "u:" + who.user;
  }
  const std::string ip = "ip:" + client_ip(request);
  struct Window {
    std::string key;
    int64_t limit;
    const char* scope;
  };
  std::vector<Window> windows;
  if (!subject.empty()) windows.push_back({subject + "|all", plan.requests_per_minute, "all"});
  windows.push_back({ip + "|all", plan.requests_per_minute, "all"});
  if (rate != RateClass::kGeneral) {
    const int64_t limit = class_limit(plan, rate);
    if (!subject.empty()) windows.push_back({subject + "|" + class_name(rate), limit, class_name(rate)});
    windows.push_back({ip + "|" + class_name(rate), limit, class_name(rate)});
  }
  platform::RateDecision tightest;
  bool have = false;
  for (const Window& window : windows) {
    platform::RateDecision decision = platform.limiter->hit(window.key, window.limit, kMinute);
    if (!decision.allowed) {
      metrics.rate_limited.with({window.scope}).inc();
      Headers headers = {{"RateLimit-Limit", std::to_string(decision.limit)},
                         {"RateLimit-Remaining", "0"},
                         {"RateLimit-Reset", std::to_string(decision.reset_seconds)},
                         {"Retry-After", std::to_string(std::max<int64_t>(1, decision.retry_after_seconds))}};
      ApiException error(429, error_code::kRateLimited,
                         "too many requests: at most " + std::to_string(decision.limit) +
                             " per minute (" + window.scope + "); retry after " +
                             std::to_string(std::max<int64_t>(1, decision.retry_after_seconds)) + " s",
                         {{"limit", decision.limit}, {"window_seconds", 60}, {"scope", window.scope}});
      error.headers = std::move(headers);
      throw error;
    }
    if (decision.limit < 0) continue;
    if (!have || decision.remaining < tightest.remaining) {
      tightest = decision;
      have = true;
    }
  }
  if (!have) return {};
  return {{"RateLimit-Limit", std::to_string(tightest.limit)},
          {"RateLimit-Remaining", std::to_string(tightest.remaining)},
          {"RateLimit-Reset", std::to_string(std::max<int64_t>(tightest.reset_seconds, 1))}};
}

}  // namespace

std::string client_ip(const Request& request) {
  const size_t colon = request.remote.rfind(':');
  return colon == std::string::npos ? request.remote : request.remote.substr(0, colon);
}

platform::RequestContext request_context(const Request& request) {
  platform::RequestContext ctx;
  ctx.ip = client_ip(request);
  ctx.user_agent = request.header("user-agent").substr(0, 512);
  ctx.request_id = request.request_id;
  return ctx;
}

PlatformServices& platform_or_404(Services& services) {
  if (!services.platform) {
    throw ApiException(404, error_code::kNotFound,
                       "this server runs without authentication (--auth off): there are no "
                       "accounts, organisations or API keys");
  }
  return *services.platform;
}

void audit_request(Services& services, const Request& request, const std::string& action,
                   const std::string& target, const std::string& outcome,
                   const nlohmann::json& details) {
  if (!services.platform) return;
  services.platform->auth->audit(&request.principal, action, target, outcome,
                                 request_context(request), json_text(details));
}

void require_permission(const Request& request, Permission permission) {
  if (request.principal.can(permission)) return;
  const std::string name = platform::permission_name(permission);
  throw ApiException(403, "forbidden", "this needs the permission " + name,
                     {{"permission", name}});
}

Handler secured(Services& services, RouteAccess access,
                std::function<void(Request&, ResponseWriter&)> handler) {
  return guarded([&services, access, inner = guarded(std::move(handler))](Request& request,
                                                                           ResponseWriter& writer) {
    PlatformServices* platform = services.platform.get();
    if (!platform) {
      request.principal = Principal::local_owner();
      inner(request, writer);
      return;
    }
    if (access.permission) {
      const std::string bearer = bearer_of(request);
      if (bearer.empty()) {
        services.metrics.auth_failures.with({"missing"}).inc();
        unauthenticated("this needs credentials: Authorization: Bearer <token or API key>");
      }
      auto principal = platform->auth->authenticate(bearer);
      if (!principal.ok()) {
        if (principal.failure == platform::AuthFailure::kUnavailable) {
          account_service_unavailable();
        }
        services.metrics.auth_failures.with({"invalid"}).inc();
        unauthenticated("the credentials are invalid, expired or revoked");
      }
      request.principal = std::move(*principal.value);
      require_permission(request, *access.permission);
    }
    const platform::Plan& plan = platform->plans.plan_or_free(request.principal.plan);
    Headers headers = apply_rate_limits(*platform, services.metrics, request, plan, access.rate);
    if (!request.principal.api_key.empty()) {
      QuotaGrant grant = reserve_quota(services, request, platform::Meter::kApiCalls, 1);
      grant.reservation.commit(1);
      record_usage(services, request, {{platform::Meter::kApiCalls, 1}});
      if (grant.warning_header) headers.emplace_back("Quota-Warning", *grant.warning_header);
    }
    HeaderAddingWriter with_headers(writer, std::move(headers));
    inner(request, with_headers);
  });
}

}  // namespace ragd::server
