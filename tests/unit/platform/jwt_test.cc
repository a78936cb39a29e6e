#include "platform/jwt.h"

#include <gtest/gtest.h>
#include <openssl/bio.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/pem.h>
#include <openssl/rsa.h>

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "platform/secret_tokens.h"

namespace ragd::platform {
namespace {

constexpr int64_t kNow = 1'700'000'000;
const std::string kSecret = "0123456789abcdef0123456789abcdef-test-secret";

struct Pem {
  std::string private_pem;
  std::string public_pem;
};

std::string bio_text(BIO* bio) {
  char* data = nullptr;
  const long n = BIO_get_mem_data(bio, &data);
  return std::string(data, static_cast<size_t>(n));
}

Pem make_rsa(unsigned bits) {
  EVP_PKEY* key = EVP_RSA_gen(bits);
  EXPECT_NE(key, nullptr);
  BIO* priv = BIO_new(BIO_s_mem());
  BIO* pub = BIO_new(BIO_s_mem());
  EXPECT_EQ(PEM_write_bio_PrivateKey(priv, key, nullptr, nullptr, 0, nullptr, nullptr), 1);
  EXPECT_EQ(PEM_write_bio_PUBKEY(pub, key), 1);
  Pem pem{bio_text(priv), bio_text(pub)};
  BIO_free(priv);
  BIO_free(pub);
  EVP_PKEY_free(key);
  return pem;
}

// Key generation is the slow part; two keys serve every test.
const Pem& rsa_key() {
  static const Pem pem = make_rsa(2048);
  return pem;
}
const Pem& other_rsa_key() {
  static const Pem pem = make_rsa(2048);
  return pem;
}

JwtConfig hs_config() {
  JwtConfig config;
  config.hs256_secret = kSecret;
  return config;
}

JwtConfig rs_config() {
  JwtConfig config;
  config.algorithm = "RS256";
  config.rs256_private_pem = rsa_key().private_pem;
  return config;
}

std::unique_ptr<JwtCodec> make(const JwtConfig& config) {
  Result<std::unique_ptr<JwtCodec>> codec = JwtCodec::create(config);
  EXPECT_TRUE(codec.is_ok()) << codec.status().to_string();
  return codec.is_ok() ? std::move(codec).value() : nullptr;
}

AccessClaims claims() {
  AccessClaims c;
  c.subject = "usr_123";
  c.organization = "org_456";
  c.role = "user";
  return c;
}

std::string b64(std::string_view text) {
  return base64url_encode(text);
}

std::string hmac(std::string_view key, std::string_view input) {
  unsigned char mac[EVP_MAX_MD_SIZE];
  unsigned int n = 0;
  HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()),
       reinterpret_cast<const unsigned char*>(input.data()), input.size(), mac, &n);
  return std::string(reinterpret_cast<const char*>(mac), n);
}

std::string rsa_sign(const std::string& private_pem, std::string_view input) {
  BIO* bio = BIO_new_mem_buf(private_pem.data(), static_cast<int>(private_pem.size()));
  EVP_PKEY* key = PEM_read_bio_PrivateKey(bio, nullptr, nullptr, nullptr);
  BIO_free(bio);
  EVP_MD_CTX* ctx = EVP_MD_CTX_new();
  size_t n = 0;
  EVP_DigestSignInit(ctx, nullptr, EVP_sha256(), nullptr, key);
  EVP_DigestSign(ctx, nullptr, &n, reinterpret_cast<const unsigned char*>(input.data()),
                 input.size());
  std::string sig(n, '\0');
  EVP_DigestSign(ctx, reinterpret_cast<unsigned char*>(sig.data()), &n,
                 reinterpret_cast<const unsigned char*>(input.data()), input.size());
  sig.resize(n);
  EVP_MD_CTX_free(ctx);
  EVP_PKEY_free(key);
  return sig;
}

// A token with exactly these header and payload texts, HMAC-signed with `key`.
std::string hs_token(std::string_view header, std::string_view payload,
                     std::string_view key = kSecret) {
  const std::string input = b64(header) + "." + b64(payload);
  return input + "." + b64(hmac(key, input));
}

std::string rs_token(std::string_view header, std::string_view payload,
                     const std::string& private_pem = rsa_key().private_pem) {
  const std::string input = b64(header) + "." + b64(payload);
  return input + "." + b64(rsa_sign(private_pem, input));
}

const char kHs256Header[] = R"({"alg":"HS256","typ":"JWT"})";
const char kRs256Header[] = R"({"alg":"RS256","typ":"JWT"})";

std::string payload_with(const std::string& extra_members,
                         const std::string& base = R"("iss":"ragd","aud":"ragd-api",)"
                                                   R"("sub":"usr_1","org":"org_1",)"
                                                   R"("iat":1700000000,"exp":1700000900)") {
  if (extra_members.empty()) return "{" + base + "}";
  return "{" + base + "," + extra_members + "}";
}

std::vector<std::string> split(const std::string& token) {
  std::vector<std::string> parts;
  size_t start = 0;
  for (size_t dot; (dot = token.find('.', start)) != std::string::npos; start = dot + 1) {
    parts.push_back(token.substr(start, dot - start));
  }
  parts.push_back(token.substr(start));
  return parts;
}

void expect_rejected(const JwtCodec& codec, const std::string& token, int64_t now = kNow,
                     std::string_view reason = {}) {
  const Result<AccessClaims> result = codec.verify(token, now);
  ASSERT_FALSE(result.is_ok()) << token.substr(0, 200);
  EXPECT_EQ(result.status().code(), ErrorCode::kInvalidArgument);
  EXPECT_FALSE(result.status().message().empty());
  if (!reason.empty()) {
    EXPECT_NE(result.status().message().find(reason), std::string::npos)
        << result.status().message();
  }
}

TEST(Jwt, Hs256RoundTrip) {
  const auto codec = make(hs_config());
  const std::string token = codec->sign(claims(), kNow);
  ASSERT_EQ(split(token).size(), 3u);
  const Result<AccessClaims> verified = codec->verify(token, kNow);
  ASSERT_TRUE(verified.is_ok()) << verified.status().to_string();
  EXPECT_EQ(verified->subject, "usr_123");
  EXPECT_EQ(verified->organization, "org_456");
  EXPECT_EQ(verified->role, "user");
  EXPECT_FALSE(verified->token_id.empty());
  EXPECT_EQ(verified->issued_at, kNow);
  EXPECT_EQ(verified->expires_at, kNow + 15 * 60);

  AccessClaims with_id = claims();
  with_id.token_id = "jti-fixed";
  const Result<AccessClaims> again = codec->verify(codec->sign(with_id, kNow), kNow + 10);
  ASSERT_TRUE(again.is_ok());
  EXPECT_EQ(again->token_id, "jti-fixed");
  // Fresh jti per token when none is given.
  EXPECT_NE(codec->sign(claims(), kNow), codec->sign(claims(), kNow));
}

TEST(Jwt, Rs256RoundTripAndVerifyOnlyCodec) {
  const auto signer = make(rs_config());
  const std::string token = signer->sign(claims(), kNow);
  const Result<AccessClaims> verified = signer->verify(token, kNow);
  ASSERT_TRUE(verified.is_ok()) << verified.status().to_string();
  EXPECT_EQ(verified->subject, "usr_123");
  EXPECT_EQ(verified->organization, "org_456");

  JwtConfig public_only;
  public_only.algorithm = "RS256";
  public_only.rs256_public_pem = rsa_key().public_pem;
  const auto verifier = make(public_only);
  EXPECT_TRUE(verifier->verify(token, kNow).is_ok());
  EXPECT_EQ(verifier->sign(claims(), kNow), "");

  JwtConfig both = rs_config();
  both.rs256_public_pem = rsa_key().public_pem;
  EXPECT_TRUE(make(both)->verify(token, kNow).is_ok());

  // Another key pair does not verify it.
  JwtConfig other;
  other.algorithm = "RS256";
  other.rs256_public_pem = other_rsa_key().public_pem;
  expect_rejected(*make(other), token, kNow, "signature");
}

TEST(Jwt, CreateRejectsBadConfigurations) {
  JwtConfig config = hs_config();
  config.algorithm = "HS512";
  EXPECT_FALSE(JwtCodec::create(config).is_ok());
  config.algorithm = "none";
  EXPECT_FALSE(JwtCodec::create(config).is_ok());
  config.algorithm = "hs256";
  EXPECT_FALSE(JwtCodec::create(config).is_ok());

  config = hs_config();
  config.hs256_secret = std::string(31, 'x');
  const auto short_secret = JwtCodec::create(config);
  ASSERT_FALSE(short_secret.is_ok());
  EXPECT_EQ(short_secret.status().code(), ErrorCode::kInvalidArgument);
  config.hs256_secret = std::string(32, 'x');
  EXPECT_TRUE(JwtCodec::create(config).is_ok());

  config = hs_config();
  config.lifetime = std::chrono::seconds(0);
  EXPECT_FALSE(JwtCodec::create(config).is_ok());

  config = rs_config();
  config.rs256_private_pem = "-----BEGIN PRIVATE KEY-----\nnot a key\n-----END PRIVATE KEY-----\n";
  EXPECT_FALSE(JwtCodec::create(config).is_ok());
  config.rs256_private_pem.clear();
  EXPECT_FALSE(JwtCodec::create(config).is_ok());  // no key at all
  config.rs256_public_pem = "garbage";
  EXPECT_FALSE(JwtCodec::create(config).is_ok());

  // A public key that does not belong to the private key.
  config = rs_config();
  config.rs256_public_pem = other_rsa_key().public_pem;
  EXPECT_FALSE(JwtCodec::create(config).is_ok());

  // Too small an RSA key.
  config = rs_config();
  config.rs256_private_pem = make_rsa(1024).private_pem;
  EXPECT_FALSE(JwtCodec::create(config).is_ok());

  // Not an RSA key.
  EVP_PKEY* ec = EVP_EC_gen("P-256");
  ASSERT_NE(ec, nullptr);
  BIO* bio = BIO_new(BIO_s_mem());
  PEM_write_bio_PrivateKey(bio, ec, nullptr, nullptr, 0, nullptr, nullptr);
  config.rs256_private_pem = bio_text(bio);
  BIO_free(bio);
  EVP_PKEY_free(ec);
  EXPECT_FALSE(JwtCodec::create(config).is_ok());
}

TEST(Jwt, TamperedPayloadIsRejected) {
  for (const JwtConfig& config : {hs_config(), rs_config()}) {
    const auto codec = make(config);
    const std::vector<std::string> parts = split(codec->sign(claims(), kNow));
    std::string payload;
    ASSERT_TRUE(base64url_decode(parts[1], &payload));
    const size_t at = payload.find("usr_123");
    ASSERT_NE(at, std::string::npos);
    payload.replace(at, 7, "usr_999");
    expect_rejected(*codec, parts[0] + "." + b64(payload) + "." + parts[2], kNow, "signature");
    // Role escalation through the payload.
    payload = payload.substr(0, payload.size() - 1) + R"(,"role":"system_admin"})";
    expect_rejected(*codec, parts[0] + "." + b64(payload) + "." + parts[2]);
    // Header swapped for an equivalent one with different bytes.
    expect_rejected(*codec,
                    b64(std::string("{\"typ\":\"JWT\",\"alg\":\"") + config.algorithm + "\"}") +
                        "." + parts[1] + "." + parts[2],
                    kNow, "signature");
  }
}

TEST(Jwt, TamperedSignatureIsRejected) {
  for (const JwtConfig& config : {hs_config(), rs_config()}) {
    const auto codec = make(config);
    const std::string token = codec->sign(claims(), kNow);
    const std::vector<std::string> parts = split(token);
    const std::string input = parts[0] + "." + parts[1] + ".";
    std::string sig;
    ASSERT_TRUE(base64url_decode(parts[2], &sig));
    for (size_t i : {size_t{0}, sig.size() / 2, sig.size() - 1}) {
      std::string flipped = sig;
      flipped[i] = static_cast<char>(flipped[i] ^ 1);
      expect_rejected(*codec, input + b64(flipped), kNow, "signature");
    }
    expect_rejected(*codec, input + b64(sig.substr(0, sig.size() - 1)), kNow, "signature");
    expect_rejected(*codec, input + b64(sig + "x"), kNow, "signature");
    expect_rejected(*codec, input + b64(std::string(sig.size(), '\0')), kNow, "signature");
    expect_rejected(*codec, input, kNow, "signature");  // empty signature
    expect_rejected(*codec, input + parts[2] + "=", kNow);
    expect_rejected(*codec, input + parts[2] + "A", kNow);
  }
}

TEST(Jwt, WrongSecretIsRejected) {
  const auto codec = make(hs_config());
  JwtConfig other = hs_config();
  other.hs256_secret = "another secret that is long enough......";
  expect_rejected(*codec, make(other)->sign(claims(), kNow), kNow, "signature");
  expect_rejected(*codec, hs_token(kHs256Header, payload_with(""), "a different key"), kNow,
                  "signature");
  // The same token with the right key passes, so the rejections above were the key's doing.
  EXPECT_TRUE(codec->verify(hs_token(kHs256Header, payload_with("")), kNow).is_ok());
}

TEST(Jwt, AlgNoneIsRejected) {
  const auto codec = make(hs_config());
  const auto rs = make(rs_config());
  const std::string payload = b64(payload_with(""));
  const std::string good_sig = split(hs_token(kHs256Header, payload_with("")))[2];
  for (const char* header : {R"({"alg":"none","typ":"JWT"})", R"({"alg":"None"})",
                             R"({"alg":"NONE"})", R"({"alg":"nOnE"})", R"({"alg":""})"}) {
    for (const JwtCodec* c : {codec.get(), rs.get()}) {
      expect_rejected(*c, b64(header) + "." + payload + ".");
      expect_rejected(*c, b64(header) + "." + payload + "." + good_sig);
      expect_rejected(*c, b64(header) + "." + payload);
    }
  }
  expect_rejected(*codec, b64(R"({"alg":"none"})") + "." + payload + ".", kNow, "none");
  // No alg at all, or alg of the wrong type.
  expect_rejected(*codec, hs_token(R"({"typ":"JWT"})", payload_with("")));
  expect_rejected(*codec, hs_token(R"({"alg":null})", payload_with("")));
  expect_rejected(*codec, hs_token(R"({"alg":["HS256"]})", payload_with("")));
}

TEST(Jwt, AlgorithmConfusionIsRejected) {
  const auto rs = make(rs_config());
  // The classic attack: HS256 with the RSA public key (which is public) as the HMAC secret.
  const std::string forged = hs_token(kHs256Header, payload_with(""), rsa_key().public_pem);
  expect_rejected(*rs, forged, kNow, "alg");
  // And the same with the RS256 header but an HMAC signature.
  expect_rejected(*rs, hs_token(kRs256Header, payload_with(""), rsa_key().public_pem), kNow,
                  "signature");

  // The reverse: an RS256 token presented to an HS256 verifier.
  const auto hs = make(hs_config());
  expect_rejected(*hs, rs_token(kRs256Header, payload_with("")), kNow, "alg");
  expect_rejected(*hs, rs->sign(claims(), kNow), kNow, "alg");
  // An HS256 codec whose secret is the public PEM does not accept an RS256 header either.
  JwtConfig pem_secret = hs_config();
  pem_secret.hs256_secret = rsa_key().public_pem;
  expect_rejected(*make(pem_secret), hs_token(kRs256Header, payload_with(""), rsa_key().public_pem),
                  kNow, "alg");
  // Other algorithm names.
  for (const char* alg : {"HS384", "HS512", "RS512", "ES256", "PS256", "hs256"}) {
    expect_rejected(*hs, hs_token(std::string(R"({"alg":")") + alg + "\"}", payload_with("")), kNow,
                    "alg");
  }
}

TEST(Jwt, ExpiryAndNotBeforeHonourTheLeeway) {
  const auto codec = make(hs_config());  // lifetime 900 s, leeway 30 s
  const std::string token = codec->sign(claims(), kNow);
  EXPECT_TRUE(codec->verify(token, kNow + 900).is_ok());
  EXPECT_TRUE(codec->verify(token, kNow + 929).is_ok());
  expect_rejected(*codec, token, kNow + 930, "expired");
  expect_rejected(*codec, token, kNow + 100000, "expired");
  // Issued in the future beyond the leeway (a clock skew or a forged iat).
  EXPECT_TRUE(codec->verify(token, kNow - 30).is_ok());
  expect_rejected(*codec, token, kNow - 31, "future");

  const std::string nbf = hs_token(kHs256Header, payload_with(R"("nbf":1700000100)"));
  expect_rejected(*codec, nbf, kNow, "not yet");
  expect_rejected(*codec, nbf, kNow + 69, "not yet");
  EXPECT_TRUE(codec->verify(nbf, kNow + 70).is_ok());

  // Extreme times do not overflow.
  const std::string old = hs_token(
      kHs256Header, payload_with("", R"("iss":"ragd","aud":"ragd-api","sub":"u","org":"o",)"
                                     R"("iat":-9223372036854775808,"exp":-9223372036854775808)"));
  expect_rejected(*codec, old, kNow, "expired");
  expect_rejected(*codec, old, INT64_MIN, "expired");
  const std::string far = hs_token(
      kHs256Header, payload_with("", R"("iss":"ragd","aud":"ragd-api","sub":"u","org":"o",)"
                                     R"("iat":0,"exp":9223372036854775807)"));
  EXPECT_TRUE(codec->verify(far, INT64_MAX).is_ok());
  // exp saturates instead of wrapping to the past.
  const Result<AccessClaims> late =
      codec->verify(codec->sign(claims(), INT64_MAX - 10), INT64_MAX - 10);
  ASSERT_TRUE(late.is_ok()) << late.status().to_string();
  EXPECT_EQ(late->expires_at, INT64_MAX);
}

TEST(Jwt, IssuerAndAudienceAreChecked) {
  const auto codec = make(hs_config());
  JwtConfig other_iss = hs_config();
  other_iss.issuer = "someone-else";
  expect_rejected(*codec, make(other_iss)->sign(claims(), kNow), kNow, "iss");
  JwtConfig other_aud = hs_config();
  other_aud.audience = "another-api";
  expect_rejected(*codec, make(other_aud)->sign(claims(), kNow), kNow, "aud");

  const std::string base = R"("sub":"u","org":"o","iat":1700000000,"exp":1700000900)";
  auto with = [&](const std::string& members) {
    return hs_token(kHs256Header, "{" + members + "," + base + "}");
  };
  EXPECT_TRUE(codec->verify(with(R"("iss":"ragd","aud":"ragd-api")"), kNow).is_ok());
  EXPECT_TRUE(codec->verify(with(R"("iss":"ragd","aud":["x","ragd-api"])"), kNow).is_ok());
  expect_rejected(*codec, with(R"("iss":"ragd","aud":["x","y"])"), kNow, "aud");
  expect_rejected(*codec, with(R"("iss":"ragd","aud":[])"), kNow, "aud");
  expect_rejected(*codec, with(R"("iss":"ragd","aud":["ragd-api",1])"), kNow);
  expect_rejected(*codec, with(R"("iss":"ragd","aud":{"a":"ragd-api"})"), kNow);
  expect_rejected(*codec, with(R"("iss":"ragd","aud":"RAGD-API")"), kNow, "aud");
  expect_rejected(*codec, with(R"("iss":"ragd")"), kNow, "aud");
  expect_rejected(*codec, with(R"("aud":"ragd-api")"), kNow, "iss");
  expect_rejected(*codec, with(R"("iss":"ragd ","aud":"ragd-api")"), kNow, "iss");
  expect_rejected(*codec, with(R"("iss":["ragd"],"aud":"ragd-api")"), kNow);
}

TEST(Jwt, ClaimsOfTheWrongTypeOrMissingAreRejected) {
  const auto codec = make(hs_config());
  const std::string iss_aud = R"("iss":"ragd","aud":"ragd-api")";
  struct Case {
    const char* members;
    const char* why;
  };
  const std::vector<Case> cases = {
      {R"("sub":"u","org":"o","iat":1700000000)", "exp"},
      {R"("sub":"u","org":"o","exp":1700000900)", "iat"},
      {R"("org":"o","iat":1700000000,"exp":1700000900)", "sub"},
      {R"("sub":"u","iat":1700000000,"exp":1700000900)", "org"},
      {R"("sub":"","org":"o","iat":1700000000,"exp":1700000900)", "sub"},
      {R"("sub":"u","org":"","iat":1700000000,"exp":1700000900)", "org"},
      {R"("sub":"u","org":"o","iat":1700000000,"exp":"1700000900")", "type"},
      {R"("sub":"u","org":"o","iat":1700000000,"exp":1700000900.5)", "type"},
      {R"("sub":"u","org":"o","iat":1700000000,"exp":1.7e9)", "type"},
      {R"("sub":"u","org":"o","iat":1700000000,"exp":18446744073709551615)", "type"},
      {R"("sub":"u","org":"o","iat":1700000000,"exp":true)", "type"},
      {R"("sub":"u","org":"o","iat":1700000000,"exp":null)", "type"},
      {R"("sub":"u","org":"o","iat":"now","exp":1700000900)", "type"},
      {R"("sub":"u","org":"o","iat":1700000000,"exp":1700000900,"nbf":"0")", "type"},
      {R"("sub":123,"org":"o","iat":1700000000,"exp":1700000900)", "type"},
      {R"("sub":["u"],"org":"o","iat":1700000000,"exp":1700000900)", "type"},
      {R"("sub":"u","org":null,"iat":1700000000,"exp":1700000900)", "type"},
      {R"("sub":"u","org":{"id":"o"},"iat":1700000000,"exp":1700000900)", "type"},
      {R"("sub":"u","org":"o","role":1,"iat":1700000000,"exp":1700000900)", "type"},
      {R"("sub":"u","org":"o","jti":{},"iat":1700000000,"exp":1700000900)", "type"},
      // A duplicated member: one parser would see one value, another the other.
      {R"("sub":"u","org":"o","iat":1700000000,"exp":1700000900,"sub":"admin")", "JSON"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.members);
    expect_rejected(*codec, hs_token(kHs256Header, "{" + iss_aud + "," + c.members + "}"), kNow,
                    c.why);
  }
  // Optional claims may be absent; unknown claims are ignored.
  const Result<AccessClaims> minimal = codec->verify(
      hs_token(kHs256Header, "{" + iss_aud +
                                 R"(,"sub":"u","org":"o","iat":1700000000,"exp":1700000900,)" +
                                 R"("extra":{"nested":[1,2,3]}})"),
      kNow);
  ASSERT_TRUE(minimal.is_ok()) << minimal.status().to_string();
  EXPECT_EQ(minimal->role, "");
  EXPECT_EQ(minimal->token_id, "");

  // Payloads and headers that are not JSON objects.
  for (const char* payload : {"[]", "\"text\"", "123", "null", "", "{", "{\"sub\":\"u\"",
                              "{\"sub\":\"\xff\"}", "{} {}", "{}x"}) {
    expect_rejected(*codec, hs_token(kHs256Header, payload), kNow);
  }
  for (const char* header :
       {"[]", "\"HS256\"", "", "{\"alg\":\"HS256\"", "null", R"({"alg":"HS256","alg":"none"})",
        R"({"alg":"none","alg":"HS256"})"}) {
    expect_rejected(*codec, hs_token(header, payload_with("")), kNow);
  }
}

TEST(Jwt, HeaderExtrasAreChecked) {
  const auto codec = make(hs_config());
  const std::string payload = payload_with("");
  EXPECT_TRUE(codec->verify(hs_token(R"({"alg":"HS256"})", payload), kNow).is_ok());
  EXPECT_TRUE(
      codec->verify(hs_token(R"({"alg":"HS256","typ":"jwt","kid":"k1"})", payload), kNow).is_ok());
  expect_rejected(*codec, hs_token(R"({"alg":"HS256","crit":["exp"]})", payload), kNow, "crit");
  expect_rejected(*codec, hs_token(R"({"alg":"HS256","crit":[]})", payload), kNow, "crit");
  expect_rejected(*codec, hs_token(R"({"alg":"HS256","typ":"JWE"})", payload), kNow, "typ");
  expect_rejected(*codec, hs_token(R"({"alg":"HS256","typ":7})", payload), kNow, "typ");
}

TEST(Jwt, GarbageIsRejected) {
  const auto codec = make(hs_config());
  const std::string good = codec->sign(claims(), kNow);
  const std::vector<std::string> parts = split(good);
  const std::vector<std::string> garbage = {
      "",
      ".",
      "..",
      "...",
      "a",
      "a.b",
      "a.b.c",
      "a.b.c.d",
      good + ".",
      "." + good,
      good + "." + parts[2],
      parts[0] + ".." + parts[2],
      "." + parts[1] + "." + parts[2],
      parts[0] + "." + parts[1] + ".." + parts[2],
      " " + good,
      good + " ",
      good + "\n",
      "Bearer " + good,
      parts[0] + "=." + parts[1] + "." + parts[2],  // padding
      parts[0] + "." + parts[1] + "==." + parts[2],
      parts[0] + "." + parts[1] + "." + parts[2] + "==",
      parts[0] + "." + parts[1] + "+." + parts[2],  // standard base64 characters
      parts[0] + "." + parts[1] + "." + parts[2] + "/",
      parts[0] + "." + parts[1] + "\x01." + parts[2],
      std::string(good).insert(5, 1, '\0'),
      std::string("\xff\xfe.\xff.\xff"),
      std::string(100, '.'),
  };
  for (const std::string& token : garbage) expect_rejected(*codec, token);
  ASSERT_TRUE(codec->verify(good, kNow).is_ok());
}

TEST(Jwt, HugeTokensAreRejectedBeforeParsing) {
  const auto codec = make(hs_config());
  expect_rejected(*codec, std::string(8 * 1024 + 1, 'A'), kNow, "long");
  expect_rejected(*codec, std::string(1 << 20, '.'), kNow, "long");
  // A valid signed token over the cap, and one just under it.
  AccessClaims big = claims();
  big.subject = std::string(7000, 'u');
  const std::string over = codec->sign(big, kNow);
  ASSERT_GT(over.size(), 8u * 1024);
  expect_rejected(*codec, over, kNow, "long");
  big.subject = std::string(5000, 'u');
  const std::string under = codec->sign(big, kNow);
  ASSERT_LE(under.size(), 8u * 1024);
  EXPECT_TRUE(codec->verify(under, kNow).is_ok());
  // Deep nesting inside the cap does not crash.
  expect_rejected(*codec, hs_token(kHs256Header, std::string(2500, '[') + std::string(2500, ']')),
                  kNow);
}

}  // namespace
}  // namespace ragd::platform
