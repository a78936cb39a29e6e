#include "platform/quota_ledger.h"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <map>
#include <mutex>
#include <thread>
#include <vector>

namespace ragd::platform {
namespace {

QuotaKey key(const std::string& org = "org-1", Meter meter = Meter::kMessages,
             const std::string& period = "2026-11") {
  return QuotaKey{org, meter, period};
}

UsageLoader zero_loader() {
  return [](const QuotaKey&) -> Result<int64_t> { return int64_t{0}; };
}

QuotaCheck reserve_ok(QuotaLedger& ledger, const QuotaKey& k, int64_t amount, int64_t limit) {
  auto r = ledger.reserve(k, amount, limit);
  EXPECT_TRUE(r.is_ok()) << r.status().to_string();
  return r.is_ok() ? *r : QuotaCheck{};
}

int64_t usage_of(QuotaLedger& ledger, const QuotaKey& k) {
  auto r = ledger.usage(k);
  EXPECT_TRUE(r.is_ok()) << r.status().to_string();
  return r.is_ok() ? *r : -999;
}

TEST(QuotaLedger, MeterNamesRoundTrip) {
  const char* names[] = {"messages",         "prompt_tokens", "completion_tokens",
                         "embedding_tokens", "api_calls",     "storage_bytes"};
  for (int i = 0; i < 6; ++i) {
    const auto m = static_cast<Meter>(i);
    EXPECT_STREQ(meter_name(m), names[i]);
    Meter parsed = Meter::kMessages;
    ASSERT_TRUE(parse_meter(names[i], &parsed));
    EXPECT_EQ(parsed, m);
  }
  Meter m = Meter::kApiCalls;
  EXPECT_FALSE(parse_meter("", &m));
  EXPECT_FALSE(parse_meter("Messages", &m));
  EXPECT_FALSE(parse_meter("tokens", &m));
  EXPECT_EQ(m, Meter::kApiCalls);
}

TEST(QuotaLedger, KeyOrdering) {
  EXPECT_TRUE(key("a") < key("b"));
  EXPECT_TRUE(key("a", Meter::kMessages) < key("a", Meter::kApiCalls));
  EXPECT_TRUE(key("a", Meter::kMessages, "2026-10") < key("a", Meter::kMessages, "2026-11"));
  EXPECT_FALSE(key() < key());
}

TEST(QuotaLedger, ReserveCommitRelease) {
  InProcessLedger ledger(zero_loader());
  const QuotaKey k = key();
  QuotaCheck c = reserve_ok(ledger, k, 3, 10);
  EXPECT_TRUE(c.granted);
  EXPECT_EQ(c.current_usage, 0);
  EXPECT_EQ(c.limit, 10);
  EXPECT_EQ(c.remaining, 7);
  EXPECT_EQ(usage_of(ledger, k), 3);

  ledger.commit(k, 3, 2);  // used less than reserved
  EXPECT_EQ(usage_of(ledger, k), 2);

  c = reserve_ok(ledger, k, 8, 10);
  EXPECT_TRUE(c.granted);
  EXPECT_EQ(c.current_usage, 2);
  EXPECT_EQ(c.remaining, 0);

  c = reserve_ok(ledger, k, 1, 10);
  EXPECT_FALSE(c.granted);
  EXPECT_EQ(c.current_usage, 10);
  EXPECT_EQ(c.limit, 10);
  EXPECT_EQ(c.remaining, 0);

  ledger.release(k, 8);
  EXPECT_EQ(usage_of(ledger, k), 2);
  c = reserve_ok(ledger, k, 8, 10);
  EXPECT_TRUE(c.granted);
  ledger.commit(k, 8, 12);  // used more than reserved: counted as used
  EXPECT_EQ(usage_of(ledger, k), 14);
  c = reserve_ok(ledger, k, 0, 10);
  EXPECT_TRUE(c.granted);  // nothing asked, nothing exceeded
  EXPECT_EQ(c.remaining, 0);
  c = reserve_ok(ledger, k, 1, 10);
  EXPECT_FALSE(c.granted);
  EXPECT_EQ(c.current_usage, 14);
  EXPECT_EQ(c.remaining, 0);
}

TEST(QuotaLedger, ExactFitAndOverByOne) {
  InProcessLedger ledger(zero_loader());
  EXPECT_TRUE(reserve_ok(ledger, key(), 10, 10).granted);
  InProcessLedger other(zero_loader());
  EXPECT_FALSE(reserve_ok(other, key(), 11, 10).granted);
  EXPECT_EQ(usage_of(other, key()), 0);  // a refused reservation holds nothing
}

TEST(QuotaLedger, UnlimitedAndZeroLimits) {
  InProcessLedger ledger(zero_loader());
  QuotaCheck c = reserve_ok(ledger, key(), 1'000'000, -1);
  EXPECT_TRUE(c.granted);
  EXPECT_EQ(c.limit, -1);
  EXPECT_EQ(c.remaining, -1);
  EXPECT_EQ(usage_of(ledger, key()), 1'000'000);
  const QuotaKey z = key("org-z");
  c = reserve_ok(ledger, z, 1, 0);
  EXPECT_FALSE(c.granted);
  EXPECT_EQ(c.limit, 0);
  EXPECT_EQ(c.remaining, 0);
}

TEST(QuotaLedger, NegativeAmountIsAnError) {
  InProcessLedger ledger(zero_loader());
  auto r = ledger.reserve(key(), -1, 10);
  ASSERT_FALSE(r.is_ok());
  EXPECT_EQ(r.status().code(), ErrorCode::kInvalidArgument);
}

TEST(QuotaLedger, AdjustAddsAndSubtracts) {
  InProcessLedger ledger(zero_loader());
  const QuotaKey k = key("org-1", Meter::kStorageBytes, "");
  EXPECT_EQ(usage_of(ledger, k), 0);
  ledger.adjust(k, 500);
  EXPECT_EQ(usage_of(ledger, k), 500);
  ledger.adjust(k, -200);
  EXPECT_EQ(usage_of(ledger, k), 300);
  QuotaCheck c = reserve_ok(ledger, k, 701, 1000);
  EXPECT_FALSE(c.granted);
  EXPECT_EQ(c.current_usage, 300);
  EXPECT_EQ(c.remaining, 700);
  EXPECT_TRUE(reserve_ok(ledger, k, 700, 1000).granted);
}

TEST(QuotaLedger, LoaderSeedsUsageAndIsCalledOncePerKey) {
  std::mutex mu;
  std::map<QuotaKey, int> calls;
  InProcessLedger ledger([&](const QuotaKey& k) -> Result<int64_t> {
    std::lock_guard<std::mutex> lock(mu);
    ++calls[k];
    return int64_t{k.organization == "org-1" ? 95 : 0};
  });
  QuotaCheck c = reserve_ok(ledger, key("org-1"), 5, 100);
  EXPECT_TRUE(c.granted);
  EXPECT_EQ(c.current_usage, 95);
  EXPECT_EQ(c.remaining, 0);
  EXPECT_FALSE(reserve_ok(ledger, key("org-1"), 1, 100).granted);
  ledger.commit(key("org-1"), 5, 5);
  EXPECT_EQ(usage_of(ledger, key("org-1")), 100);
  EXPECT_TRUE(reserve_ok(ledger, key("org-2"), 5, 100).granted);
  EXPECT_TRUE(reserve_ok(ledger, key("org-1", Meter::kMessages, "2026-12"), 5, 100).granted);
  EXPECT_EQ(calls[key("org-1")], 1);
  EXPECT_EQ(calls[key("org-2")], 1);
  EXPECT_EQ(calls[key("org-1", Meter::kMessages, "2026-12")], 1);
}

TEST(QuotaLedger, LoaderIsCalledOnceUnderConcurrency) {
  std::atomic<int> calls{0};
  InProcessLedger ledger([&](const QuotaKey&) -> Result<int64_t> {
    ++calls;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));  // widen the race
    return int64_t{10};
  });
  std::atomic<int> granted{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 16; ++t) {
    threads.emplace_back([&] {
      auto r = ledger.reserve(key(), 1, 15);
      if (r.is_ok() && r->granted) ++granted;
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(calls.load(), 1);
  EXPECT_EQ(granted.load(), 5);
}

TEST(QuotaLedger, LoaderFailureIsReturnedAndNotCached) {
  int calls = 0;
  bool fail = true;
  InProcessLedger ledger([&](const QuotaKey&) -> Result<int64_t> {
    ++calls;
    if (fail) return Status::io("database is locked");
    return int64_t{7};
  });
  auto r = ledger.reserve(key(), 1, 10);
  ASSERT_FALSE(r.is_ok());
  EXPECT_EQ(r.status().code(), ErrorCode::kIo);
  auto u = ledger.usage(key());
  ASSERT_FALSE(u.is_ok());
  EXPECT_EQ(calls, 2);
  // Calls for an unloaded key change nothing and do not crash.
  ledger.commit(key(), 1, 1);
  ledger.release(key(), 1);
  ledger.adjust(key(), 5);

  fail = false;
  QuotaCheck c = reserve_ok(ledger, key(), 1, 10);
  EXPECT_TRUE(c.granted);
  EXPECT_EQ(c.current_usage, 7);
  EXPECT_EQ(calls, 3);
  EXPECT_EQ(usage_of(ledger, key()), 8);
  EXPECT_EQ(calls, 3);
}

TEST(QuotaLedger, LoaderThatThrowsBecomesAnError) {
  InProcessLedger ledger(
      [](const QuotaKey&) -> Result<int64_t> { throw std::runtime_error("boom"); });
  auto r = ledger.reserve(key(), 1, 10);
  ASSERT_FALSE(r.is_ok());
  EXPECT_EQ(r.status().code(), ErrorCode::kInternal);
}

TEST(QuotaLedger, ForgetOldPeriods) {
  int calls = 0;
  InProcessLedger ledger([&](const QuotaKey&) -> Result<int64_t> {
    ++calls;
    return int64_t{0};
  });
  const QuotaKey old_month = key("o", Meter::kMessages, "2026-10");
  const QuotaKey this_month = key("o", Meter::kMessages, "2026-11");
  const QuotaKey today = key("o", Meter::kApiCalls, "2026-11-21");
  const QuotaKey storage = key("o", Meter::kStorageBytes, "");
  for (const QuotaKey& k : {old_month, this_month, today, storage}) {
    ASSERT_TRUE(reserve_ok(ledger, k, 1, 10).granted);
    ledger.commit(k, 1, 1);
  }
  EXPECT_EQ(calls, 4);
  ledger.forget_periods_except({"2026-11", "2026-11-21"});
  EXPECT_EQ(usage_of(ledger, this_month), 1);
  EXPECT_EQ(usage_of(ledger, today), 1);
  EXPECT_EQ(usage_of(ledger, storage), 1);
  EXPECT_EQ(calls, 4);
  EXPECT_EQ(usage_of(ledger, old_month), 0);  // reloaded from (here, empty) records
  EXPECT_EQ(calls, 5);
}

TEST(QuotaLedger, ReservationReleasesUnlessCommitted) {
  InProcessLedger ledger(zero_loader());
  const QuotaKey k = key();
  {
    ASSERT_TRUE(reserve_ok(ledger, k, 4, 10).granted);
    QuotaReservation r(&ledger, k, 4);
    EXPECT_TRUE(r.active());
    EXPECT_EQ(usage_of(ledger, k), 4);
  }
  EXPECT_EQ(usage_of(ledger, k), 0);
  {
    ASSERT_TRUE(reserve_ok(ledger, k, 4, 10).granted);
    QuotaReservation r(&ledger, k, 4);
    r.commit(3);
    EXPECT_FALSE(r.active());
    r.commit(3);  // a second commit does nothing
  }
  EXPECT_EQ(usage_of(ledger, k), 3);
  {
    ASSERT_TRUE(reserve_ok(ledger, k, 2, 10).granted);
    QuotaReservation a(&ledger, k, 2);
    QuotaReservation b(std::move(a));
    EXPECT_FALSE(a.active());  // NOLINT(bugprone-use-after-move): moved-from state is defined
    EXPECT_TRUE(b.active());
    QuotaReservation c;
    EXPECT_FALSE(c.active());
    c = std::move(b);
    EXPECT_TRUE(c.active());
    EXPECT_EQ(usage_of(ledger, k), 5);
  }
  EXPECT_EQ(usage_of(ledger, k), 3);  // released exactly once
  {
    ASSERT_TRUE(reserve_ok(ledger, k, 1, 10).granted);
    ASSERT_TRUE(reserve_ok(ledger, k, 2, 10).granted);
    QuotaReservation a(&ledger, k, 1);
    QuotaReservation b(&ledger, k, 2);
    a = std::move(b);  // a's own reservation (1) is released
    EXPECT_EQ(usage_of(ledger, k), 5);
  }
  EXPECT_EQ(usage_of(ledger, k), 3);
}

// 64 clients on one limit: exactly the limit is granted, never more.
TEST(QuotaLedger, SixtyFourThreadsNeverExceedTheLimit) {
  InProcessLedger ledger(zero_loader());
  constexpr int64_t kLimit = 1000;
  std::atomic<int64_t> granted{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 64; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 40; ++i) {
        auto r = ledger.reserve(key(), 1, kLimit);
        if (r.is_ok() && r->granted) {
          ++granted;
          ledger.commit(key(), 1, 1);
        }
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(granted.load(), kLimit);
  EXPECT_EQ(usage_of(ledger, key()), kLimit);
}

TEST(QuotaLedger, SixtyFourThreadsWithReleases) {
  InProcessLedger ledger(zero_loader());
  constexpr int64_t kLimit = 1000;
  std::atomic<int64_t> committed{0};
  std::atomic<int64_t> over{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 64; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 60; ++i) {
        auto r = ledger.reserve(key(), 1, kLimit);
        if (!r.is_ok() || !r->granted) continue;
        QuotaReservation res(&ledger, key(), 1);
        if ((t + i) % 3 == 0) continue;  // the work failed: released by the destructor
        res.commit(1);
        if (++committed > kLimit) ++over;
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(over.load(), 0);
  // Released slots went back: 64*60 attempts are plenty to fill the limit exactly.
  EXPECT_EQ(committed.load(), kLimit);
  EXPECT_EQ(usage_of(ledger, key()), kLimit);
}

TEST(QuotaLedger, MixedAmountsNeverExceed) {
  InProcessLedger ledger(zero_loader());
  constexpr int64_t kLimit = 10'000;
  std::atomic<int64_t> committed{0};
  std::atomic<int64_t> max_seen{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 64; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 50; ++i) {
        const int64_t amount = 1 + (t * 7 + i * 13) % 37;
        auto r = ledger.reserve(key(), amount, kLimit);
        if (!r.is_ok() || !r->granted) continue;
        const int64_t used = (i % 4 == 0) ? amount / 2 : amount;  // some use less
        ledger.commit(key(), amount, used);
        committed += used;
        auto u = ledger.usage(key());
        if (u.is_ok()) {
          int64_t seen = max_seen.load();
          while (*u > seen && !max_seen.compare_exchange_weak(seen, *u)) {
          }
        }
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_LE(max_seen.load(), kLimit);
  EXPECT_LE(committed.load(), kLimit);
  EXPECT_EQ(usage_of(ledger, key()), committed.load());
  // Once refused, the remainder is smaller than the largest amount asked.
  EXPECT_GT(committed.load(), kLimit - 37);
}

}  // namespace
}  // namespace ragd::platform
