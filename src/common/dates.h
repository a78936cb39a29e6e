// Calendar dates as days since 1970-01-01 (proleptic Gregorian). Pure; thread-safe.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace ragd {

// Parses "YYYY-MM-DD" (a trailing time part after 'T' or ' ' is ignored). nullopt when
// the text is not a real calendar date.
std::optional<int32_t> parse_iso_date(std::string_view text);
std::string format_iso_date(int32_t days);

}  // namespace ragd
