// Content hashing. SHA-256 (OpenSSL) for content identity, where collisions must not
// happen in practice; thread-safe, no shared state.
#pragma once

#include <string>
#include <string_view>

namespace ragd {

// Lower-case hex SHA-256 of `data` (64 characters).
std::string sha256_hex(std::string_view data);

}  // namespace ragd
