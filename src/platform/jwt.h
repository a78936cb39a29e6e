// Access tokens: compact JWS (RFC 7515/7519) signed with HS256 (HMAC-SHA256, the default)
// or RS256 (RSA PKCS#1 v1.5 SHA-256). The verifier is pinned to the one configured
// algorithm: "none", any other alg (HS256 presented to an RS256 verifier — algorithm
// confusion — and the reverse), a "crit" header, a malformed segment, a bad signature, a
// wrong "iss" or "aud", an "exp" in the past or an "nbf"/"iat" in the future (beyond the
// leeway) are all rejected with kInvalidArgument and a short reason (for logs, never for
// clients).
// Thread-safety: immutable after construction; sign/verify may run concurrently.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>

#include "common/status.h"

namespace ragd::platform {

struct AccessClaims {
  std::string subject;       // "sub": the user id
  std::string organization;  // "org": the organisation id
  std::string role;          // "role": the role name when issued
  std::string token_id;      // "jti"
  int64_t issued_at = 0;     // "iat", seconds since the epoch
  int64_t expires_at = 0;    // "exp"
};

struct JwtConfig {
  std::string algorithm = "HS256";  // "HS256" or "RS256"
  std::string hs256_secret;         // HS256: at least 32 bytes
  std::string rs256_private_pem;    // RS256: PEM private key (signing)
  std::string rs256_public_pem;     // RS256: PEM public key (verifying; derived from the
                                    // private key when empty)
  std::string issuer = "ragd";
  std::string audience = "ragd-api";
  std::chrono::seconds lifetime{15 * 60};
  std::chrono::seconds leeway{30};
};

class JwtCodec {
 public:
  // kInvalidArgument for an unknown algorithm, a short HS256 secret or an unreadable PEM.
  static Result<std::unique_ptr<JwtCodec>> create(const JwtConfig& config);
  ~JwtCodec();
  JwtCodec(const JwtCodec&) = delete;
  JwtCodec& operator=(const JwtCodec&) = delete;

  // Signs claims; iss, aud, iat (= now) and exp (= now + lifetime) are set here, jti too
  // when claims.token_id is empty. `now` is seconds since the epoch.
  std::string sign(AccessClaims claims, int64_t now) const;

  // The claims of a valid token (see the file comment for what is rejected).
  Result<AccessClaims> verify(std::string_view token, int64_t now) const;

  const JwtConfig& config() const { return config_; }

 private:
  struct Keys;
  JwtCodec(JwtConfig config, std::unique_ptr<Keys> keys);
  JwtConfig config_;
  std::unique_ptr<Keys> keys_;
};

}  // namespace ragd::platform
