#include "net/backoff.h"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <cmath>

#include "net/retry_after.h"

namespace ragd {
namespace {

using std::chrono::milliseconds;

TEST(Backoff, FullJitterBoundsDoubleUpToCap) {
  BackoffPolicy policy;  // 100 ms base, 5 s cap
  EXPECT_EQ(backoff_delay(policy, 1, 0.0, std::nullopt), milliseconds(0));
  EXPECT_EQ(backoff_delay(policy, 1, 0.999999, std::nullopt), milliseconds(100));
  EXPECT_EQ(backoff_delay(policy, 2, 0.999999, std::nullopt), milliseconds(200));
  EXPECT_EQ(backoff_delay(policy, 3, 0.999999, std::nullopt), milliseconds(400));
  EXPECT_EQ(backoff_delay(policy, 3, 0.5, std::nullopt), milliseconds(200));
  EXPECT_EQ(backoff_delay(policy, 7, 0.999999, std::nullopt), milliseconds(5000));
  EXPECT_EQ(backoff_delay(policy, 500, 0.999999, std::nullopt), milliseconds(5000));
}

TEST(Backoff, HostileInputsStayInRange) {
  BackoffPolicy policy;
  EXPECT_EQ(backoff_delay(policy, 0, 2.0, std::nullopt), milliseconds(100));
  EXPECT_EQ(backoff_delay(policy, -3, -1.0, std::nullopt), milliseconds(0));
  EXPECT_EQ(backoff_delay(policy, 1, std::nan(""), std::nullopt), milliseconds(0));
  BackoffPolicy negative{.max_attempts = 3, .base = milliseconds(-5), .cap = milliseconds(-1)};
  EXPECT_EQ(backoff_delay(negative, 2, 0.9, std::nullopt), milliseconds(0));
}

TEST(Backoff, RetryAfterReplacesJitterUpToCap) {
  BackoffPolicy policy;
  EXPECT_EQ(backoff_delay(policy, 1, 0.0, milliseconds(2000)), milliseconds(2000));
  EXPECT_EQ(backoff_delay(policy, 1, 0.9, milliseconds(60000)), milliseconds(5000));
  EXPECT_EQ(backoff_delay(policy, 1, 0.9, milliseconds(-10)), milliseconds(0));
}

TEST(Backoff, DefaultRandomIsInUnitInterval) {
  UnitRandom random = default_unit_random();
  for (int i = 0; i < 1000; ++i) {
    const double x = random();
    ASSERT_GE(x, 0.0);
    ASSERT_LT(x, 1.0);
  }
}

TEST(RealSleeper, CancelStopsTheWait) {
  std::atomic<bool> cancel{true};
  EXPECT_FALSE(RealSleeper::instance().sleep_for(milliseconds(60000), &cancel));
  EXPECT_TRUE(RealSleeper::instance().sleep_for(milliseconds(1), nullptr));
}

TEST(RetryAfter, SecondsAndDates) {
  const auto now = std::chrono::system_clock::time_point(std::chrono::seconds(1445412480));
  EXPECT_EQ(parse_retry_after("120", now), milliseconds(120000));
  EXPECT_EQ(parse_retry_after(" 0 ", now), milliseconds(0));
  // 1445412480 is Wed, 21 Oct 2015 07:28:00 GMT.
  EXPECT_EQ(parse_retry_after("Wed, 21 Oct 2015 07:28:30 GMT", now), milliseconds(30000));
  EXPECT_EQ(parse_retry_after("Wed, 21 Oct 2015 07:27:00 GMT", now), milliseconds(0));
  for (const char* bad :
       {"", "-1", "1.5", "soon", "Wed, 21 Oct 2015 07:28:30 UTC", "Wed, 32 Oct 2015 07:28:30 GMT",
        "Wed, 21 Foo 2015 07:28:30 GMT", "99999999999999999999"}) {
    EXPECT_FALSE(parse_retry_after(bad, now).has_value()) << bad;
  }
}

}  // namespace
}  // namespace ragd
