// Quotas, usage reports and the monthly statement (docs/api.md "Plans, quotas and usage").
// Everything is the caller's organisation's: the organisation comes from the principal,
// never from the request. Without billing:read a caller sees only their own usage records.
// With authentication off there are no plans or metering: /v1/quotas and /v1/usage answer
// with empty data, the statement with 404.
#include <algorithm>
#include <chrono>
#include <string>
#include <vector>

#include "platform/usage_period.h"
#include "server/api_error.h"
#include "server/api_exception.h"
#include "server/platform_json.h"
#include "server/quota_support.h"
#include "server/request_gate.h"
#include "server/routes.h"

namespace ragd::server {

namespace {

using platform::Meter;
using platform::Permission;

int64_t epoch_now() {
  return std::chrono::duration_cast<std::chrono::seconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

[[noreturn]] void store_unavailable() {
  throw ApiException(503, error_code::kUnavailable, "usage cannot be read now; retry later");
}

[[noreturn]] void no_platform() {
  throw ApiException(404, error_code::kNotFound, "this server runs without authentication");
}

// The month of `month=YYYY-MM`, this UTC month when absent.
platform::PeriodRange requested_month(const Request& request, int64_t now) {
  const std::string* text = request.query_param("month");
  if (text == nullptr) return {platform::month_start(now), platform::next_month_start(now)};
  auto range = platform::parse_month(*text);
  if (!range.is_ok()) fail_field("month", "must be a month as YYYY-MM (1970-01 to 9999-12)");
  return *range;
}

nlohmann::json period_json(const platform::PeriodRange& range) {
  return {{"month", platform::month_period(range.from)},
          {"from", platform::rfc3339(range.from)},
          {"to", platform::rfc3339(range.to)}};
}

// One CSV field (RFC 4180): quoted when it holds a comma, a quote or a line break.
std::string csv_field(const std::string& text) {
  if (text.find_first_of(",\"\r\n") == std::string::npos) return text;
  std::string out = "\"";
  for (char c : text) {
    if (c == '"') out += '"';
    out += c;
  }
  out += '"';
  return out;
}

struct Grouping {
  bool by_user = false;
  bool by_day = false;
};

Grouping requested_grouping(const Request& request) {
  const std::string* text = request.query_param("group_by");
  if (text == nullptr || text->empty()) return {};
  if (*text == "user") return {true, false};
  if (*text == "day") return {false, true};
  if (*text == "user,day" || *text == "day,user") return {true, true};
  fail_field("group_by", "must be user, day or user,day");
}

bool wants_csv(const Request& request) {
  const std::string* text = request.query_param("format");
  if (text == nullptr || *text == "json") return false;
  if (*text == "csv") return true;
  fail_field("format", "must be json or csv");
}

// How a meter's quota resets: "month", "day" or "standing" (storage: never resets).
const char* period_kind(Meter meter) {
  if (meter == Meter::kApiCalls) return "day";
  if (meter == Meter::kStorageBytes) return "standing";
  return "month";
}

// The quota of one meter: {meter, used, limit (-1 unlimited), remaining (-1 unlimited),
// period, reset_at (null for standing totals)}.
nlohmann::json quota_json(PlatformServices& platform, const std::string& organization,
                          const platform::Plan& plan, Meter meter, int64_t now) {
  const MeterWindow window = meter_window(plan, meter, now);
  auto used = platform.ledger->usage({organization, meter, window.period});
  if (!used.is_ok()) store_unavailable();
  const int64_t remaining = window.limit < 0 ? -1 : std::max<int64_t>(0, window.limit - *used);
  return {{"meter", platform::meter_name(meter)},
          {"used", *used},
          {"limit", window.limit},
          {"remaining", remaining},
          {"period", period_kind(meter)},
          {"reset_at", window.reset_at ? nlohmann::json(platform::rfc3339(window.reset_at))
                                       : nlohmann::json(nullptr)}};
}

Response usage_csv(const std::vector<platform::UsageRow>& rows, const std::string& fill_user,
                   const std::string& month) {
  std::string body = "user,day,meter,amount\r\n";
  for (const platform::UsageRow& row : rows) {
    body += csv_field(row.user.empty() ? fill_user : row.user) + "," + csv_field(row.day) + "," +
            csv_field(row.meter) + "," + std::to_string(row.amount) + "\r\n";
  }
  Response response;
  response.content_type = "text/csv; charset=utf-8";
  response.body = std::move(body);
  response.headers.emplace_back("Content-Disposition",
                                "attachment; filename=\"usage-" + month + ".csv\"");
  return response;
}

// The plan's limit on a meter as a statement's `included` (null: unlimited or not limited).
nlohmann::json included(const platform::Plan& plan, Meter meter) {
  int64_t limit = -1;
  if (meter == Meter::kMessages) limit = plan.messages_per_month;
  if (meter == Meter::kApiCalls) limit = plan.api_calls_per_day;
  if (meter == Meter::kStorageBytes) limit = plan.storage_bytes;
  return limit < 0 ? nlohmann::json(nullptr) : nlohmann::json(limit);
}

std::string line_description(const platform::Plan& plan, Meter meter) {
  switch (meter) {
    case Meter::kMessages:
      return "Chat messages" + std::string(plan.messages_per_month < 0 ? " (unlimited)" : " (included per month)");
    case Meter::kPromptTokens:
      return "Prompt tokens";
    case Meter::kCompletionTokens:
      return "Completion tokens";
    case Meter::kEmbeddingTokens:
      return "Embedding tokens";
    case Meter::kApiCalls:
      return "API calls" + std::string(plan.api_calls_per_day < 0 ? " (unlimited)" : " (included per day)");
    case Meter::kStorageBytes:
      return "Document storage in bytes (standing total now)";
  }
  return platform::meter_name(meter);
}

}  // namespace

void add_usage_routes(Router& router, Services& services) {
  router.add("GET", "/v1/quotas", secured(services, needs(Permission::kProfileReadOwn), [&services](Request& request, ResponseWriter& w) {
    PlatformServices* platform = services.platform.get();
    if (!platform) {
      w.respond(json_response({{"plan", nullptr}, {"quotas", nlohmann::json::array()}}));
      return;
    }
    const std::string& organization = request.principal.organization;
    const platform::Plan& plan = platform->plans.plan_or_free(request.principal.plan);
    const int64_t now = epoch_now();
    nlohmann::json quotas = nlohmann::json::array();
    for (Meter meter : {Meter::kMessages, Meter::kApiCalls, Meter::kStorageBytes}) {
      quotas.push_back(quota_json(*platform, organization, plan, meter, now));
    }
    w.respond(json_response({{"plan", plan_json(plan)}, {"quotas", quotas}}));
  }));

  router.add("GET", "/v1/usage", secured(services, needs(Permission::kProfileReadOwn), [&services](Request& request, ResponseWriter& w) {
    const platform::PeriodRange month = requested_month(request, epoch_now());
    const Grouping grouping = requested_grouping(request);
    const bool csv = wants_csv(request);
    const platform::Principal& who = request.principal;
    platform::UsageQuery query;
    query.organization = who.organization;
    query.from = month.from;
    query.to = month.to;
    query.by_user = grouping.by_user;
    query.by_day = grouping.by_day;
    if (const std::string* user = request.query_param("user"); user != nullptr && !user->empty()) {
      query.user = *user;
    }
    if (!who.can(Permission::kBillingRead)) {
      if (query.user && *query.user != who.user) require_permission(request, Permission::kBillingRead);
      query.user = who.user;
    }
    std::vector<platform::UsageRow> rows;
    if (PlatformServices* platform = services.platform.get()) {
      auto report = platform->store->usage_report(query);
      if (!report.is_ok()) store_unavailable();
      rows = std::move(report).value();
    }
    // Rows of one user's report carry that user even when not grouped by user.
    const std::string fill_user = query.user.value_or("");
    const std::string month_name = platform::month_period(month.from);
    if (csv) {
      w.respond(usage_csv(rows, fill_user, month_name));
      return;
    }
    nlohmann::json data = nlohmann::json::array();
    for (const platform::UsageRow& row : rows) {
      const std::string& user = row.user.empty() ? fill_user : row.user;
      data.push_back({{"user", user.empty() ? nlohmann::json(nullptr) : nlohmann::json(user)},
                      {"day", row.day.empty() ? nlohmann::json(nullptr) : nlohmann::json(row.day)},
                      {"meter", row.meter},
                      {"amount", row.amount}});
    }
    w.respond(json_response({{"organization", who.organization.empty() ? nlohmann::json(nullptr)
                                                                       : nlohmann::json(who.organization)},
                             {"period", period_json(month)},
                             {"data", data}}));
  }));

  router.add("GET", "/v1/usage/statement", secured(services, needs(Permission::kBillingRead), [&services](Request& request, ResponseWriter& w) {
    PlatformServices* platform = services.platform.get();
    if (!platform) no_platform();
    const platform::PeriodRange month = requested_month(request, epoch_now());
    auto organization = platform->store->get_organization(request.principal.organization);
    if (!organization.is_ok()) {
      if (organization.status().code() == ErrorCode::kNotFound) no_platform();
      store_unavailable();
    }
    const platform::Plan& plan = platform->plans.plan_or_free(organization->plan);
    platform::UsageQuery query;
    query.organization = organization->id;
    query.from = month.from;
    query.to = month.to;
    auto totals = platform->store->usage_report(query);
    if (!totals.is_ok()) store_unavailable();

    nlohmann::json lines = nlohmann::json::array();
    lines.push_back({{"description", "Plan " + plan.name + ", monthly price"},
                     {"meter", nullptr},
                     {"quantity", 1},
                     {"included", nullptr},
                     {"amount_cents", plan.price_cents_per_month}});
    int64_t total_cents = plan.price_cents_per_month;
    for (Meter meter : {Meter::kMessages, Meter::kPromptTokens, Meter::kCompletionTokens,
                        Meter::kEmbeddingTokens, Meter::kApiCalls, Meter::kStorageBytes}) {
      int64_t quantity = 0;
      if (meter == Meter::kStorageBytes) {
        auto standing = platform->ledger->usage({organization->id, meter, ""});
        if (!standing.is_ok()) store_unavailable();
        quantity = *standing;
      } else {
        for (const platform::UsageRow& row : *totals) {
          if (row.meter == platform::meter_name(meter)) quantity += row.amount;
        }
      }
      // No overage pricing: usage beyond the plan is refused, never billed.
      lines.push_back({{"description", line_description(plan, meter)},
                       {"meter", platform::meter_name(meter)},
                       {"quantity", quantity},
                       {"included", included(plan, meter)},
                       {"amount_cents", 0}});
    }
    w.respond(json_response({{"organization", {{"id", organization->id}, {"name", organization->name}}},
                             {"plan", plan.name},
                             {"currency", "USD"},
                             {"period", period_json(month)},
                             {"lines", lines},
                             {"total_cents", total_cents}}));
  }));
}

}  // namespace ragd::server
