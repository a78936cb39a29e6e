#include "server/quota_support.h"

#include <cstdio>

#include "platform/usage_period.h"
#include "server/api_error.h"
#include "server/api_exception.h"

namespace ragd::server {

namespace {

int64_t epoch_now() {
  return std::chrono::duration_cast<std::chrono::seconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

}  // namespace

MeterWindow meter_window(const platform::Plan& plan, platform::Meter meter, int64_t now) {
  MeterWindow window;
  switch (meter) {
    case platform::Meter::kMessages:
      window.limit = plan.messages_per_month;
      break;
    case platform::Meter::kApiCalls:
      window.limit = plan.api_calls_per_day;
      window.period = platform::day_period(now);
      window.reset_at = platform::next_day_start(now);
      return window;
    case platform::Meter::kStorageBytes:
      window.limit = plan.storage_bytes;
      return window;  // a standing total: no period
    default:
      window.limit = -1;  // tokens are metered, not limited per period
      break;
  }
  window.period = platform::month_period(now);
  window.reset_at = platform::next_month_start(now);
  return window;
}

QuotaGrant reserve_quota(Services& services, const Request& request, platform::Meter meter,
                         int64_t amount) {
  QuotaGrant grant;
  PlatformServices* platform = services.platform.get();
  if (!platform || !request.principal.authenticated) return grant;
  const platform::Plan& plan = platform->plans.plan_or_free(request.principal.plan);
  const int64_t now = epoch_now();
  MeterWindow window = meter_window(plan, meter, now);
  platform::QuotaKey key{request.principal.organization, meter, window.period};
  auto check = platform->ledger->reserve(key, amount, window.limit);
  if (!check.is_ok()) {
    throw ApiException(503, error_code::kUnavailable, "usage cannot be checked now; retry later");
  }
  const std::string reset = window.reset_at ? platform::rfc3339(window.reset_at) : "";
  if (!check->granted) {
    services.metrics.quota_exceeded.with({platform::meter_name(meter)}).inc();
    throw ApiException(429, "QUOTA_EXCEEDED",
                       std::string("the plan's ") + platform::meter_name(meter) + " quota is spent (" +
                           std::to_string(check->current_usage) + " of " +
                           std::to_string(window.limit) + ")" +
                           (reset.empty() ? "" : "; it resets at " + reset),
                       {{"meter", platform::meter_name(meter)},
                        {"current_usage", check->current_usage},
                        {"limit", window.limit},
                        {"reset_at", reset.empty() ? nlohmann::json(nullptr) : nlohmann::json(reset)}});
  }
  grant.reservation = platform::QuotaReservation(platform->ledger.get(), key, amount);
  if (window.limit > 0 && check->remaining * 10 < window.limit) {
    grant.warning_header = std::string("meter=") + platform::meter_name(meter) +
                           "; remaining=" + std::to_string(check->remaining) +
                           "; limit=" + std::to_string(window.limit) +
                           (reset.empty() ? "" : "; reset=" + reset);
    grant.warning_event = {{"meter", platform::meter_name(meter)},
                           {"remaining", check->remaining},
                           {"limit", window.limit},
                           {"reset_at", reset.empty() ? nlohmann::json(nullptr) : nlohmann::json(reset)}};
  }
  return grant;
}

void record_usage(Services& services, const platform::Principal& who,
                  const std::string& request_id, const MeterAmounts& amounts) {
  PlatformServices* platform = services.platform.get();
  if (!platform || !who.authenticated) return;
  std::vector<platform::UsageRecord> records;
  const int64_t now = epoch_now();
  for (const auto& [meter, amount] : amounts) {
    if (amount == 0) continue;
    platform::UsageRecord record;
    record.organization = who.organization;
    record.user = who.user;
    record.api_key = who.api_key;
    record.meter = platform::meter_name(meter);
    record.amount = amount;
    record.at = now;
    record.request_id = request_id;
    records.push_back(std::move(record));
  }
  if (records.empty()) return;
  Status status = platform->store->record_usage(records);
  if (!status.is_ok()) {
    std::fprintf(stderr, "{\"level\":\"error\",\"event\":\"usage_not_recorded\",\"request_id\":\"%s\"}\n",
                 request_id.c_str());
  }
}

ChatDone metered_chat(Services& services, const Request& request, QuotaGrant grant, ChatDone done) {
  auto reservation = std::make_shared<platform::QuotaReservation>(std::move(grant.reservation));
  return [&services, who = request.principal, request_id = request.request_id, reservation,
          done = std::move(done)](Result<ChatOutcome> outcome) {
    if (outcome.is_ok()) {
      if (reservation->active()) reservation->commit(1);
      const TokenUsage& usage = outcome->result.usage;
      record_usage(services, who, request_id,
                   {{platform::Meter::kMessages, 1},
                    {platform::Meter::kPromptTokens, usage.prompt_tokens},
                    {platform::Meter::kCompletionTokens, usage.completion_tokens}});
    } else {
      *reservation = platform::QuotaReservation();  // released
    }
    done(std::move(outcome));
  };
}

std::vector<std::pair<std::string, std::string>> quota_headers(const QuotaGrant& grant) {
  if (!grant.warning_header) return {};
  return {{"Quota-Warning", *grant.warning_header}};
}

void release_storage(Services& services, const Request& request, int64_t bytes) {
  if (!services.platform || !request.principal.authenticated || bytes <= 0) return;
  services.platform->ledger->adjust(
      {request.principal.organization, platform::Meter::kStorageBytes, ""}, -bytes);
  record_usage(services, request, {{platform::Meter::kStorageBytes, -bytes}});
}

int64_t plan_tokens_per_message(Services& services, const Request& request) {
  PlatformServices* platform = services.platform.get();
  if (!platform || !request.principal.authenticated) return -1;
  return platform->plans.plan_or_free(request.principal.plan).tokens_per_message;
}

}  // namespace ragd::server
