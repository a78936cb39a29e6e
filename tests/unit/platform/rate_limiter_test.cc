#include "platform/rate_limiter.h"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <string>
#include <thread>
#include <vector>

namespace ragd::platform {
namespace {

using std::chrono::milliseconds;

// A clock the test moves by hand; readable from any thread.
class FakeClock {
 public:
  Clock clock() {
    return [this] {
      return std::chrono::steady_clock::time_point(milliseconds(1'000'000 + now_ms_.load()));
    };
  }
  void advance(int64_t ms) { now_ms_ += ms; }

 private:
  std::atomic<int64_t> now_ms_{0};
};

constexpr milliseconds kMinute{60'000};

TEST(RateLimiter, AllowsUpToTheLimitThenDenies) {
  FakeClock clock;
  InProcessRateLimiter limiter(clock.clock());
  for (int i = 0; i < 3; ++i) {
    const RateDecision d = limiter.hit("k", 3, kMinute);
    EXPECT_TRUE(d.allowed) << i;
    EXPECT_EQ(d.limit, 3);
    EXPECT_EQ(d.remaining, 2 - i);
    EXPECT_EQ(d.reset_seconds, 60 - i);  // the first hit, i seconds ago, leaves first
    EXPECT_EQ(d.retry_after_seconds, 0);
    clock.advance(1000);
  }
  const RateDecision d = limiter.hit("k", 3, kMinute);
  EXPECT_FALSE(d.allowed);
  EXPECT_EQ(d.limit, 3);
  EXPECT_EQ(d.remaining, 0);
  // The first hit was 3 s ago: it leaves the window in 57 s.
  EXPECT_EQ(d.retry_after_seconds, 57);
  EXPECT_EQ(d.reset_seconds, 57);
}

TEST(RateLimiter, KeysAreIndependent) {
  FakeClock clock;
  InProcessRateLimiter limiter(clock.clock());
  EXPECT_TRUE(limiter.hit("a", 1, kMinute).allowed);
  EXPECT_FALSE(limiter.hit("a", 1, kMinute).allowed);
  EXPECT_TRUE(limiter.hit("b", 1, kMinute).allowed);
  EXPECT_TRUE(limiter.hit("", 1, kMinute).allowed);
  EXPECT_FALSE(limiter.hit("", 1, kMinute).allowed);
}

TEST(RateLimiter, WindowSlidesHitByHit) {
  FakeClock clock;
  InProcessRateLimiter limiter(clock.clock());
  const milliseconds window{10'000};
  // Hits at 0 s, 4 s, 8 s fill a limit of 3.
  EXPECT_TRUE(limiter.hit("k", 3, window).allowed);
  clock.advance(4000);
  EXPECT_TRUE(limiter.hit("k", 3, window).allowed);
  clock.advance(4000);
  EXPECT_TRUE(limiter.hit("k", 3, window).allowed);
  // At 9.999 s the hit at 0 s is still inside (t - 10 s, t].
  clock.advance(1999);
  RateDecision d = limiter.hit("k", 3, window);
  EXPECT_FALSE(d.allowed);
  EXPECT_EQ(d.retry_after_seconds, 1);  // 1 ms, rounded up
  // At exactly 10 s it has left: one slot opens, no more.
  clock.advance(1);
  d = limiter.hit("k", 3, window);
  EXPECT_TRUE(d.allowed);
  EXPECT_EQ(d.remaining, 0);
  EXPECT_EQ(d.reset_seconds, 4);  // the hit at 4 s leaves at 14 s
  d = limiter.hit("k", 3, window);
  EXPECT_FALSE(d.allowed);
  EXPECT_EQ(d.retry_after_seconds, 4);
  // At 14 s the 4 s hit leaves; the 8 s and 10 s hits remain.
  clock.advance(4000);
  d = limiter.hit("k", 3, window);
  EXPECT_TRUE(d.allowed);
  EXPECT_EQ(d.remaining, 0);
  EXPECT_EQ(d.reset_seconds, 4);  // 8 s + 10 s - 14 s
}

TEST(RateLimiter, DeniedHitsAreNotRecorded) {
  FakeClock clock;
  InProcessRateLimiter limiter(clock.clock());
  const milliseconds window{10'000};
  EXPECT_TRUE(limiter.hit("k", 2, window).allowed);
  EXPECT_TRUE(limiter.hit("k", 2, window).allowed);
  for (int i = 0; i < 9; ++i) {
    clock.advance(1000);
    EXPECT_FALSE(limiter.hit("k", 2, window).allowed) << i;
  }
  // Hammering from 1 s to 9 s did not extend the window: at 10 s both slots are free.
  clock.advance(1000);
  const RateDecision d = limiter.hit("k", 2, window);
  EXPECT_TRUE(d.allowed);
  EXPECT_EQ(d.remaining, 1);
  EXPECT_EQ(d.reset_seconds, 10);
}

TEST(RateLimiter, ResetIsRoundedUpSeconds) {
  FakeClock clock;
  InProcessRateLimiter limiter(clock.clock());
  EXPECT_EQ(limiter.hit("k", 5, milliseconds(1500)).reset_seconds, 2);
  clock.advance(1499);
  EXPECT_EQ(limiter.hit("k", 5, milliseconds(1500)).reset_seconds, 1);
  EXPECT_EQ(limiter.hit("k", 5, milliseconds(1)).reset_seconds, 1);
}

TEST(RateLimiter, UnlimitedAndZeroLimits) {
  FakeClock clock;
  InProcessRateLimiter limiter(clock.clock());
  for (int i = 0; i < 1000; ++i) {
    const RateDecision d = limiter.hit("u", -1, kMinute);
    ASSERT_TRUE(d.allowed);
    EXPECT_EQ(d.remaining, -1);
  }
  EXPECT_EQ(limiter.tracked_keys(), 0u);  // nothing to remember for unlimited keys
  for (int i = 0; i < 3; ++i) {
    const RateDecision d = limiter.hit("z", 0, kMinute);
    EXPECT_FALSE(d.allowed);
    EXPECT_EQ(d.remaining, 0);
    EXPECT_GE(d.retry_after_seconds, 1);
  }
}

TEST(RateLimiter, LimitChangesTakeEffect) {
  FakeClock clock;
  InProcessRateLimiter limiter(clock.clock());
  for (int i = 0; i < 5; ++i) {
    EXPECT_TRUE(limiter.hit("k", 10, kMinute).allowed);
    clock.advance(1000);
  }
  // A lower limit (a plan downgrade) counts the hits already made.
  EXPECT_FALSE(limiter.hit("k", 3, kMinute).allowed);
  EXPECT_FALSE(limiter.hit("k", 5, kMinute).allowed);
  // Retry-After counts until enough hits have left: the third of five (made at 2 s) leaves
  // at 62 s for a limit of 3.
  clock.advance(30'000);  // now 35 s
  RateDecision d = limiter.hit("k", 3, kMinute);
  EXPECT_FALSE(d.allowed);
  EXPECT_EQ(d.retry_after_seconds, 27);
  EXPECT_EQ(d.reset_seconds, 25);  // the hit at 0 s leaves at 60 s
  // A higher one leaves room again.
  d = limiter.hit("k", 6, kMinute);
  EXPECT_TRUE(d.allowed);
  EXPECT_EQ(d.remaining, 0);
  EXPECT_FALSE(limiter.hit("k", 6, kMinute).allowed);
  EXPECT_TRUE(limiter.hit("k", 100, kMinute).allowed);
}

TEST(RateLimiter, ExpiredKeyStartsFresh) {
  FakeClock clock;
  InProcessRateLimiter limiter(clock.clock());
  EXPECT_TRUE(limiter.hit("k", 2, kMinute).allowed);
  EXPECT_TRUE(limiter.hit("k", 2, kMinute).allowed);
  EXPECT_FALSE(limiter.hit("k", 2, kMinute).allowed);
  clock.advance(kMinute.count());
  const RateDecision d = limiter.hit("k", 2, kMinute);
  EXPECT_TRUE(d.allowed);
  EXPECT_EQ(d.remaining, 1);
}

TEST(RateLimiter, ExpiredKeysAreDroppedAsTheLimiterGoes) {
  FakeClock clock;
  InProcessRateLimiter limiter(clock.clock());
  const milliseconds window{1000};
  for (int i = 0; i < 1000; ++i) limiter.hit("old-" + std::to_string(i), 5, window);
  EXPECT_EQ(limiter.tracked_keys(), 1000u);
  clock.advance(2000);
  // Hits on other keys sweep the expired ones out of every shard they touch.
  constexpr int kNew = 64 * 200;
  for (int i = 0; i < kNew; ++i) limiter.hit("new-" + std::to_string(i), 5, window);
  EXPECT_EQ(limiter.tracked_keys(), static_cast<size_t>(kNew));
  clock.advance(2000);
  for (int i = 0; i < 2 * kNew; ++i) limiter.hit("newer-" + std::to_string(i), 5, window);
  EXPECT_EQ(limiter.tracked_keys(), static_cast<size_t>(2 * kNew));
}

TEST(RateLimiter, SixtyFourThreadsOnOneKeyGetExactlyTheLimit) {
  FakeClock clock;
  InProcessRateLimiter limiter(clock.clock());
  constexpr int kLimit = 500;
  std::atomic<int> allowed{0};
  std::atomic<int> bad_remaining{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 64; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 100; ++i) {
        const RateDecision d = limiter.hit("shared", kLimit, kMinute);
        if (d.allowed) ++allowed;
        if (d.remaining < 0 || d.remaining >= kLimit) ++bad_remaining;
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(allowed.load(), kLimit);
  EXPECT_EQ(bad_remaining.load(), 0);
}

TEST(RateLimiter, SixtyFourThreadsAgainAfterTheWindow) {
  FakeClock clock;
  InProcessRateLimiter limiter(clock.clock());
  constexpr int kLimit = 50;
  std::atomic<int> allowed{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 64; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 50; ++i) {
        if (limiter.hit("shared", kLimit, kMinute).allowed) ++allowed;
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(allowed.load(), kLimit);
  clock.advance(kMinute.count());
  threads.clear();
  allowed = 0;
  for (int t = 0; t < 64; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 50; ++i) {
        if (limiter.hit("shared", kLimit, kMinute).allowed) ++allowed;
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(allowed.load(), kLimit);
}

TEST(RateLimiter, RealClockByDefault) {
  InProcessRateLimiter limiter;
  EXPECT_TRUE(limiter.hit("k", 1, kMinute).allowed);
  EXPECT_FALSE(limiter.hit("k", 1, kMinute).allowed);
}

}  // namespace
}  // namespace ragd::platform
