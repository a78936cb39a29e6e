#include "llm/circuit_breaker.h"

#include <gtest/gtest.h>

#include <thread>
#include <vector>

#include "fakes.h"

namespace ragd {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;

class CircuitBreakerTest : public ::testing::Test {
 protected:
  std::shared_ptr<testing::ManualClock> clock_ = std::make_shared<testing::ManualClock>();
};

TEST_F(CircuitBreakerTest, OpensAfterFiveConsecutiveFailures) {
  CircuitBreaker breaker({}, clock_);
  for (int i = 0; i < 4; ++i) {
    ASSERT_TRUE(breaker.allow());
    breaker.record_failure();
  }
  EXPECT_EQ(breaker.state(), BreakerState::kClosed);
  EXPECT_EQ(breaker.consecutive_failures(), 4);
  ASSERT_TRUE(breaker.allow());
  breaker.record_failure();
  EXPECT_EQ(breaker.state(), BreakerState::kOpen);
  EXPECT_FALSE(breaker.allow());
}

TEST_F(CircuitBreakerTest, SuccessResetsTheCount) {
  CircuitBreaker breaker({}, clock_);
  for (int round = 0; round < 3; ++round) {
    for (int i = 0; i < 4; ++i) {
      ASSERT_TRUE(breaker.allow());
      breaker.record_failure();
    }
    ASSERT_TRUE(breaker.allow());
    breaker.record_success();
  }
  EXPECT_EQ(breaker.state(), BreakerState::kClosed);
  EXPECT_EQ(breaker.consecutive_failures(), 0);
}

TEST_F(CircuitBreakerTest, HalfOpensAfter120sAndClosesAfterThreeSuccesses) {
  CircuitBreaker breaker({}, clock_);
  for (int i = 0; i < 5; ++i) {
    ASSERT_TRUE(breaker.allow());
    breaker.record_failure();
  }
  clock_->advance(seconds(119));
  EXPECT_EQ(breaker.state(), BreakerState::kOpen);
  EXPECT_FALSE(breaker.allow());
  clock_->advance(seconds(1));
  EXPECT_EQ(breaker.state(), BreakerState::kHalfOpen);
  for (int i = 0; i < 3; ++i) {
    ASSERT_TRUE(breaker.allow()) << i;
    EXPECT_FALSE(breaker.allow()) << "one trial at a time";
    breaker.record_success();
    if (i < 2) {
      EXPECT_EQ(breaker.state(), BreakerState::kHalfOpen);
    }
  }
  EXPECT_EQ(breaker.state(), BreakerState::kClosed);
  EXPECT_TRUE(breaker.allow());
  EXPECT_TRUE(breaker.allow());
}

TEST_F(CircuitBreakerTest, FailureInHalfOpenReopensForAnotherPeriod) {
  CircuitBreaker breaker({}, clock_);
  for (int i = 0; i < 5; ++i) {
    ASSERT_TRUE(breaker.allow());
    breaker.record_failure();
  }
  clock_->advance(seconds(120));
  ASSERT_TRUE(breaker.allow());
  breaker.record_success();
  ASSERT_TRUE(breaker.allow());
  breaker.record_failure();
  EXPECT_EQ(breaker.state(), BreakerState::kOpen);
  clock_->advance(seconds(60));
  EXPECT_FALSE(breaker.allow());
  clock_->advance(seconds(60));
  EXPECT_TRUE(breaker.allow());
  // The successes before the reopening do not count any more.
  breaker.record_success();
  ASSERT_TRUE(breaker.allow());
  breaker.record_success();
  EXPECT_EQ(breaker.state(), BreakerState::kHalfOpen);
}

TEST_F(CircuitBreakerTest, IgnoredCallFreesTheTrialSlot) {
  CircuitBreaker breaker({.failure_threshold = 1}, clock_);
  ASSERT_TRUE(breaker.allow());
  breaker.record_failure();
  clock_->advance(seconds(120));
  ASSERT_TRUE(breaker.allow());
  EXPECT_FALSE(breaker.allow());
  breaker.record_ignored();
  EXPECT_TRUE(breaker.allow());
  EXPECT_EQ(breaker.state(), BreakerState::kHalfOpen);
}

TEST_F(CircuitBreakerTest, Configurable) {
  CircuitBreaker breaker({.failure_threshold = 2,
                          .open_duration = milliseconds(500),
                          .half_open_successes = 1,
                          .half_open_max_in_flight = 2},
                         clock_);
  breaker.allow();
  breaker.record_failure();
  breaker.allow();
  breaker.record_failure();
  EXPECT_EQ(breaker.state(), BreakerState::kOpen);
  clock_->advance(milliseconds(500));
  EXPECT_TRUE(breaker.allow());
  EXPECT_TRUE(breaker.allow());
  EXPECT_FALSE(breaker.allow());
  breaker.record_success();
  EXPECT_EQ(breaker.state(), BreakerState::kClosed);
}

TEST_F(CircuitBreakerTest, SharedBetweenThreads) {
  CircuitBreaker breaker({.failure_threshold = 1000}, clock_);
  std::vector<std::thread> threads;
  for (int t = 0; t < 8; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 100; ++i) {
        if (breaker.allow()) breaker.record_failure();
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(breaker.state(), BreakerState::kClosed);  // 800 failures < 1000
  EXPECT_EQ(breaker.consecutive_failures(), 800);
}

}  // namespace
}  // namespace ragd
