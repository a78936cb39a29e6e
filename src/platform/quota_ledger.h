// QuotaLedger: counters that a limit may never be exceeded on, even by concurrent requests.
// Work is admitted by reserving its amount first (atomically against the limit), then the
// reservation is committed with the amount really used, or released when the work fails.
// A counter is keyed by organisation, meter and period ("2026-11" for monthly limits,
// "2026-11-21" for daily ones, "" for standing totals such as storage); a new period is a new
// key, so counters reset on their own.
//
// InProcessLedger serves one node: it loads a key's persisted usage once (through the
// loader, from the metering records) and counts in memory under a mutex from then on. A
// Redis implementation (INCRBY with a Lua check) will fill the interface for several nodes.
// Thread-safety: every method may be called from any thread.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "common/status.h"

namespace ragd::platform {

enum class Meter {
  kMessages = 0,
  kPromptTokens,
  kCompletionTokens,
  kEmbeddingTokens,
  kApiCalls,
  kStorageBytes,
};
const char* meter_name(Meter meter);  // "messages", "prompt_tokens", ..., "storage_bytes"
bool parse_meter(const std::string& name, Meter* meter);

struct QuotaKey {
  std::string organization;
  Meter meter = Meter::kMessages;
  std::string period;
  bool operator<(const QuotaKey& o) const;
};

struct QuotaCheck {
  bool granted = false;
  int64_t current_usage = 0;  // committed + reserved, before this reservation
  int64_t limit = -1;         // -1: unlimited
  int64_t remaining = -1;     // after this reservation when granted; -1: unlimited
};

class QuotaLedger {
 public:
  virtual ~QuotaLedger() = default;
  // Reserves `amount` (>= 0) when committed + reserved + amount <= limit (limit < 0: always).
  // kUnavailable-like errors (the loader failed) come back as a non-ok Result: callers
  // refuse the work rather than run it unmetered.
  virtual Result<QuotaCheck> reserve(const QuotaKey& key, int64_t amount, int64_t limit) = 0;
  // Moves a reservation into committed usage with the amount really used (may differ).
  virtual void commit(const QuotaKey& key, int64_t reserved, int64_t used) = 0;
  virtual void release(const QuotaKey& key, int64_t reserved) = 0;
  // Adds to committed usage without a reservation (negative: storage freed by a delete).
  virtual void adjust(const QuotaKey& key, int64_t delta) = 0;
  // committed + reserved now (loads the key when needed).
  virtual Result<int64_t> usage(const QuotaKey& key) = 0;
};

// The persisted usage of a key (sum of its metering records), read on first use.
using UsageLoader = std::function<Result<int64_t>(const QuotaKey&)>;

class InProcessLedger final : public QuotaLedger {
 public:
  explicit InProcessLedger(UsageLoader loader);
  ~InProcessLedger() override;
  Result<QuotaCheck> reserve(const QuotaKey& key, int64_t amount, int64_t limit) override;
  void commit(const QuotaKey& key, int64_t reserved, int64_t used) override;
  void release(const QuotaKey& key, int64_t reserved) override;
  void adjust(const QuotaKey& key, int64_t delta) override;
  Result<int64_t> usage(const QuotaKey& key) override;
  // Forgets keys whose period is neither empty nor one of `current_periods` (old months).
  void forget_periods_except(const std::vector<std::string>& current_periods);

 private:
  struct State;
  std::unique_ptr<State> state_;
};

// A reservation that releases itself unless committed. Movable, not copyable.
class QuotaReservation {
 public:
  QuotaReservation() = default;
  QuotaReservation(QuotaLedger* ledger, QuotaKey key, int64_t amount);
  QuotaReservation(QuotaReservation&& other) noexcept;
  QuotaReservation& operator=(QuotaReservation&& other) noexcept;
  ~QuotaReservation();
  void commit(int64_t used);
  bool active() const { return ledger_ != nullptr; }

 private:
  QuotaLedger* ledger_ = nullptr;
  QuotaKey key_;
  int64_t amount_ = 0;
};

}  // namespace ragd::platform
