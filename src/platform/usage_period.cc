#include "platform/usage_period.h"

#include <cstdio>

namespace ragd::platform {
namespace {

constexpr int64_t kSecondsPerDay = 86400;

struct Civil {
  int64_t year;
  unsigned month;  // 1..12
  unsigned day;    // 1..31
};

// Howard Hinnant's days_from_civil / civil_from_days (proleptic Gregorian, day 0 is
// 1970-01-01): plain arithmetic, no time zone database and no shared state.
int64_t days_from_civil(int64_t y, unsigned m, unsigned d) {
  y -= m <= 2;
  const int64_t era = (y >= 0 ? y : y - 399) / 400;
  const auto yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<int64_t>(doe) - 719468;
}

Civil civil_from_days(int64_t z) {
  z += 719468;
  const int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const auto doe = static_cast<unsigned>(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  const unsigned d = doy - (153 * mp + 2) / 5 + 1;
  const unsigned m = mp < 10 ? mp + 3 : mp - 9;
  const int64_t y = static_cast<int64_t>(yoe) + era * 400 + (m <= 2);
  return {y, m, d};
}

// Floor division: days before 1970 belong to the earlier day.
int64_t day_number(int64_t epoch_seconds) {
  int64_t days = epoch_seconds / kSecondsPerDay;
  if (epoch_seconds % kSecondsPerDay < 0) --days;
  return days;
}

bool is_leap(int64_t y) {
  return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

unsigned days_in_month(int64_t y, unsigned m) {
  static constexpr unsigned kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return kDays[m - 1] + (m == 2 && is_leap(y) ? 1 : 0);
}

bool digits(const std::string& text, size_t from, size_t count, int64_t* out) {
  int64_t v = 0;
  for (size_t i = from; i < from + count; ++i) {
    if (text[i] < '0' || text[i] > '9') return false;
    v = v * 10 + (text[i] - '0');
  }
  *out = v;
  return true;
}

std::string format(const char* pattern, long long a, long long b = 0, long long c = 0,
                   long long d = 0, long long e = 0, long long f = 0) {
  char buf[64];
  const int n = std::snprintf(buf, sizeof(buf), pattern, a, b, c, d, e, f);
  return std::string(buf, n > 0 ? static_cast<size_t>(n) : 0);
}

}  // namespace

std::string month_period(int64_t epoch_seconds) {
  const Civil c = civil_from_days(day_number(epoch_seconds));
  return format("%04lld-%02lld", c.year, c.month);
}

std::string day_period(int64_t epoch_seconds) {
  const Civil c = civil_from_days(day_number(epoch_seconds));
  return format("%04lld-%02lld-%02lld", c.year, c.month, c.day);
}

int64_t month_start(int64_t epoch_seconds) {
  const Civil c = civil_from_days(day_number(epoch_seconds));
  return days_from_civil(c.year, c.month, 1) * kSecondsPerDay;
}

int64_t next_month_start(int64_t epoch_seconds) {
  const Civil c = civil_from_days(day_number(epoch_seconds));
  const int64_t year = c.month == 12 ? c.year + 1 : c.year;
  const unsigned month = c.month == 12 ? 1 : c.month + 1;
  return days_from_civil(year, month, 1) * kSecondsPerDay;
}

int64_t day_start(int64_t epoch_seconds) {
  return day_number(epoch_seconds) * kSecondsPerDay;
}

int64_t next_day_start(int64_t epoch_seconds) {
  return (day_number(epoch_seconds) + 1) * kSecondsPerDay;
}

std::string rfc3339(int64_t epoch_seconds) {
  const int64_t days = day_number(epoch_seconds);
  const int64_t secs = epoch_seconds - days * kSecondsPerDay;
  const Civil c = civil_from_days(days);
  return format("%04lld-%02lld-%02lldT%02lld:%02lld:%02lldZ", c.year, c.month, c.day, secs / 3600,
                secs / 60 % 60, secs % 60);
}

Result<PeriodRange> parse_month(const std::string& text) {
  int64_t y = 0, m = 0;
  if (text.size() != 7 || !digits(text, 0, 4, &y) || text[4] != '-' || !digits(text, 5, 2, &m) ||
      y < 1970 || m < 1 || m > 12) {
    return Status::invalid("'" + text + "' is not a month: use YYYY-MM (1970-01 to 9999-12)");
  }
  const int64_t from = days_from_civil(y, static_cast<unsigned>(m), 1) * kSecondsPerDay;
  return PeriodRange{from, next_month_start(from)};
}

Result<PeriodRange> parse_day(const std::string& text) {
  int64_t y = 0, m = 0, d = 0;
  if (text.size() != 10 || !digits(text, 0, 4, &y) || text[4] != '-' || !digits(text, 5, 2, &m) ||
      text[7] != '-' || !digits(text, 8, 2, &d) || y < 1970 || m < 1 || m > 12 || d < 1 ||
      d > days_in_month(y, static_cast<unsigned>(m))) {
    return Status::invalid("'" + text +
                           "' is not a calendar day: use YYYY-MM-DD (1970-01-01 onwards)");
  }
  const int64_t from =
      days_from_civil(y, static_cast<unsigned>(m), static_cast<unsigned>(d)) * kSecondsPerDay;
  return PeriodRange{from, from + kSecondsPerDay};
}

}  // namespace ragd::platform
