// Parsing of the HTTP Retry-After header (RFC 9110 section 10.2.3).
// Pure function; thread-safe.
#pragma once

#include <chrono>
#include <optional>
#include <string_view>

namespace ragd {

// Delay-seconds ("120") or an IMF-fixdate ("Wed, 21 Oct 2015 07:28:00 GMT", counted from
// `now`; a date in the past gives 0). Anything else, or a negative value, gives nullopt.
std::optional<std::chrono::milliseconds> parse_retry_after(
    std::string_view value, std::chrono::system_clock::time_point now);

}  // namespace ragd
