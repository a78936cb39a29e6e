// RateLimiter: sliding-window request limits (per API key, user and IP, per route class).
// The interface is what the server codes against; InProcessRateLimiter serves one node, and
// a Redis implementation (sorted sets, one MULTI per hit) will fill it for several nodes.
//
// Sliding window: a hit at time t is allowed when fewer than `limit` allowed hits lie in
// (t - window, t]. Denied hits are not recorded (a client hammering a closed window does not
// extend it).
// Thread-safety: every method may be called from any thread.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>

namespace ragd::platform {

struct RateDecision {
  bool allowed = true;
  int64_t limit = 0;
  int64_t remaining = 0;      // hits left in the window after this one
  int64_t reset_seconds = 0;  // until the oldest counted hit leaves the window (>= 1 when
                              // the window holds any hit; 0 when empty)
  int64_t retry_after_seconds = 0;  // when denied: until a hit would be allowed (>= 1)
};

class RateLimiter {
 public:
  virtual ~RateLimiter() = default;
  // Records a hit on `key` when allowed. limit < 0: unlimited (always allowed, remaining -1).
  // limit == 0: always denied.
  virtual RateDecision hit(const std::string& key, int64_t limit,
                           std::chrono::milliseconds window) = 0;
};

using Clock = std::function<std::chrono::steady_clock::time_point()>;

class InProcessRateLimiter final : public RateLimiter {
 public:
  // `clock` defaults to steady_clock::now (tests pass their own).
  explicit InProcessRateLimiter(Clock clock = {});
  ~InProcessRateLimiter() override;
  RateDecision hit(const std::string& key, int64_t limit,
                   std::chrono::milliseconds window) override;
  // Keys currently tracked (expired ones are dropped as the limiter goes).
  size_t tracked_keys() const;

 private:
  struct Shards;
  Clock clock_;
  std::unique_ptr<Shards> shards_;
};

}  // namespace ragd::platform
