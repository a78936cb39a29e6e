// Retry backoff shared by every client that retries over the network (LLM providers, the
// HTTP embedding provider): the delay arithmetic (exponential, capped, full jitter,
// Retry-After), and the two things tests replace: the sleeper and the random source.
//
// Thread-safety: backoff_delay is pure. RealSleeper and the default random source may be
// used from any number of threads at once.
#pragma once

#include <atomic>
#include <chrono>
#include <functional>
#include <optional>

namespace ragd {

struct BackoffPolicy {
  int max_attempts = 3;  // the first try included
  std::chrono::milliseconds base{100};
  std::chrono::milliseconds cap{5000};
};

// Uniform random numbers in [0, 1). Tests pass a fixed sequence.
using UnitRandom = std::function<double()>;
// A thread-safe UnitRandom seeded from the OS.
UnitRandom default_unit_random();

// The delay before retry number `retry` (1 = after the first failure).
// Without Retry-After: "full jitter", uniform in [0, min(cap, base * 2^(retry-1))], i.e.
// `unit` (in [0,1), clamped) times that bound. With a server's Retry-After: that delay,
// capped at `cap` (the server's wish replaces the computed one).
std::chrono::milliseconds backoff_delay(const BackoffPolicy& policy, int retry, double unit,
                                        std::optional<std::chrono::milliseconds> retry_after);

// Waits between attempts. Returns false when `cancel` became true while waiting (the
// caller then stops retrying).
class Sleeper {
 public:
  virtual ~Sleeper() = default;
  virtual bool sleep_for(std::chrono::milliseconds delay, const std::atomic<bool>* cancel) = 0;
};

// Sleeps for real, checking the cancel flag every few milliseconds.
class RealSleeper final : public Sleeper {
 public:
  bool sleep_for(std::chrono::milliseconds delay, const std::atomic<bool>* cancel) override;
  // A process-wide instance (stateless).
  static RealSleeper& instance();
};

}  // namespace ragd
