#include "net/retry_after.h"

#include <array>
#include <cctype>
#include <cstdint>
#include <ctime>
#include <string>

namespace ragd {

namespace {

std::string_view trim(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) text.remove_suffix(1);
  return text;
}

bool parse_digits(std::string_view text, int64_t& out) {
  if (text.empty() || text.size() > 12) return false;
  out = 0;
  for (char c : text) {
    if (!std::isdigit(static_cast<unsigned char>(c))) return false;
    out = out * 10 + (c - '0');
  }
  return true;
}

// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's algorithm).
int64_t days_from_civil(int64_t y, unsigned m, unsigned d) {
  y -= m <= 2;
  const int64_t era = (y >= 0 ? y : y - 399) / 400;
  const unsigned yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<int64_t>(doe) - 719468;
}

}  // namespace

std::optional<std::chrono::milliseconds> parse_retry_after(
    std::string_view value, std::chrono::system_clock::time_point now) {
  value = trim(value);
  int64_t seconds = 0;
  if (parse_digits(value, seconds)) return std::chrono::milliseconds(seconds * 1000);
  // IMF-fixdate: "Sun, 06 Nov 1994 08:49:37 GMT" (exactly 29 characters).
  if (value.size() != 29 || value.substr(3, 2) != ", " || value.substr(25) != " GMT") {
    return std::nullopt;
  }
  static constexpr std::array<std::string_view, 12> kMonths = {
      "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  int64_t day = 0, year = 0, hour = 0, minute = 0, second = 0;
  unsigned month = 0;
  for (unsigned m = 0; m < 12; ++m) {
    if (value.substr(8, 3) == kMonths[m]) month = m + 1;
  }
  if (month == 0 || value[7] != ' ' || value[11] != ' ' || value[16] != ' ' || value[19] != ':' ||
      value[22] != ':' || !parse_digits(value.substr(5, 2), day) ||
      !parse_digits(value.substr(12, 4), year) || !parse_digits(value.substr(17, 2), hour) ||
      !parse_digits(value.substr(20, 2), minute) || !parse_digits(value.substr(23, 2), second) ||
      day < 1 || day > 31 || hour > 23 || minute > 59 || second > 60) {
    return std::nullopt;
  }
  const int64_t epoch_seconds = days_from_civil(year, month, static_cast<unsigned>(day)) * 86400 +
                                hour * 3600 + minute * 60 + second;
  const auto when = std::chrono::system_clock::time_point(std::chrono::seconds(epoch_seconds));
  if (when <= now) return std::chrono::milliseconds(0);
  return std::chrono::duration_cast<std::chrono::milliseconds>(when - now);
}

}  // namespace ragd
