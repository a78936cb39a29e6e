// Percent-decoding of URL paths and query strings, and query-string parsing.
// Thread-safety: pure functions.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace ragd::server {

// Decodes %XX escapes (and "+" as space when `plus_is_space`). nullopt for a malformed
// escape, a decoded NUL byte, or a result that is not valid UTF-8.
std::optional<std::string> percent_decode(std::string_view text, bool plus_is_space = false);

// "a=1&b=x%20y" -> {{"a","1"},{"b","x y"}}; nullopt when any part does not decode.
std::optional<std::vector<std::pair<std::string, std::string>>> parse_query(std::string_view query);

}  // namespace ragd::server
