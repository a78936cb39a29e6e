#include "platform/password_hasher.h"

#include <argon2.h>
#include <openssl/crypto.h>
#include <openssl/rand.h>

#include <algorithm>
#include <charconv>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "platform/secret_tokens.h"

namespace ragd::platform {
namespace {

constexpr size_t kMaxPasswordBytes = 1024;
// Limits on what an encoded hash may ask for before any work is done, so that a corrupt or
// planted row cannot make verify() allocate terabytes, spin for hours or start thousands
// of threads. They sit well above anything this server writes.
constexpr uint32_t kMaxMemoryKib = 4u * 1024 * 1024;  // 4 GiB
constexpr uint32_t kMaxPasses = 64;
constexpr uint32_t kMaxLanes = 64;
constexpr uint32_t kMinSaltBytes = ARGON2_MIN_SALT_LENGTH;
constexpr uint32_t kMaxSaltBytes = 1024;
constexpr uint32_t kMinHashBytes = ARGON2_MIN_OUTLEN;
constexpr uint32_t kMaxHashBytes = 1024;
constexpr size_t kMaxEncodedBytes = 4096;

struct Phc {
  uint32_t memory_kib = 0;
  uint32_t passes = 0;
  uint32_t lanes = 0;
  std::string salt;
  std::string hash;
};

bool consume(std::string_view& s, std::string_view prefix) {
  if (!s.starts_with(prefix)) return false;
  s.remove_prefix(prefix.size());
  return true;
}

// A decimal without sign or leading zeros that fits in uint32_t, up to the next
// non-digit.
bool consume_uint(std::string_view& s, uint32_t* value) {
  size_t n = 0;
  while (n < s.size() && s[n] >= '0' && s[n] <= '9') ++n;
  if (n == 0 || (n > 1 && s[0] == '0')) return false;
  const auto [end, ec] = std::from_chars(s.data(), s.data() + n, *value);
  if (ec != std::errc() || end != s.data() + n) return false;
  s.remove_prefix(n);
  return true;
}

// PHC strings use the standard base64 alphabet without padding; decoded strictly through
// the base64url decoder after mapping the two characters that differ.
bool decode_phc_base64(std::string_view text, std::string* bytes) {
  std::string mapped(text);
  for (char& c : mapped) {
    if (c == '-' || c == '_') return false;
    if (c == '+')
      c = '-';
    else if (c == '/')
      c = '_';
  }
  return base64url_decode(mapped, bytes);
}

// Parses exactly "$argon2id$v=19$m=<m>,t=<t>,p=<p>$<salt>$<hash>" (what libargon2 writes
// for argon2id version 1.3) and checks every number against libargon2's own requirements
// and the limits above, so whatever passes can be handed to libargon2 safely.
std::optional<Phc> parse_phc(std::string_view s) {
  if (s.size() > kMaxEncodedBytes) return std::nullopt;
  Phc phc;
  if (!consume(s, "$argon2id$v=19$m=") || !consume_uint(s, &phc.memory_kib) || !consume(s, ",t=") ||
      !consume_uint(s, &phc.passes) || !consume(s, ",p=") || !consume_uint(s, &phc.lanes) ||
      !consume(s, "$")) {
    return std::nullopt;
  }
  const size_t dollar = s.find('$');
  if (dollar == std::string_view::npos) return std::nullopt;
  if (!decode_phc_base64(s.substr(0, dollar), &phc.salt) ||
      !decode_phc_base64(s.substr(dollar + 1), &phc.hash)) {
    return std::nullopt;
  }
  if (phc.passes < ARGON2_MIN_TIME || phc.passes > kMaxPasses) return std::nullopt;
  if (phc.lanes < ARGON2_MIN_LANES || phc.lanes > kMaxLanes) return std::nullopt;
  if (phc.memory_kib < ARGON2_MIN_MEMORY || phc.memory_kib > kMaxMemoryKib ||
      phc.memory_kib < 8 * phc.lanes) {
    return std::nullopt;
  }
  if (phc.salt.size() < kMinSaltBytes || phc.salt.size() > kMaxSaltBytes) return std::nullopt;
  if (phc.hash.size() < kMinHashBytes || phc.hash.size() > kMaxHashBytes) return std::nullopt;
  return phc;
}

// The parameters actually used: 0 parallelism becomes the core count (1..16), and every
// value is brought inside what libargon2 and parse_phc accept, so hash() cannot produce
// a string that verify() would refuse.
Argon2Params effective(Argon2Params p) {
  if (p.parallelism == 0) {
    p.parallelism = std::clamp(std::thread::hardware_concurrency(), 1u, 16u);
  }
  p.parallelism = std::clamp(p.parallelism, 1u, kMaxLanes);
  p.passes = std::clamp(p.passes, ARGON2_MIN_TIME, kMaxPasses);
  p.memory_kib = std::clamp(p.memory_kib, uint32_t{ARGON2_MIN_MEMORY}, kMaxMemoryKib);
  // libargon2 needs at least 8 KiB per lane; fewer lanes rather than more memory.
  p.parallelism = std::clamp(p.memory_kib / 8, 1u, p.parallelism);
  p.salt_bytes = std::clamp(p.salt_bytes, kMinSaltBytes, kMaxSaltBytes);
  p.hash_bytes = std::clamp(p.hash_bytes, kMinHashBytes, kMaxHashBytes);
  return p;
}

}  // namespace

PasswordHasher::PasswordHasher(Argon2Params params) : params_(effective(params)) {
  // A hash of a random password nobody knows; if libargon2 fails here (memory), the
  // dummy stays empty and verify_dummy() returns at once, which is all it can do.
  Result<std::string> dummy = hash(random_token(24));
  if (dummy.is_ok()) dummy_hash_ = std::move(dummy).value();
}

Result<std::string> PasswordHasher::hash(std::string_view password) const {
  if (password.size() > kMaxPasswordBytes) {
    return Status::invalid("password longer than 1024 bytes");
  }
  std::vector<unsigned char> salt(params_.salt_bytes);
  if (RAND_bytes(salt.data(), static_cast<int>(salt.size())) != 1) {
    return Status::internal("the random number generator failed");
  }
  const size_t encoded_len =
      argon2_encodedlen(params_.passes, params_.memory_kib, params_.parallelism, params_.salt_bytes,
                        params_.hash_bytes, Argon2_id);
  std::string encoded(encoded_len, '\0');
  const int rc = argon2id_hash_encoded(params_.passes, params_.memory_kib, params_.parallelism,
                                       password.data(), password.size(), salt.data(), salt.size(),
                                       params_.hash_bytes, encoded.data(), encoded.size());
  if (rc != ARGON2_OK) {
    return Status::internal(std::string("argon2id failed: ") + argon2_error_message(rc));
  }
  encoded.resize(encoded.find('\0'));
  return encoded;
}

bool PasswordHasher::verify(std::string_view password, std::string_view encoded) const {
  if (password.size() > kMaxPasswordBytes) return false;
  const std::optional<Phc> phc = parse_phc(encoded);
  if (!phc) return false;
  // Recomputed from the parsed parameters rather than through argon2id_verify, so that
  // libargon2's own parser never sees the string and the comparison is ours.
  std::string computed(phc->hash.size(), '\0');
  const int rc =
      argon2id_hash_raw(phc->passes, phc->memory_kib, phc->lanes, password.data(), password.size(),
                        phc->salt.data(), phc->salt.size(), computed.data(), computed.size());
  if (rc != ARGON2_OK) return false;
  const bool equal = constant_time_equal(computed, phc->hash);
  OPENSSL_cleanse(computed.data(), computed.size());
  return equal;
}

bool PasswordHasher::verify_dummy(std::string_view password) const {
  if (!dummy_hash_.empty()) (void)verify(password, dummy_hash_);
  return false;
}

bool PasswordHasher::needs_rehash(std::string_view encoded) const {
  const std::optional<Phc> phc = parse_phc(encoded);
  if (!phc) return true;
  return phc->memory_kib < params_.memory_kib || phc->passes < params_.passes;
}

}  // namespace ragd::platform
