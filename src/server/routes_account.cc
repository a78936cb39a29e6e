// The caller's own account: profile, export of all their data, account deletion, and API
// keys (docs/api.md, "Identity" and "API keys").
#include "platform/usage_period.h"
#include "server/api_error.h"
#include "server/json_input.h"
#include "server/platform_json.h"
#include "server/request_gate.h"
#include "server/routes.h"
#include "server/session_access.h"

namespace ragd::server {

namespace {

using platform::Permission;

// Everything the platform and the store hold about the caller.
nlohmann::json account_export(Services& services, PlatformServices& platform, const Request& request) {
  const platform::Principal& who = request.principal;
  nlohmann::json out;
  out["user"] = user_json(unwrap(platform.auth->get_user(who, who.user)));
  auto organization = platform.store->get_organization(who.organization);
  if (!organization.is_ok()) account_service_unavailable();
  out["organization"] = organization_json(*organization);
  SessionAccess access = open_sessions(services);
  out["sessions"] = all_sessions(access, who.session_owner());
  nlohmann::json keys = nlohmann::json::array();
  auto listed = platform.store->list_api_keys(who.organization, who.user);
  if (!listed.is_ok()) account_service_unavailable();
  for (const platform::ApiKey& key : *listed) keys.push_back(api_key_json(key));
  out["api_keys"] = keys;
  platform::UsageQuery usage;
  usage.organization = who.organization;
  usage.user = who.user;
  usage.from = 0;
  usage.to = platform.auth->now() + 1;
  usage.by_day = true;
  auto rows = platform.store->usage_report(usage);
  if (!rows.is_ok()) account_service_unavailable();
  nlohmann::json usage_rows = nlohmann::json::array();
  for (const platform::UsageRow& row : *rows) {
    usage_rows.push_back({{"day", row.day}, {"meter", row.meter}, {"amount", row.amount}});
  }
  out["usage"] = usage_rows;
  platform::AuditQuery audit;
  audit.organization = who.organization;
  audit.actor_user = who.user;
  audit.limit = 10000;
  auto entries = platform.store->query_audit(audit);
  if (!entries.is_ok()) account_service_unavailable();
  nlohmann::json audit_rows = nlohmann::json::array();
  for (const platform::AuditEntry& e : *entries) audit_rows.push_back(audit_entry_json(e));
  out["audit"] = audit_rows;
  return out;
}

void refuse_api_key(const Request& request, const char* what) {
  if (!request.principal.api_key.empty()) {
    throw ApiException(403, "forbidden", std::string(what) + " needs the user's own sign-in, not an API key");
  }
}

}  // namespace

void add_account_routes(Router& router, Services& services) {
  router.add("GET", "/v1/me", secured(services, needs(Permission::kProfileReadOwn), [&services](Request& request, ResponseWriter& w) {
    PlatformServices& platform = platform_or_404(services);
    const platform::Principal& who = request.principal;
    nlohmann::json body;
    body["user"] = user_json(unwrap(platform.auth->get_user(who, who.user)));
    // Every role may read its own organisation's name and plan here (organization:read is
    // for the organisation routes).
    auto organization = platform.store->get_organization(who.organization);
    if (!organization.is_ok()) account_service_unavailable();
    body["organization"] = organization_json(*organization);
    body["plan"] = plan_json(platform.plans.plan_or_free(who.plan));
    body["permissions"] = who.permissions.names();
    body["api_key"] = who.api_key.empty() ? nlohmann::json(nullptr) : nlohmann::json(who.api_key);
    w.respond(json_response(body));
  }));

  router.add("PATCH", "/v1/me", secured(services, needs(Permission::kProfileUpdateOwn), [&services](Request& request, ResponseWriter& w) {
    PlatformServices& platform = platform_or_404(services);
    nlohmann::json body = parse_json_body(request);
    reject_unknown_fields(body, {"name"});
    std::optional<std::string> name = optional_string(body, "name", 200);
    auto user = unwrap(platform.auth->update_user(request.principal, request.principal.user, name,
                                                  std::nullopt, request_context(request)));
    w.respond(json_response(user_json(user)));
  }));

  router.add("GET", "/v1/me/export", secured(services, needs(Permission::kProfileReadOwn), [&services](Request& request, ResponseWriter& w) {
    PlatformServices& platform = platform_or_404(services);
    refuse_api_key(request, "exporting an account");
    nlohmann::json body = account_export(services, platform, request);
    audit_request(services, request, "account.export", request.principal.user, "success");
    Response response = json_response(body);
    response.headers.emplace_back("Content-Disposition", "attachment; filename=\"ragd-account-export.json\"");
    w.respond(std::move(response));
  }));

  router.add("DELETE", "/v1/me", secured(services, needs(Permission::kProfileReadOwn), [&services](Request& request, ResponseWriter& w) {
    PlatformServices& platform = platform_or_404(services);
    refuse_api_key(request, "deleting an account");
    unwrap(platform.auth->delete_user(request.principal, request.principal.user, request_context(request)));
    SessionAccess access = open_sessions(services);
    Status status = delete_all_sessions(access, request.principal.session_owner());
    audit_request(services, request, "account.delete", request.principal.user,
                  status.is_ok() ? "success" : "failure");
    if (!status.is_ok()) {
      throw ApiException(503, error_code::kUnavailable,
                         "the account is closed but its conversations could not all be deleted "
                         "now; an administrator can finish the deletion");
    }
    w.respond(no_content());
  }));

  router.add("POST", "/v1/api-keys", secured(services, needs(Permission::kApiAccess), [&services](Request& request, ResponseWriter& w) {
    PlatformServices& platform = platform_or_404(services);
    nlohmann::json body = parse_json_body(request);
    reject_unknown_fields(body, {"name", "scopes", "expires_in_days"});
    std::string name = required_string(body, "name", 100);
    if (!body.contains("scopes") || !body["scopes"].is_array()) {
      fail_field("scopes", "is required: an array of the permissions the key may use");
    }
    std::vector<std::string> scopes = string_list(body, "scopes", 64);
    int64_t expires_at = 0;
    if (auto days = optional_int(body, "expires_in_days", 1, 3650)) {
      expires_at = platform.auth->now() + *days * 86400;
    }
    auto created = unwrap(platform.auth->create_api_key(request.principal, name, scopes, expires_at,
                                                        request_context(request)));
    nlohmann::json out = api_key_json(created.key);
    out["key"] = created.secret;
    w.respond(json_response(out, 201));
  }));

  router.add("GET", "/v1/api-keys", secured(services, needs(Permission::kApiAccess), [&services](Request& request, ResponseWriter& w) {
    PlatformServices& platform = platform_or_404(services);
    nlohmann::json data = nlohmann::json::array();
    for (const platform::ApiKey& key : unwrap(platform.auth->list_api_keys(request.principal))) {
      data.push_back(api_key_json(key));
    }
    w.respond(json_response({{"data", data}}));
  }));

  router.add("DELETE", "/v1/api-keys/{id}", secured(services, needs(Permission::kApiAccess), [&services](Request& request, ResponseWriter& w) {
    PlatformServices& platform = platform_or_404(services);
    auto revoked = platform.auth->revoke_api_key(request.principal, request.params["id"], request_context(request));
    if (revoked.failure == platform::AuthFailure::kForbidden) {
      // Another member's key: revoking it is managing users.
      throw ApiException(403, "forbidden", revoked.message,
                         {{"permission", platform::permission_name(Permission::kOrganizationManageUsers)}});
    }
    unwrap(std::move(revoked));
    w.respond(no_content());
  }));
}

}  // namespace ragd::server
