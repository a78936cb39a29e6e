#include "platform/usage_period.h"

#include <gtest/gtest.h>

#include <string>

namespace ragd::platform {
namespace {

constexpr int64_t kDay = 86400;

// 2026-11-21T13:45:30Z
constexpr int64_t kSample = 1795268730;

TEST(UsagePeriod, FormatsKnownInstants) {
  EXPECT_EQ(month_period(0), "1970-01");
  EXPECT_EQ(day_period(0), "1970-01-01");
  EXPECT_EQ(rfc3339(0), "1970-01-01T00:00:00Z");
  EXPECT_EQ(rfc3339(kSample), "2026-11-21T13:45:30Z");
  EXPECT_EQ(month_period(kSample), "2026-11");
  EXPECT_EQ(day_period(kSample), "2026-11-21");
  EXPECT_EQ(rfc3339(951782400), "2000-02-29T00:00:00Z");
}

TEST(UsagePeriod, StartsAndNextStarts) {
  EXPECT_EQ(rfc3339(month_start(kSample)), "2026-11-01T00:00:00Z");
  EXPECT_EQ(rfc3339(next_month_start(kSample)), "2026-12-01T00:00:00Z");
  EXPECT_EQ(rfc3339(day_start(kSample)), "2026-11-21T00:00:00Z");
  EXPECT_EQ(rfc3339(next_day_start(kSample)), "2026-11-22T00:00:00Z");
}

TEST(UsagePeriod, DayAndMonthBoundaries) {
  const int64_t dec1 = month_start(kSample) + 30 * kDay;  // 2026-12-01T00:00:00Z
  EXPECT_EQ(rfc3339(dec1), "2026-12-01T00:00:00Z");
  EXPECT_EQ(month_period(dec1 - 1), "2026-11");
  EXPECT_EQ(day_period(dec1 - 1), "2026-11-30");
  EXPECT_EQ(month_period(dec1), "2026-12");
  EXPECT_EQ(day_period(dec1), "2026-12-01");
  EXPECT_EQ(month_start(dec1), dec1);
  EXPECT_EQ(day_start(dec1), dec1);
  EXPECT_EQ(next_day_start(dec1 - 1), dec1);
  EXPECT_EQ(next_month_start(dec1 - 1), dec1);
  EXPECT_EQ(day_start(dec1 - 1), dec1 - kDay);
}

TEST(UsagePeriod, YearEnd) {
  auto jan1 = parse_month("2027-01");
  ASSERT_TRUE(jan1.is_ok());
  const int64_t t = jan1->from;
  EXPECT_EQ(rfc3339(t - 1), "2026-12-31T23:59:59Z");
  EXPECT_EQ(month_period(t - 1), "2026-12");
  EXPECT_EQ(day_period(t - 1), "2026-12-31");
  EXPECT_EQ(next_month_start(t - 1), t);
  EXPECT_EQ(next_day_start(t - 1), t);
  EXPECT_EQ(rfc3339(next_month_start(t - 32 * kDay)), "2026-12-01T00:00:00Z");
  EXPECT_EQ(month_period(t), "2027-01");
}

TEST(UsagePeriod, LeapYears) {
  auto feb2024 = parse_month("2024-02");
  ASSERT_TRUE(feb2024.is_ok());
  EXPECT_EQ(feb2024->to - feb2024->from, 29 * kDay);
  auto feb2026 = parse_month("2026-02");
  ASSERT_TRUE(feb2026.is_ok());
  EXPECT_EQ(feb2026->to - feb2026->from, 28 * kDay);
  auto feb2000 = parse_month("2000-02");  // divisible by 400: leap
  ASSERT_TRUE(feb2000.is_ok());
  EXPECT_EQ(feb2000->to - feb2000->from, 29 * kDay);
  auto feb2100 = parse_month("2100-02");  // divisible by 100: not
  ASSERT_TRUE(feb2100.is_ok());
  EXPECT_EQ(feb2100->to - feb2100->from, 28 * kDay);

  EXPECT_TRUE(parse_day("2024-02-29").is_ok());
  EXPECT_TRUE(parse_day("2000-02-29").is_ok());
  EXPECT_FALSE(parse_day("2026-02-29").is_ok());
  EXPECT_FALSE(parse_day("2100-02-29").is_ok());
  auto leap_day = parse_day("2024-02-29");
  ASSERT_TRUE(leap_day.is_ok());
  EXPECT_EQ(day_period(leap_day->from), "2024-02-29");
  EXPECT_EQ(day_period(leap_day->to), "2024-03-01");
  EXPECT_EQ(month_period(leap_day->to - 1), "2024-02");
}

TEST(UsagePeriod, ParseRoundTripsEveryDayOfSomeYears) {
  for (const char* year : {"1970", "2024", "2026", "2100"}) {
    auto from = parse_month(std::string(year) + "-01");
    ASSERT_TRUE(from.is_ok());
    auto to = parse_month(std::to_string(std::stoi(year) + 1) + "-01");
    ASSERT_TRUE(to.is_ok());
    int days = 0;
    for (int64_t t = from->from; t < to->from; t += kDay, ++days) {
      const std::string day = day_period(t);
      auto parsed = parse_day(day);
      ASSERT_TRUE(parsed.is_ok()) << day;
      EXPECT_EQ(parsed->from, t);
      EXPECT_EQ(parsed->to, t + kDay);
      auto month = parse_month(month_period(t));
      ASSERT_TRUE(month.is_ok());
      EXPECT_EQ(month->from, month_start(t));
      EXPECT_EQ(month->to, next_month_start(t));
      EXPECT_LE(month->from, t);
      EXPECT_LT(t, month->to);
    }
    const int y = std::stoi(year);
    const bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    EXPECT_EQ(days, leap ? 366 : 365) << year;
  }
}

TEST(UsagePeriod, ParseMonthRange) {
  auto r = parse_month("2026-11");
  ASSERT_TRUE(r.is_ok());
  EXPECT_EQ(rfc3339(r->from), "2026-11-01T00:00:00Z");
  EXPECT_EQ(rfc3339(r->to), "2026-12-01T00:00:00Z");
  EXPECT_TRUE(parse_month("1970-01").is_ok());
  EXPECT_EQ(parse_month("1970-01")->from, 0);
  EXPECT_TRUE(parse_month("9999-12").is_ok());
}

TEST(UsagePeriod, ParseErrors) {
  for (const char* text :
       {"", "2026", "2026-1", "2026-13", "2026-00", "1969-12", "0000-01", "26-11", "2026/11",
        "2026-11-01", "2026-11 ", " 2026-11", "+026-11", "2026-1a", "abcd-ef", "20261-1"}) {
    auto r = parse_month(text);
    ASSERT_FALSE(r.is_ok()) << text;
    EXPECT_EQ(r.status().code(), ErrorCode::kInvalidArgument);
  }
  for (const char* text : {"", "2026-11", "2026-11-1", "2026-11-31", "2026-04-31", "2026-11-00",
                           "2026-13-01", "1969-12-31", "2026-11-21T00:00:00Z", "2026-11-21 ",
                           "2026/11/21", "2026-11-2x", "-026-11-21"}) {
    auto r = parse_day(text);
    ASSERT_FALSE(r.is_ok()) << text;
    EXPECT_EQ(r.status().code(), ErrorCode::kInvalidArgument);
  }
  EXPECT_FALSE(parse_day(std::string("2026-11-2\0", 10)).is_ok());
}

TEST(UsagePeriod, BeforeTheEpochRoundsDown) {
  EXPECT_EQ(day_period(-1), "1969-12-31");
  EXPECT_EQ(rfc3339(-1), "1969-12-31T23:59:59Z");
  EXPECT_EQ(day_start(-1), -kDay);
  EXPECT_EQ(next_day_start(-1), 0);
  EXPECT_EQ(month_period(-1), "1969-12");
  EXPECT_EQ(next_month_start(-1), 0);
}

}  // namespace
}  // namespace ragd::platform
