// Test doubles for the llm tests: a clock and a sleeper that tests move by hand, and a
// provider that plays a script of outcomes.
#pragma once

#include <atomic>
#include <chrono>
#include <deque>
#include <mutex>
#include <string>
#include <vector>

#include "llm/circuit_breaker.h"
#include "llm/llm_provider.h"
#include "net/backoff.h"

namespace ragd::testing {

class ManualClock final : public BreakerClock {
 public:
  std::chrono::steady_clock::time_point now() const override {
    std::lock_guard<std::mutex> lock(mutex_);
    return now_;
  }
  void advance(std::chrono::milliseconds by) {
    std::lock_guard<std::mutex> lock(mutex_);
    now_ += by;
  }

 private:
  mutable std::mutex mutex_;
  std::chrono::steady_clock::time_point now_{std::chrono::hours(1)};
};

// Records the delays asked for and returns at once (false when the cancel flag is set).
class RecordingSleeper final : public Sleeper {
 public:
  bool sleep_for(std::chrono::milliseconds delay, const std::atomic<bool>* cancel) override {
    std::lock_guard<std::mutex> lock(mutex_);
    delays.push_back(delay);
    return cancel == nullptr || !cancel->load();
  }
  std::vector<std::chrono::milliseconds> delays;

 private:
  std::mutex mutex_;
};

// One scripted step: an error (after streaming `deltas`), or a success with `text`
// streamed as `deltas` (when given) or as one piece.
struct Step {
  std::optional<LlmError> error;
  std::string text;
  std::vector<std::string> deltas;
};

inline Step ok_step(std::string text) {
  return Step{.text = std::move(text)};
}
inline Step error_step(LlmErrorKind kind, int http_status = 0,
                       std::vector<std::string> deltas = {}) {
  return Step{.error = LlmError{.kind = kind, .message = "scripted", .http_status = http_status},
              .deltas = std::move(deltas)};
}

class ScriptedProvider final : public LlmProvider {
 public:
  ScriptedProvider(std::string name, std::vector<Step> steps)
      : name_(std::move(name)), steps_(steps.begin(), steps.end()) {}

  CompletionOutcome complete(const CompletionRequest&, const DeltaCallback& on_delta,
                             const std::atomic<bool>*) override {
    Step step;
    {
      std::lock_guard<std::mutex> lock(mutex_);
      ++calls_;
      if (steps_.empty()) {
        step = ok_step("default answer");
      } else {
        step = steps_.front();
        steps_.pop_front();
      }
    }
    std::vector<std::string> deltas = step.deltas;
    if (!step.error && deltas.empty()) deltas.push_back(step.text);
    for (const std::string& delta : deltas) {
      if (on_delta && !on_delta(delta)) {
        return LlmError{
            .kind = LlmErrorKind::kCancelled, .message = "stopped", .partial_output = true};
      }
    }
    if (step.error) {
      LlmError error = *step.error;
      error.partial_output = !step.deltas.empty();
      return error;
    }
    CompletionResult result;
    result.text = step.text;
    result.finish_reason = "stop";
    return result;
  }
  const std::string& name() const override { return name_; }
  int calls() const {
    std::lock_guard<std::mutex> lock(mutex_);
    return calls_;
  }

 private:
  std::string name_;
  mutable std::mutex mutex_;
  std::deque<Step> steps_;
  int calls_ = 0;
};

}  // namespace ragd::testing
