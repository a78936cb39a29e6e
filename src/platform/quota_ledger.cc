#include "platform/quota_ledger.h"

#include <algorithm>
#include <array>
#include <condition_variable>
#include <exception>
#include <mutex>
#include <tuple>
#include <unordered_map>
#include <utility>

namespace ragd::platform {
namespace {

constexpr std::array<const char*, 6> kMeterNames = {
    "messages",         "prompt_tokens", "completion_tokens",
    "embedding_tokens", "api_calls",     "storage_bytes",
};

constexpr size_t kShardCount = 16;

struct KeyHash {
  size_t operator()(const QuotaKey& k) const {
    const std::hash<std::string> h;
    size_t x = h(k.organization);
    x = x * 0x9E3779B97F4A7C15ULL + h(k.period);
    x = x * 0x9E3779B97F4A7C15ULL + static_cast<size_t>(k.meter);
    return x;
  }
};

struct KeyEq {
  bool operator()(const QuotaKey& a, const QuotaKey& b) const {
    return a.meter == b.meter && a.organization == b.organization && a.period == b.period;
  }
};

struct Counter {
  bool loading = true;  // the loader runs (outside the lock) for this key
  int64_t committed = 0;
  int64_t reserved = 0;
  // Adjustments that arrived while loading, applied once the persisted value is in.
  int64_t pending = 0;
};

struct alignas(64) Shard {
  std::mutex mu;
  std::condition_variable loaded;  // a load finished (or failed) in this shard
  std::unordered_map<QuotaKey, Counter, KeyHash, KeyEq> counters;
};

int64_t saturating_add(int64_t a, int64_t b) {
  int64_t out = 0;
  if (__builtin_add_overflow(a, b, &out)) return b > 0 ? INT64_MAX : INT64_MIN;
  return out;
}

}  // namespace

const char* meter_name(Meter meter) {
  const auto i = static_cast<size_t>(meter);
  return i < kMeterNames.size() ? kMeterNames[i] : "unknown";
}

bool parse_meter(const std::string& name, Meter* meter) {
  for (size_t i = 0; i < kMeterNames.size(); ++i) {
    if (name == kMeterNames[i]) {
      if (meter != nullptr) *meter = static_cast<Meter>(i);
      return true;
    }
  }
  return false;
}

bool QuotaKey::operator<(const QuotaKey& o) const {
  return std::tie(organization, meter, period) < std::tie(o.organization, o.meter, o.period);
}

struct InProcessLedger::State {
  UsageLoader loader;
  std::array<Shard, kShardCount> shards;

  Shard& shard_of(const QuotaKey& key) {
    return shards[(KeyHash{}(key)*0x9E3779B97F4A7C15ULL >> 60) % kShardCount];
  }

  // The key's counter, loaded first when needed; `lock` holds the shard's mutex on entry
  // and on return. The loader runs with the mutex released; other threads wanting the same
  // key wait for it, so it runs once per key unless it fails (then nothing is cached and the
  // next caller tries again).
  Result<Counter*> acquire(Shard& shard, std::unique_lock<std::mutex>& lock, const QuotaKey& key) {
    for (;;) {
      auto it = shard.counters.find(key);
      if (it != shard.counters.end()) {
        if (!it->second.loading) return &it->second;
        shard.loaded.wait(lock);
        continue;
      }
      shard.counters.emplace(key, Counter{});
      lock.unlock();
      Result<int64_t> persisted = call_loader(key);
      lock.lock();
      it = shard.counters.find(key);  // the node is still there: only its loader removes it
      if (!persisted.is_ok()) {
        shard.counters.erase(it);
        shard.loaded.notify_all();
        return persisted.status();
      }
      Counter& c = it->second;
      c.committed = saturating_add(*persisted, c.pending);
      c.pending = 0;
      c.loading = false;
      shard.loaded.notify_all();
      return &c;
    }
  }

  Result<int64_t> call_loader(const QuotaKey& key) {
    if (!loader) return int64_t{0};
    try {
      return loader(key);
    } catch (const std::exception& e) {
      return Status::internal(std::string("usage loader threw: ") + e.what());
    } catch (...) {
      return Status::internal("usage loader threw");
    }
  }

  // Applies `fn` to a loaded counter; a key not in memory needs nothing: its persisted
  // records, read when it is next used, already hold the change.
  template <typename Fn>
  void update(const QuotaKey& key, Fn fn) {
    Shard& shard = shard_of(key);
    std::lock_guard<std::mutex> lock(shard.mu);
    auto it = shard.counters.find(key);
    if (it != shard.counters.end()) fn(it->second);
  }
};

InProcessLedger::InProcessLedger(UsageLoader loader) : state_(std::make_unique<State>()) {
  state_->loader = std::move(loader);
}

InProcessLedger::~InProcessLedger() = default;

Result<QuotaCheck> InProcessLedger::reserve(const QuotaKey& key, int64_t amount, int64_t limit) {
  if (amount < 0) {
    return Status::invalid("quota reservation of a negative amount (" + std::to_string(amount) +
                           ")");
  }
  Shard& shard = state_->shard_of(key);
  std::unique_lock<std::mutex> lock(shard.mu);
  Result<Counter*> counter = state_->acquire(shard, lock, key);
  if (!counter.is_ok()) return counter.status();
  Counter& c = **counter;

  QuotaCheck check;
  check.current_usage = saturating_add(c.committed, c.reserved);
  check.limit = limit < 0 ? -1 : limit;
  if (limit < 0) {
    check.granted = true;
    check.remaining = -1;
    c.reserved = saturating_add(c.reserved, amount);
    return check;
  }
  const int64_t left = std::max<int64_t>(0, limit - std::min(check.current_usage, limit));
  if (amount <= left) {
    check.granted = true;
    check.remaining = left - amount;
    c.reserved += amount;
  } else {
    check.remaining = left;
  }
  return check;
}

void InProcessLedger::commit(const QuotaKey& key, int64_t reserved, int64_t used) {
  state_->update(key, [&](Counter& c) {
    c.reserved = std::max<int64_t>(0, c.reserved - reserved);
    c.committed = saturating_add(c.committed, used);
  });
}

void InProcessLedger::release(const QuotaKey& key, int64_t reserved) {
  state_->update(key,
                 [&](Counter& c) { c.reserved = std::max<int64_t>(0, c.reserved - reserved); });
}

void InProcessLedger::adjust(const QuotaKey& key, int64_t delta) {
  state_->update(key, [&](Counter& c) {
    if (c.loading) {
      c.pending = saturating_add(c.pending, delta);
    } else {
      c.committed = saturating_add(c.committed, delta);
    }
  });
}

Result<int64_t> InProcessLedger::usage(const QuotaKey& key) {
  Shard& shard = state_->shard_of(key);
  std::unique_lock<std::mutex> lock(shard.mu);
  Result<Counter*> counter = state_->acquire(shard, lock, key);
  if (!counter.is_ok()) return counter.status();
  return saturating_add((*counter)->committed, (*counter)->reserved);
}

void InProcessLedger::forget_periods_except(const std::vector<std::string>& current_periods) {
  for (Shard& shard : state_->shards) {
    std::lock_guard<std::mutex> lock(shard.mu);
    for (auto it = shard.counters.begin(); it != shard.counters.end();) {
      const std::string& period = it->first.period;
      const bool keep = it->second.loading || period.empty() ||
                        std::find(current_periods.begin(), current_periods.end(), period) !=
                            current_periods.end();
      it = keep ? std::next(it) : shard.counters.erase(it);
    }
  }
}

QuotaReservation::QuotaReservation(QuotaLedger* ledger, QuotaKey key, int64_t amount)
    : ledger_(ledger), key_(std::move(key)), amount_(amount) {}

QuotaReservation::QuotaReservation(QuotaReservation&& other) noexcept
    : ledger_(std::exchange(other.ledger_, nullptr)),
      key_(std::move(other.key_)),
      amount_(other.amount_) {}

QuotaReservation& QuotaReservation::operator=(QuotaReservation&& other) noexcept {
  if (this != &other) {
    if (ledger_ != nullptr) ledger_->release(key_, amount_);
    ledger_ = std::exchange(other.ledger_, nullptr);
    key_ = std::move(other.key_);
    amount_ = other.amount_;
  }
  return *this;
}

QuotaReservation::~QuotaReservation() {
  if (ledger_ != nullptr) ledger_->release(key_, amount_);
}

void QuotaReservation::commit(int64_t used) {
  if (ledger_ == nullptr) return;
  ledger_->commit(key_, amount_, used);
  ledger_ = nullptr;
}

}  // namespace ragd::platform
