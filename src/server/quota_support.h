// Quotas and metering for route handlers: reserve before the work (429 QUOTA_EXCEEDED with
// {meter, current_usage, limit, reset_at} when the plan's limit would be passed), commit
// after it, and record the usage of a request in one transaction. Everything here is a no-op
// with authentication off.
// Thread-safety: any worker thread.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "platform/quota_ledger.h"
#include "server/chat_runner.h"
#include "server/http_message.h"
#include "server/services.h"

namespace ragd::server {

// A granted reservation; released unless committed.
struct QuotaGrant {
  platform::QuotaReservation reservation;
  // Set when less than 10% of the limit remains after this reservation.
  std::optional<std::string> warning_header;  // value of the Quota-Warning header
  nlohmann::json warning_event;               // {meter, remaining, limit, reset_at} or null
};

// Reserves `amount` of `meter` for the request's organisation in the current period (month
// for messages and tokens, day for API calls, none for storage), against the plan's limit.
// Throws ApiException 429 QUOTA_EXCEEDED when refused, 503 when usage cannot be read.
QuotaGrant reserve_quota(Services& services, const Request& request, platform::Meter meter,
                         int64_t amount);

// Records the usage of one request (one transaction); failures are logged, not thrown. The
// principal form serves callbacks that outlive the Request.
using MeterAmounts = std::vector<std::pair<platform::Meter, int64_t>>;
void record_usage(Services& services, const platform::Principal& who,
                  const std::string& request_id, const MeterAmounts& amounts);
inline void record_usage(Services& services, const Request& request, const MeterAmounts& amounts) {
  record_usage(services, request.principal, request.request_id, amounts);
}

// A chat's completion under its message reservation: on success the reservation is committed
// and the message with the answer's prompt and completion tokens is recorded (one
// transaction); on failure the reservation is released. Cached answers count as messages.
ChatDone metered_chat(Services& services, const Request& request, QuotaGrant grant, ChatDone done);

// The Quota-Warning header of a grant, when it has one.
std::vector<std::pair<std::string, std::string>> quota_headers(const QuotaGrant& grant);

// Gives back storage freed by a delete (ledger and usage record).
void release_storage(Services& services, const Request& request, int64_t bytes);

// The plan's cap on a chat's max_tokens (-1: none).
int64_t plan_tokens_per_message(Services& services, const Request& request);

// The limit of a meter in a plan (-1: unlimited), its period key and when it resets.
struct MeterWindow {
  int64_t limit = -1;
  std::string period;
  int64_t reset_at = 0;  // epoch seconds; 0 for standing totals
};
MeterWindow meter_window(const platform::Plan& plan, platform::Meter meter, int64_t now);

}  // namespace ragd::server
