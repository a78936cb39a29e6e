// CircuitBreaker: stops calling a provider that keeps failing, and probes it again later.
//
// States: closed (calls pass; `failure_threshold` consecutive failures open it), open
// (calls refused until `open_duration` has passed, then half-open), half-open (at most
// `half_open_max_in_flight` trial calls at a time; `half_open_successes` successes close
// it, one failure opens it again for another open_duration).
//
// Protocol: call allow(); if it returns true, report the call's end with exactly one of
// record_success(), record_failure() or record_ignored() (a cancelled call says nothing
// about the provider's health, but frees its half-open trial slot).
//
// Thread-safety: all methods may be called from any thread; one breaker is shared by every
// thread that calls its provider. Time comes from an injectable BreakerClock.
#pragma once

#include <chrono>
#include <memory>
#include <mutex>

namespace ragd {

class BreakerClock {
 public:
  virtual ~BreakerClock() = default;
  virtual std::chrono::steady_clock::time_point now() const = 0;
};

// The real clock (a process-wide instance; stateless).
class SteadyBreakerClock final : public BreakerClock {
 public:
  std::chrono::steady_clock::time_point now() const override {
    return std::chrono::steady_clock::now();
  }
  static std::shared_ptr<const BreakerClock> instance();
};

struct CircuitBreakerOptions {
  int failure_threshold = 5;
  std::chrono::milliseconds open_duration{120'000};
  int half_open_successes = 3;
  int half_open_max_in_flight = 1;
};

enum class BreakerState { kClosed, kOpen, kHalfOpen };
const char* breaker_state_name(BreakerState state);

class CircuitBreaker {
 public:
  explicit CircuitBreaker(
      CircuitBreakerOptions options = {},
      std::shared_ptr<const BreakerClock> clock = SteadyBreakerClock::instance());
  CircuitBreaker(const CircuitBreaker&) = delete;
  CircuitBreaker& operator=(const CircuitBreaker&) = delete;

  bool allow();
  void record_success();
  void record_failure();
  void record_ignored();

  // The state now (an open breaker whose time is up reads as half-open).
  BreakerState state() const;
  int consecutive_failures() const;

 private:
  BreakerState current_state_locked(std::chrono::steady_clock::time_point now) const;
  void open_locked(std::chrono::steady_clock::time_point now);

  const CircuitBreakerOptions options_;
  const std::shared_ptr<const BreakerClock> clock_;
  mutable std::mutex mutex_;
  BreakerState state_ = BreakerState::kClosed;
  int failures_ = 0;  // consecutive, while closed
  int half_open_successes_ = 0;
  int in_flight_ = 0;  // trial calls allowed in half-open and not yet reported
  std::chrono::steady_clock::time_point opened_at_{};
};

}  // namespace ragd
