#include "llm/retry_policy.h"

#include <algorithm>

namespace ragd {

using Clock = std::chrono::steady_clock;

RetryPolicy::RetryPolicy(BackoffPolicy policy, Sleeper* sleeper, UnitRandom random)
    : policy_(policy),
      sleeper_(sleeper != nullptr ? sleeper : &RealSleeper::instance()),
      random_(random ? std::move(random) : default_unit_random()) {}

std::chrono::milliseconds RetryPolicy::delay_before_retry(int retry, const LlmError& error) const {
  std::optional<std::chrono::milliseconds> retry_after;
  if (error.kind == LlmErrorKind::kRateLimited) retry_after = error.retry_after;
  return backoff_delay(policy_, retry, random_(), retry_after);
}

CompletionOutcome RetryPolicy::run(const std::function<CompletionOutcome(int)>& attempt,
                                   const std::string& provider, const std::atomic<bool>* cancel,
                                   std::vector<AttemptRecord>* log) const {
  const int max_attempts = std::max(1, policy_.max_attempts);
  for (int n = 1;; ++n) {
    const auto start = Clock::now();
    CompletionOutcome outcome = attempt(n);
    AttemptRecord record;
    record.provider = provider;
    record.attempt = n;
    record.elapsed_ms = std::chrono::duration<double, std::milli>(Clock::now() - start).count();
    if (!outcome.ok()) record.error = outcome.error();
    const bool again = !outcome.ok() && n < max_attempts && outcome.error().retryable() &&
                       !outcome.error().partial_output;
    if (again) record.wait_after = delay_before_retry(n, outcome.error());
    if (log != nullptr) log->push_back(record);
    if (!again) return outcome;
    if (!sleeper_->sleep_for(record.wait_after, cancel)) {
      return LlmError{
          .kind = LlmErrorKind::kCancelled,
          .message = "cancelled while waiting to retry after: " + outcome.error().to_string(),
          .provider = provider};
    }
  }
}

}  // namespace ragd
