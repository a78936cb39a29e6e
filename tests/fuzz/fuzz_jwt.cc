// libFuzzer target for JwtCodec::verify: no input may crash it, and what it accepts must
// be a complete set of claims.
// Input layout: the first byte picks a mode (its value mod 3), the rest is the data.
//   0: the data is a token, verified by an HS256 and an RS256 codec.
//   1: the data is "<header JSON>\n<payload JSON>", signed here with the HS256 secret so
//      that the header and claim checks behind the signature are reached.
//   2: the data is "<sub>\n<org>\n<role>\n<jti>"; sign() then verify() must round-trip
//      (for ASCII fields that fit in a token).
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/pem.h>

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "platform/jwt.h"
#include "platform/secret_tokens.h"

namespace {

constexpr int64_t kNow = 1'700'000'000;
constexpr char kSecret[] = "fuzz-secret-0123456789abcdef-0123456789";

void check(bool condition) {
  if (!condition) __builtin_trap();
}

std::unique_ptr<ragd::platform::JwtCodec> make_hs256() {
  ragd::platform::JwtConfig config;
  config.hs256_secret = kSecret;
  auto codec = ragd::platform::JwtCodec::create(config);
  check(codec.is_ok());
  return std::move(codec).value();
}

std::unique_ptr<ragd::platform::JwtCodec> make_rs256() {
  EVP_PKEY* key = EVP_RSA_gen(2048);
  check(key != nullptr);
  BIO* bio = BIO_new(BIO_s_mem());
  check(PEM_write_bio_PrivateKey(bio, key, nullptr, nullptr, 0, nullptr, nullptr) == 1);
  char* data = nullptr;
  const long n = BIO_get_mem_data(bio, &data);
  ragd::platform::JwtConfig config;
  config.algorithm = "RS256";
  config.rs256_private_pem.assign(data, static_cast<size_t>(n));
  BIO_free(bio);
  EVP_PKEY_free(key);
  auto codec = ragd::platform::JwtCodec::create(config);
  check(codec.is_ok());
  return std::move(codec).value();
}

void check_accepted(const ragd::Result<ragd::platform::AccessClaims>& result) {
  if (!result.is_ok()) return;
  check(!result->subject.empty());
  check(!result->organization.empty());
  check(result->expires_at > kNow - 30);
  check(result->issued_at <= kNow + 30);
}

std::vector<std::string_view> split_lines(std::string_view data, size_t max_parts) {
  std::vector<std::string_view> parts;
  while (parts.size() + 1 < max_parts) {
    const size_t nl = data.find('\n');
    if (nl == std::string_view::npos) break;
    parts.push_back(data.substr(0, nl));
    data.remove_prefix(nl + 1);
  }
  parts.push_back(data);
  return parts;
}

bool ascii(std::string_view s) {
  for (const char c : s) {
    if (static_cast<unsigned char>(c) >= 0x80) return false;
  }
  return true;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* bytes, size_t size) {
  static const auto hs256 = make_hs256();
  static const auto rs256 = make_rs256();
  if (size == 0) return 0;
  const int mode = bytes[0] % 3;
  const std::string_view data(reinterpret_cast<const char*>(bytes + 1), size - 1);

  if (mode == 0) {
    check_accepted(hs256->verify(data, kNow));
    check_accepted(rs256->verify(data, kNow));
  } else if (mode == 1) {
    const std::vector<std::string_view> parts = split_lines(data, 2);
    if (parts.size() != 2) return 0;
    const std::string input = ragd::platform::base64url_encode(parts[0]) + "." +
                              ragd::platform::base64url_encode(parts[1]);
    unsigned char mac[EVP_MAX_MD_SIZE];
    unsigned int mac_len = 0;
    HMAC(EVP_sha256(), kSecret, sizeof(kSecret) - 1,
         reinterpret_cast<const unsigned char*>(input.data()), input.size(), mac, &mac_len);
    const std::string token = input + "." +
                              ragd::platform::base64url_encode(
                                  std::string_view(reinterpret_cast<const char*>(mac), mac_len));
    check_accepted(hs256->verify(token, kNow));
    check(!rs256->verify(token, kNow).is_ok());
  } else {
    const std::vector<std::string_view> parts = split_lines(data, 4);
    ragd::platform::AccessClaims claims;
    claims.subject = parts[0];
    if (parts.size() > 1) claims.organization = parts[1];
    if (parts.size() > 2) claims.role = parts[2];
    if (parts.size() > 3) claims.token_id = parts[3];
    const std::string token = hs256->sign(claims, kNow);
    const auto verified = hs256->verify(token, kNow);
    check_accepted(verified);
    check(!rs256->verify(token, kNow).is_ok());
    const bool expect_ok = !claims.subject.empty() && !claims.organization.empty() &&
                           token.size() <= 8 * 1024 && ascii(data);
    if (expect_ok) {
      check(verified.is_ok());
      check(verified->subject == claims.subject);
      check(verified->organization == claims.organization);
      check(verified->role == claims.role);
      check(claims.token_id.empty() || verified->token_id == claims.token_id);
      check(verified->issued_at == kNow);
    }
  }
  return 0;
}
