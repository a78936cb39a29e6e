#include "net/backoff.h"

#include <algorithm>
#include <cmath>
#include <memory>
#include <mutex>
#include <random>
#include <thread>

namespace ragd {

using std::chrono::milliseconds;

UnitRandom default_unit_random() {
  struct Shared {
    std::mutex mutex;
    std::mt19937_64 engine{std::random_device{}()};
    std::uniform_real_distribution<double> uniform{0.0, 1.0};
  };
  auto shared = std::make_shared<Shared>();
  return [shared]() {
    std::lock_guard<std::mutex> lock(shared->mutex);
    return shared->uniform(shared->engine);
  };
}

milliseconds backoff_delay(const BackoffPolicy& policy, int retry, double unit,
                           std::optional<milliseconds> retry_after) {
  const milliseconds cap = std::max(policy.cap, milliseconds(0));
  if (retry_after) return std::clamp(*retry_after, milliseconds(0), cap);
  if (retry < 1) retry = 1;
  // base * 2^(retry-1) computed in double so that large retry numbers saturate at the cap
  // instead of overflowing.
  const double bound = std::min(static_cast<double>(cap.count()),
                                static_cast<double>(std::max(policy.base.count(), int64_t{0})) *
                                    std::ldexp(1.0, std::min(retry - 1, 62)));
  if (!(unit >= 0.0)) unit = 0.0;  // NaN too
  if (unit >= 1.0) unit = std::nextafter(1.0, 0.0);
  return milliseconds(static_cast<int64_t>(std::floor(unit * (bound + 1.0))));
}

bool RealSleeper::sleep_for(milliseconds delay, const std::atomic<bool>* cancel) {
  const auto deadline = std::chrono::steady_clock::now() + delay;
  constexpr milliseconds kSlice(10);
  while (true) {
    if (cancel != nullptr && cancel->load(std::memory_order_relaxed)) return false;
    const auto now = std::chrono::steady_clock::now();
    if (now >= deadline) return true;
    std::this_thread::sleep_for(
        std::min<std::chrono::steady_clock::duration>(deadline - now, kSlice));
  }
}

RealSleeper& RealSleeper::instance() {
  static RealSleeper sleeper;
  return sleeper;
}

}  // namespace ragd
