// The audit log (docs/api.md "Audit") and system administration ("System administration"):
// organisation admins read their own organisation's log; system admins may read any
// organisation's, list organisations and users across the deployment and change an
// organisation's plan. With authentication off there is no platform: every route here
// answers 404.
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "platform/usage_period.h"
#include "server/api_error.h"
#include "server/api_exception.h"
#include "server/json_input.h"
#include "server/platform_json.h"
#include "server/request_gate.h"
#include "server/routes.h"

namespace ragd::server {

namespace {

using platform::Permission;

constexpr int64_t kMaxId = 9'000'000'000'000'000'000LL;

bool two_digits(const std::string& text, size_t at, int64_t* out) {
  if (at + 2 > text.size()) return false;
  const char a = text[at];
  const char b = text[at + 1];
  if (a < '0' || a > '9' || b < '0' || b > '9') return false;
  *out = (a - '0') * 10 + (b - '0');
  return true;
}

// "YYYY-MM-DD" (its midnight UTC) or RFC 3339 "YYYY-MM-DDTHH:MM:SS[.frac](Z|+HH:MM|-HH:MM)"
// as epoch seconds (fractions dropped); nullopt for anything else.
std::optional<int64_t> parse_time(const std::string& text) {
  if (text.size() < 10 || text.size() > 40) return std::nullopt;
  auto day = platform::parse_day(text.substr(0, 10));
  if (!day.is_ok()) return std::nullopt;
  if (text.size() == 10) return day->from;
  int64_t hour = 0, minute = 0, second = 0;
  if ((text[10] != 'T' && text[10] != 't') || !two_digits(text, 11, &hour) || text.size() < 19 ||
      text[13] != ':' || !two_digits(text, 14, &minute) || text[16] != ':' ||
      !two_digits(text, 17, &second) || hour > 23 || minute > 59 || second > 60) {
    return std::nullopt;
  }
  size_t at = 19;
  if (at < text.size() && text[at] == '.') {
    ++at;
    const size_t digits_from = at;
    while (at < text.size() && text[at] >= '0' && text[at] <= '9') ++at;
    if (at == digits_from) return std::nullopt;
  }
  // The zone is required: a time without one names no instant.
  int64_t offset = 0;
  if (at + 1 == text.size() && (text[at] == 'Z' || text[at] == 'z')) {
    // UTC
  } else if (at + 6 == text.size() && (text[at] == '+' || text[at] == '-') && text[at + 3] == ':') {
    int64_t oh = 0, om = 0;
    if (!two_digits(text, at + 1, &oh) || !two_digits(text, at + 4, &om) || oh > 23 || om > 59) {
      return std::nullopt;
    }
    offset = (oh * 3600 + om * 60) * (text[at] == '+' ? 1 : -1);
  } else {
    return std::nullopt;
  }
  return day->from + hour * 3600 + minute * 60 + second - offset;
}

// A time query parameter; 0 when absent; 422 naming it when malformed.
int64_t time_param(const Request& request, const char* name) {
  const std::string* text = request.query_param(name);
  if (text == nullptr) return 0;
  auto at = parse_time(*text);
  if (!at) fail_field(name, "must be RFC 3339 (2026-11-21T10:00:00Z) or a day (YYYY-MM-DD)");
  return *at;
}

std::optional<std::string> text_param(const Request& request, const char* name) {
  const std::string* text = request.query_param(name);
  if (text == nullptr || text->empty()) return std::nullopt;
  if (text->size() > 200) fail_field(name, "is longer than 200 bytes");
  return *text;
}

// Which organisations' entries a request may read: its own; any (or all, "*") with
// admin:view_all_users.
std::optional<std::string> audit_scope(const Request& request) {
  const platform::Principal& who = request.principal;
  auto asked = text_param(request, "organization");
  if (!asked || *asked == who.organization) return who.organization;
  require_permission(request, Permission::kAdminViewAllUsers);
  if (*asked == "*") return std::nullopt;
  return asked;
}

}  // namespace

void add_audit_routes(Router& router, Services& services) {
  router.add("GET", "/v1/audit", secured(services, needs(Permission::kOrganizationManageUsers), [&services](Request& request, ResponseWriter& w) {
    PlatformServices& platform = platform_or_404(services);
    platform::AuditQuery query;
    query.organization = audit_scope(request);
    query.actor_user = text_param(request, "actor");
    query.action = text_param(request, "action");
    query.since = time_param(request, "since");
    query.until = time_param(request, "until");
    query.before_id = query_int(request, "before", 0, 1, kMaxId);
    const int64_t limit = query_int(request, "limit", 100, 1, 1000);
    // The store reads 0 as "no bound"; a bound at or before the epoch excludes everything.
    const bool empty = request.query_param("until") != nullptr && query.until <= 0;
    if (query.since < 0) query.since = 0;
    // One more than asked says whether another page follows.
    query.limit = static_cast<size_t>(limit) + 1;
    std::vector<platform::AuditEntry> entries;
    if (!empty) {
      auto found = platform.store->query_audit(query);
      if (!found.is_ok()) account_service_unavailable();
      entries = std::move(found).value();
    }
    nlohmann::json next = nullptr;
    if (entries.size() > static_cast<size_t>(limit)) {
      entries.resize(static_cast<size_t>(limit));
      next = entries.back().id;
    }
    nlohmann::json data = nlohmann::json::array();
    for (const platform::AuditEntry& entry : entries) data.push_back(audit_entry_json(entry));
    w.respond(json_response({{"data", data}, {"next_before", next}}));
  }));

  router.add("GET", "/v1/admin/organizations", secured(services, needs(Permission::kAdminAccessDashboard), [&services](Request& request, ResponseWriter& w) {
    PlatformServices& platform = platform_or_404(services);
    auto organizations = platform.store->list_organizations();
    if (!organizations.is_ok()) account_service_unavailable();
    auto users = platform.store->list_all_users();
    if (!users.is_ok()) account_service_unavailable();
    std::map<std::string, int64_t> user_count;
    for (const platform::User& user : *users) ++user_count[user.organization];
    nlohmann::json data = nlohmann::json::array();
    for (const platform::Organization& organization : *organizations) {
      nlohmann::json item = organization_json(organization);
      item["user_count"] = user_count[organization.id];
      data.push_back(std::move(item));
    }
    audit_request(services, request, "admin.list_organizations", "", "success");
    w.respond(json_response({{"data", data}}));
  }));

  router.add("PATCH", "/v1/admin/organizations/{id}", secured(services, needs(Permission::kAdminManageFeatures), [&services](Request& request, ResponseWriter& w) {
    PlatformServices& platform = platform_or_404(services);
    nlohmann::json body = parse_json_body(request);
    reject_unknown_fields(body, {"plan"});
    const std::string plan = required_string(body, "plan", 64);
    const std::string& id = request.params["id"];
    auto organization = platform.store->get_organization(id);
    if (!organization.is_ok()) {
      if (organization.status().code() == ErrorCode::kNotFound) {
        throw ApiException(404, error_code::kNotFound, "no organisation '" + id.substr(0, 100) + "'");
      }
      account_service_unavailable();
    }
    if (platform.plans.find(plan) == nullptr) {
      std::string known;
      for (const platform::Plan* p : platform.plans.all()) known += (known.empty() ? "" : ", ") + p->name;
      fail_field("plan", "is not a plan of this server (" + known + ")");
    }
    const std::string from = organization->plan;
    organization->plan = plan;
    Status status = platform.store->update_organization(*organization);
    if (!status.is_ok()) {
      if (status.code() == ErrorCode::kNotFound) {
        throw ApiException(404, error_code::kNotFound, "no organisation '" + id.substr(0, 100) + "'");
      }
      account_service_unavailable();
    }
    platform.auth->forget_organization(organization->id);  // the new plan acts at once
    audit_request(services, request, "admin.set_plan", organization->id, "success",
                  {{"from", from}, {"to", plan}});
    w.respond(json_response(organization_json(*organization)));
  }));

  router.add("GET", "/v1/admin/users", secured(services, needs(Permission::kAdminViewAllUsers), [&services](Request& request, ResponseWriter& w) {
    PlatformServices& platform = platform_or_404(services);
    auto users = platform.store->list_all_users();
    if (!users.is_ok()) account_service_unavailable();
    nlohmann::json data = nlohmann::json::array();
    for (const platform::User& user : *users) data.push_back(user_json(user));
    audit_request(services, request, "admin.list_users", "", "success");
    w.respond(json_response({{"data", data}}));
  }));
}

}  // namespace ragd::server
