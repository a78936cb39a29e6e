// Plans: what an organisation pays for and what it may use. Defaults (overridable by the
// server configuration's [plans.<name>] tables):
//   free        $0    100 messages/month   1,000 tokens/message   100 API calls/day      100 MB
//   pro         $29   1,000                2,000                  1,000                1,000 MB
//   enterprise  $99   unlimited            4,000                  unlimited           10,000 MB
// and rate limits per minute: 100 overall, 30 chat, 60 search on every plan.
// A limit of -1 means unlimited.
// Thread-safety: PlanCatalog is immutable after construction.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "common/status.h"

namespace ragd::platform {

struct Plan {
  std::string name;
  int64_t price_cents_per_month = 0;
  int64_t messages_per_month = 100;
  int64_t tokens_per_message = 1000;  // caps a chat's max_tokens
  int64_t api_calls_per_day = 100;
  int64_t storage_bytes = 100LL * 1000 * 1000;
  int64_t requests_per_minute = 100;  // every request of one key, user or IP
  int64_t chat_per_minute = 30;
  int64_t search_per_minute = 60;
};

class PlanCatalog {
 public:
  // The three default plans.
  PlanCatalog();
  // Defaults, then `overrides` applied by name (a new name adds a plan whose unspecified
  // fields take the free plan's values). kInvalidArgument when a value is negative other
  // than -1, or a name is not 1..32 of [a-z0-9_-].
  static Result<PlanCatalog> with_overrides(const std::vector<Plan>& overrides);

  const Plan* find(const std::string& name) const;  // nullptr when unknown
  // The plan for a name, the free plan when the name is unknown (an organisation whose plan
  // was removed from the configuration keeps working on free limits).
  const Plan& plan_or_free(const std::string& name) const;
  std::vector<const Plan*> all() const;  // in name order

 private:
  std::map<std::string, Plan> plans_;
};

}  // namespace ragd::platform
