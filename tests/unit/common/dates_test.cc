#include "common/dates.h"

#include <gtest/gtest.h>

namespace ragd {
namespace {

TEST(Dates, ParsesCalendarDates) {
  EXPECT_EQ(parse_iso_date("1970-01-01"), 0);
  EXPECT_EQ(parse_iso_date("1970-01-02"), 1);
  EXPECT_EQ(parse_iso_date("1969-12-31"), -1);
  EXPECT_EQ(parse_iso_date("2024-02-29"), 19782);
  EXPECT_EQ(parse_iso_date("2024-02-29T10:00:00Z"), 19782);
}

TEST(Dates, RejectsNonDates) {
  EXPECT_FALSE(parse_iso_date("2023-02-29"));
  EXPECT_FALSE(parse_iso_date("2023-13-01"));
  EXPECT_FALSE(parse_iso_date("2023-00-10"));
  EXPECT_FALSE(parse_iso_date("2023-1-10"));
  EXPECT_FALSE(parse_iso_date("yesterday"));
  EXPECT_FALSE(parse_iso_date("2023-01-10x"));
  EXPECT_FALSE(parse_iso_date(""));
}

TEST(Dates, RoundTrips) {
  // Years 0053..9909: the format is four-digit years only.
  for (int32_t days = -700000; days < 2900000; days += 997) {
    auto text = format_iso_date(days);
    ASSERT_EQ(parse_iso_date(text), days) << text;
  }
}

}  // namespace
}  // namespace ragd
