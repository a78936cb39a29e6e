// Secrets and their comparison: random opaque tokens from the operating system's CSPRNG
// (OpenSSL RAND_bytes), base64url without padding, and constant-time equality.
// Thread-safety: free functions without shared state.
#pragma once

#include <string>
#include <string_view>

namespace ragd::platform {

// `bytes` random bytes (1..1024) from RAND_bytes, base64url-encoded without '=' padding.
// Aborts the process if the CSPRNG fails (never silently returns a weak token).
std::string random_token(size_t bytes);

// A random public id: `prefix` + 22 base64url characters (128 bits), e.g. "org_Xv3...".
std::string random_id(std::string_view prefix);

// RFC 4648 §5 base64url without padding; decode fails (returns false) on any other
// character, on a length of 1 mod 4, or on non-zero trailing bits.
std::string base64url_encode(std::string_view bytes);
bool base64url_decode(std::string_view text, std::string* bytes);

// True when a and b are equal; the time taken depends only on the lengths, never on where
// they differ (CRYPTO_memcmp).
bool constant_time_equal(std::string_view a, std::string_view b);

// Lower-case hex SHA-256 of a secret (API keys and refresh tokens are stored this way).
std::string secret_digest(std::string_view secret);

}  // namespace ragd::platform
