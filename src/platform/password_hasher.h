// PasswordHasher: argon2id password hashes (libargon2) in the PHC string format
// ("$argon2id$v=19$m=65536,t=3,p=2$<salt>$<hash>"), so the parameters travel with each hash
// and can be raised later (needs_rehash tells when a stored hash is below the current ones).
// Thread-safety: immutable after construction; hash/verify may run concurrently (each call
// allocates its own memory_kib of working memory).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "common/status.h"

namespace ragd::platform {

struct Argon2Params {
  uint32_t memory_kib = 64 * 1024;  // 64 MiB
  uint32_t passes = 3;
  uint32_t parallelism = 0;         // 0: the number of cores (at least 1, at most 16)
  uint32_t salt_bytes = 16;
  uint32_t hash_bytes = 32;
};

class PasswordHasher {
 public:
  explicit PasswordHasher(Argon2Params params = {});

  // A PHC string with a fresh random salt. kInvalidArgument for a password longer than
  // 1024 bytes; kInternal if libargon2 fails (e.g. memory).
  Result<std::string> hash(std::string_view password) const;

  // True when `password` matches `encoded` (which carries its own parameters). A malformed
  // or non-argon2id `encoded` gives false, never a crash. The comparison is constant-time.
  bool verify(std::string_view password, std::string_view encoded) const;

  // Spends about as long as verify() of a real hash made with the current parameters and
  // returns false: used for unknown users so that timing does not reveal which e-mail
  // addresses have accounts.
  bool verify_dummy(std::string_view password) const;

  // True when `encoded` was made with weaker parameters than the current ones (memory,
  // passes) or is not an argon2id PHC string.
  bool needs_rehash(std::string_view encoded) const;

  const Argon2Params& params() const { return params_; }

 private:
  Argon2Params params_;
  std::string dummy_hash_;
};

}  // namespace ragd::platform
