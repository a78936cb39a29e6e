// RetryPolicy: runs one provider call again after failures worth retrying (timeouts,
// connection errors, 429, 5xx), with exponential backoff and full jitter (net/backoff.h),
// honouring a 429's Retry-After up to the cap. Never retries once deltas were handed to
// the caller (the answer would repeat), nor after a cancel.
//
// Thread-safety: run() is const and may be called from many threads at once, provided the
// sleeper and random source allow it (the defaults do).
#pragma once

#include <atomic>
#include <chrono>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "llm/llm_provider.h"
#include "net/backoff.h"

namespace ragd {

// One call made to a provider, for reports and logs.
struct AttemptRecord {
  std::string provider;
  int attempt = 0;                // 1-based, per provider
  std::optional<LlmError> error;  // empty when the attempt succeeded
  double elapsed_ms = 0;
  std::chrono::milliseconds wait_after{0};  // the backoff slept before the next attempt
};

class RetryPolicy {
 public:
  // `sleeper` must outlive the policy; null means the real one.
  explicit RetryPolicy(BackoffPolicy policy = {}, Sleeper* sleeper = nullptr,
                       UnitRandom random = {});

  // Calls attempt(n) for n = 1, 2, ... up to max_attempts, stopping at a success, at a
  // failure that is not retryable or came after partial output, or when `cancel` is set
  // while waiting (the result is then kCancelled). Appends every attempt to `log` when
  // given; `provider` names them there.
  CompletionOutcome run(const std::function<CompletionOutcome(int attempt)>& attempt,
                        const std::string& provider, const std::atomic<bool>* cancel,
                        std::vector<AttemptRecord>* log) const;

  // The wait before retry number `retry` (1 = after the first failure) of `error`.
  std::chrono::milliseconds delay_before_retry(int retry, const LlmError& error) const;

  const BackoffPolicy& policy() const { return policy_; }

 private:
  BackoffPolicy policy_;
  Sleeper* sleeper_;
  UnitRandom random_;
};

}  // namespace ragd
