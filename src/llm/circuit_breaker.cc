#include "llm/circuit_breaker.h"

#include <algorithm>

namespace ragd {

std::shared_ptr<const BreakerClock> SteadyBreakerClock::instance() {
  static const std::shared_ptr<const BreakerClock> clock = std::make_shared<SteadyBreakerClock>();
  return clock;
}

const char* breaker_state_name(BreakerState state) {
  switch (state) {
    case BreakerState::kClosed:
      return "closed";
    case BreakerState::kOpen:
      return "open";
    case BreakerState::kHalfOpen:
      return "half_open";
  }
  return "unknown";
}

CircuitBreaker::CircuitBreaker(CircuitBreakerOptions options,
                               std::shared_ptr<const BreakerClock> clock)
    : options_(options), clock_(clock ? std::move(clock) : SteadyBreakerClock::instance()) {}

BreakerState CircuitBreaker::current_state_locked(std::chrono::steady_clock::time_point now) const {
  if (state_ == BreakerState::kOpen && now - opened_at_ >= options_.open_duration) {
    return BreakerState::kHalfOpen;
  }
  return state_;
}

void CircuitBreaker::open_locked(std::chrono::steady_clock::time_point now) {
  state_ = BreakerState::kOpen;
  opened_at_ = now;
  failures_ = 0;
  half_open_successes_ = 0;
  in_flight_ = 0;
}

bool CircuitBreaker::allow() {
  std::lock_guard<std::mutex> lock(mutex_);
  const auto now = clock_->now();
  if (state_ == BreakerState::kOpen && current_state_locked(now) == BreakerState::kHalfOpen) {
    state_ = BreakerState::kHalfOpen;
    half_open_successes_ = 0;
    in_flight_ = 0;
  }
  switch (state_) {
    case BreakerState::kClosed:
      return true;
    case BreakerState::kOpen:
      return false;
    case BreakerState::kHalfOpen:
      if (in_flight_ >= std::max(1, options_.half_open_max_in_flight)) return false;
      ++in_flight_;
      return true;
  }
  return false;
}

void CircuitBreaker::record_success() {
  std::lock_guard<std::mutex> lock(mutex_);
  if (state_ == BreakerState::kClosed) {
    failures_ = 0;
  } else if (state_ == BreakerState::kHalfOpen) {
    in_flight_ = std::max(0, in_flight_ - 1);
    if (++half_open_successes_ >= std::max(1, options_.half_open_successes)) {
      state_ = BreakerState::kClosed;
      failures_ = 0;
      half_open_successes_ = 0;
    }
  }
  // A success reported while open comes from a call allowed before the breaker opened; the
  // breaker stays open until its time is up.
}

void CircuitBreaker::record_failure() {
  std::lock_guard<std::mutex> lock(mutex_);
  const auto now = clock_->now();
  if (state_ == BreakerState::kClosed) {
    if (++failures_ >= std::max(1, options_.failure_threshold)) open_locked(now);
  } else if (state_ == BreakerState::kHalfOpen) {
    open_locked(now);
  }
}

void CircuitBreaker::record_ignored() {
  std::lock_guard<std::mutex> lock(mutex_);
  if (state_ == BreakerState::kHalfOpen) in_flight_ = std::max(0, in_flight_ - 1);
}

BreakerState CircuitBreaker::state() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return current_state_locked(clock_->now());
}

int CircuitBreaker::consecutive_failures() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return failures_;
}

}  // namespace ragd
