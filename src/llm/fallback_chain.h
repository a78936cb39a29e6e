// FallbackChain: an LlmProvider that tries an ordered list of providers, each behind its
// own circuit breaker and retry policy, and answers with the first that succeeds.
//
// Rules:
//  - a provider whose breaker is open is skipped (an attempt of kind kCircuitOpen);
//  - every attempt's outcome is reported to that provider's breaker (cancellations and
//    the caller's own bad requests are not held against it);
//  - once a provider has handed deltas to the caller, the chain never switches provider or
//    retries: it returns that failure (partial_output set) so the caller can degrade
//    instead of receiving a second answer glued to half of the first;
//  - when every provider fails, the result is the last failure, with a message that lists
//    them all; kCircuitOpen when no provider could even be tried.
// Requests should leave `model` empty so that each provider uses its own configured model.
//
// Thread-safety: complete() may be called from many threads at once; breakers are shared
// between them (and may be shared with other chains).
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "llm/circuit_breaker.h"
#include "llm/llm_provider.h"
#include "llm/retry_policy.h"

namespace ragd {

struct FallbackEntry {
  std::shared_ptr<LlmProvider> provider;
  std::shared_ptr<CircuitBreaker> breaker;  // null: a new breaker with default options
  BackoffPolicy retry;
};

// Which provider answered, and every call made on the way.
struct ChainReport {
  std::string answered_by;  // empty when none did
  std::vector<AttemptRecord> attempts;
};

class FallbackChain final : public LlmProvider {
 public:
  // `sleeper` (null: real sleeping) must outlive the chain; `random` empty: the default.
  explicit FallbackChain(std::vector<FallbackEntry> entries, std::string name = "fallback",
                         Sleeper* sleeper = nullptr, UnitRandom random = {});

  CompletionOutcome complete(const CompletionRequest& request, const DeltaCallback& on_delta,
                             const std::atomic<bool>* cancel = nullptr) override;
  // As complete(), filling `report` (when not null).
  CompletionOutcome complete_with_report(const CompletionRequest& request,
                                         const DeltaCallback& on_delta,
                                         const std::atomic<bool>* cancel, ChainReport* report);
  const std::string& name() const override { return name_; }
  size_t size() const { return entries_.size(); }
  const std::shared_ptr<CircuitBreaker>& breaker(size_t i) const { return entries_[i].breaker; }

 private:
  struct Entry {
    std::shared_ptr<LlmProvider> provider;
    std::shared_ptr<CircuitBreaker> breaker;
    RetryPolicy retry;
  };
  std::vector<Entry> entries_;
  std::string name_;
};

}  // namespace ragd
