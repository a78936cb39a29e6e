#include "platform/rate_limiter.h"

#include <algorithm>
#include <array>
#include <mutex>
#include <unordered_map>
#include <utility>
#include <vector>

namespace ragd::platform {
namespace {

constexpr size_t kShardCount = 64;
constexpr int64_t kNanosPerSecond = 1'000'000'000;
// Windows beyond a year are clamped, which keeps nanosecond arithmetic far from overflow.
constexpr int64_t kMaxWindowMs = 366LL * 24 * 3600 * 1000;
// A shard is swept for expired keys after this many hits, or after as many hits as it held
// keys at its last sweep when that is more: the sweep's cost is amortised over the hits.
constexpr size_t kMinHitsBetweenSweeps = 64;

int64_t ceil_seconds(int64_t nanos) {
  return std::max<int64_t>(1, (nanos + kNanosPerSecond - 1) / kNanosPerSecond);
}

// The allowed hits of one key, oldest first, in a ring that grows up to the key's limit
// and never beyond: a time is only added while fewer than `limit` are held, so a key holds
// at most its largest limit of the last window (a lowered limit counts the hits already
// made; the surplus leaves with the window).
class HitRing {
 public:
  size_t size() const { return count_; }
  bool empty() const { return count_ == 0; }
  int64_t oldest() const { return ring_[head_]; }
  int64_t at(size_t i) const { return ring_[(head_ + i) % ring_.size()]; }  // 0: oldest
  int64_t newest() const { return ring_[(head_ + count_ - 1) % ring_.size()]; }

  void pop_oldest() {
    if (++head_ == ring_.size()) head_ = 0;
    --count_;
  }

  // Precondition: size() < limit.
  void push(int64_t t, size_t limit) {
    if (count_ == ring_.size()) {
      relayout(std::min(limit, std::max<size_t>(4, ring_.size() * 2)));
    }
    size_t at = head_ + count_;
    if (at >= ring_.size()) at -= ring_.size();
    ring_[at] = t;
    ++count_;
  }

 private:
  void relayout(size_t capacity) {
    std::vector<int64_t> next(capacity);
    for (size_t i = 0; i < count_; ++i) next[i] = ring_[(head_ + i) % ring_.size()];
    ring_ = std::move(next);
    head_ = 0;
  }

  std::vector<int64_t> ring_;
  size_t head_ = 0;
  size_t count_ = 0;
};

struct Entry {
  HitRing hits;
  int64_t window_ns = 0;  // of the latest hit: decides when the whole key has expired
};

struct alignas(64) Shard {
  std::mutex mu;
  std::unordered_map<std::string, Entry> entries;
  size_t hits_since_sweep = 0;
  size_t size_at_sweep = 0;

  void sweep(int64_t now) {
    for (auto it = entries.begin(); it != entries.end();) {
      const Entry& e = it->second;
      if (e.hits.empty() || now - e.hits.newest() >= e.window_ns) {
        it = entries.erase(it);
      } else {
        ++it;
      }
    }
    hits_since_sweep = 0;
    size_at_sweep = entries.size();
  }
};

size_t shard_of(const std::string& key) {
  // The high bits of a multiplicative mix: independent of the map's own bucket choice.
  const uint64_t h = static_cast<uint64_t>(std::hash<std::string>{}(key));
  return static_cast<size_t>((h * 0x9E3779B97F4A7C15ULL) >> 58) % kShardCount;
}

}  // namespace

struct InProcessRateLimiter::Shards {
  std::array<Shard, kShardCount> shards;
};

InProcessRateLimiter::InProcessRateLimiter(Clock clock)
    : clock_(std::move(clock)), shards_(std::make_unique<Shards>()) {
  if (!clock_) clock_ = [] { return std::chrono::steady_clock::now(); };
}

InProcessRateLimiter::~InProcessRateLimiter() = default;

RateDecision InProcessRateLimiter::hit(const std::string& key, int64_t limit,
                                       std::chrono::milliseconds window) {
  RateDecision d;
  d.limit = limit;
  if (limit < 0) {
    d.remaining = -1;
    return d;
  }
  const int64_t window_ms = std::min<int64_t>(window.count(), kMaxWindowMs);
  if (limit == 0) {
    d.allowed = false;
    d.retry_after_seconds = ceil_seconds(std::max<int64_t>(window_ms, 0) * 1'000'000);
    return d;
  }
  if (window_ms <= 0) {
    // (t - 0, t] holds nothing: every hit is allowed and none needs remembering.
    d.remaining = limit - 1;
    return d;
  }
  const int64_t window_ns = window_ms * 1'000'000;
  const int64_t now =
      std::chrono::duration_cast<std::chrono::nanoseconds>(clock_().time_since_epoch()).count();
  const size_t cap = static_cast<size_t>(limit);

  Shard& shard = shards_->shards[shard_of(key)];
  std::lock_guard<std::mutex> lock(shard.mu);
  if (++shard.hits_since_sweep >= std::max(kMinHitsBetweenSweeps, shard.size_at_sweep)) {
    shard.sweep(now);
  }
  Entry& entry = shard.entries.try_emplace(key).first->second;
  entry.window_ns = window_ns;
  HitRing& hits = entry.hits;
  while (!hits.empty() && now - hits.oldest() >= window_ns) hits.pop_oldest();

  if (hits.size() < cap) {
    hits.push(now, cap);
    d.allowed = true;
    d.remaining = limit - static_cast<int64_t>(hits.size());
    d.reset_seconds = ceil_seconds(window_ns - (now - hits.oldest()));
    return d;
  }
  // Full: a hit is allowed again once hits.size() - limit + 1 of the oldest have left.
  d.allowed = false;
  d.remaining = 0;
  d.reset_seconds = ceil_seconds(window_ns - (now - hits.oldest()));
  d.retry_after_seconds = ceil_seconds(window_ns - (now - hits.at(hits.size() - cap)));
  return d;
}

size_t InProcessRateLimiter::tracked_keys() const {
  size_t total = 0;
  for (Shard& shard : shards_->shards) {
    std::lock_guard<std::mutex> lock(shard.mu);
    total += shard.entries.size();
  }
  return total;
}

}  // namespace ragd::platform
