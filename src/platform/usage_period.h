// Calendar periods of quotas and usage reports, in UTC: months ("2026-11") for messages and
// storage statements, days ("2026-11-21") for API calls. Pure functions of epoch seconds.
#pragma once

#include <cstdint>
#include <string>

#include "common/status.h"

namespace ragd::platform {

std::string month_period(int64_t epoch_seconds);  // "YYYY-MM"
std::string day_period(int64_t epoch_seconds);    // "YYYY-MM-DD"
int64_t month_start(int64_t epoch_seconds);       // 00:00:00 UTC of the 1st
int64_t next_month_start(int64_t epoch_seconds);
int64_t day_start(int64_t epoch_seconds);
int64_t next_day_start(int64_t epoch_seconds);
// RFC 3339 UTC with a Z: "2026-11-21T00:00:00Z".
std::string rfc3339(int64_t epoch_seconds);

struct PeriodRange {
  int64_t from = 0;  // inclusive
  int64_t to = 0;    // exclusive
};
// "YYYY-MM" -> that month; kInvalidArgument for anything else (month 1..12, year 1970..9999).
Result<PeriodRange> parse_month(const std::string& text);
// "YYYY-MM-DD" -> that day; kInvalidArgument otherwise (real calendar dates only).
Result<PeriodRange> parse_day(const std::string& text);

}  // namespace ragd::platform
