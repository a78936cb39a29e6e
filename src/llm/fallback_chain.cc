#include "llm/fallback_chain.h"

namespace ragd {

FallbackChain::FallbackChain(std::vector<FallbackEntry> entries, std::string name, Sleeper* sleeper,
                             UnitRandom random)
    : name_(std::move(name)) {
  if (!random) random = default_unit_random();
  for (FallbackEntry& entry : entries) {
    if (!entry.provider) continue;
    if (!entry.breaker) entry.breaker = std::make_shared<CircuitBreaker>();
    entries_.push_back(Entry{std::move(entry.provider), std::move(entry.breaker),
                             RetryPolicy(entry.retry, sleeper, random)});
  }
}

CompletionOutcome FallbackChain::complete(const CompletionRequest& request,
                                          const DeltaCallback& on_delta,
                                          const std::atomic<bool>* cancel) {
  return complete_with_report(request, on_delta, cancel, nullptr);
}

CompletionOutcome FallbackChain::complete_with_report(const CompletionRequest& request,
                                                      const DeltaCallback& on_delta,
                                                      const std::atomic<bool>* cancel,
                                                      ChainReport* report) {
  ChainReport local;
  ChainReport& out = report != nullptr ? *report : local;
  out = ChainReport{};
  if (entries_.empty()) {
    return LlmError{.kind = LlmErrorKind::kInvalidRequest,
                    .message = "no LLM provider is configured",
                    .provider = name_};
  }
  std::string summary;
  std::optional<LlmError> last;
  bool any_tried = false;
  for (Entry& entry : entries_) {
    const std::string& provider_name = entry.provider->name();
    bool streamed = false;
    const DeltaCallback forward = [&](std::string_view delta) {
      streamed = true;
      return on_delta ? on_delta(delta) : true;
    };
    auto attempt = [&](int) -> CompletionOutcome {
      if (!entry.breaker->allow()) {
        return LlmError{.kind = LlmErrorKind::kCircuitOpen,
                        .message = "circuit breaker open after repeated failures",
                        .provider = provider_name};
      }
      any_tried = true;
      CompletionOutcome outcome = entry.provider->complete(request, forward, cancel);
      if (outcome.ok()) {
        entry.breaker->record_success();
      } else if (outcome.error().counts_as_provider_failure()) {
        entry.breaker->record_failure();
      } else {
        entry.breaker->record_ignored();
      }
      if (!outcome.ok()) {
        outcome.error().partial_output = outcome.error().partial_output || streamed;
        if (outcome.error().provider.empty()) outcome.error().provider = provider_name;
      }
      return outcome;
    };
    CompletionOutcome outcome = entry.retry.run(attempt, provider_name, cancel, &out.attempts);
    if (outcome.ok()) {
      outcome.value().provider = provider_name;
      out.answered_by = provider_name;
      return outcome;
    }
    LlmError error = std::move(outcome.error());
    if (!summary.empty()) summary += "; ";
    summary += provider_name + ": " + error.to_string();
    if (error.partial_output) {
      error.message = provider_name + " failed after streaming part of the answer (" +
                      error.message + "); not switching providers mid-answer";
      return error;
    }
    if (error.kind == LlmErrorKind::kCancelled) return error;
    last = std::move(error);
  }
  LlmError error = std::move(*last);
  if (!any_tried) error.kind = LlmErrorKind::kCircuitOpen;
  error.message = "all " + std::to_string(entries_.size()) + " LLM providers failed: " + summary;
  return error;
}

}  // namespace ragd
