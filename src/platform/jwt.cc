#include "platform/jwt.h"

#include <openssl/bio.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/pem.h>

#include <limits>
#include <nlohmann/json.hpp>
#include <optional>
#include <set>
#include <string>
#include <utility>

#include "platform/secret_tokens.h"

namespace ragd::platform {
namespace {

using nlohmann::json;

constexpr size_t kMaxTokenBytes = 8 * 1024;
constexpr size_t kMinHs256SecretBytes = 32;
constexpr int kMinRsaBits = 2048;

struct PkeyFree {
  void operator()(EVP_PKEY* key) const { EVP_PKEY_free(key); }
};
using Pkey = std::unique_ptr<EVP_PKEY, PkeyFree>;
struct MdCtxFree {
  void operator()(EVP_MD_CTX* ctx) const { EVP_MD_CTX_free(ctx); }
};
using MdCtx = std::unique_ptr<EVP_MD_CTX, MdCtxFree>;
struct BioFree {
  void operator()(BIO* bio) const { BIO_free(bio); }
};
using Bio = std::unique_ptr<BIO, BioFree>;

Pkey read_pem(const std::string& pem, bool private_key) {
  if (pem.empty() || pem.size() > static_cast<size_t>(std::numeric_limits<int>::max())) {
    return nullptr;
  }
  Bio bio(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())));
  if (!bio) return nullptr;
  // An empty passphrase callback result: an encrypted key fails instead of prompting.
  auto no_passphrase = [](char*, int, int, void*) -> int { return 0; };
  EVP_PKEY* key = private_key ? PEM_read_bio_PrivateKey(bio.get(), nullptr, no_passphrase, nullptr)
                              : PEM_read_bio_PUBKEY(bio.get(), nullptr, no_passphrase, nullptr);
  return Pkey(key);
}

// Subtraction and addition that stop at the int64 range instead of overflowing, for
// comparisons of attacker-chosen times with now ± leeway.
int64_t saturating_add(int64_t a, int64_t b) {
  int64_t out = 0;
  if (__builtin_add_overflow(a, b, &out)) {
    return b > 0 ? std::numeric_limits<int64_t>::max() : std::numeric_limits<int64_t>::min();
  }
  return out;
}

// Parses one JSON object segment, refusing duplicate top-level members (parsers that keep
// the first and parsers that keep the last would read different claims).
std::optional<json> parse_object(const std::string& text) {
  std::set<std::string> seen;
  bool duplicate = false;
  json::parser_callback_t callback = [&](int depth, json::parse_event_t event, json& parsed) {
    if (depth == 1 && event == json::parse_event_t::key && parsed.is_string()) {
      if (!seen.insert(parsed.get_ref<const std::string&>()).second) duplicate = true;
    }
    return true;
  };
  json value = json::parse(text, callback, /*allow_exceptions=*/false);
  if (value.is_discarded() || !value.is_object() || duplicate) return std::nullopt;
  return value;
}

// The member `name` as a string; absent -> nullopt in *out with ok; wrong type -> false.
bool string_claim(const json& object, const char* name, std::optional<std::string>* out) {
  const auto it = object.find(name);
  if (it == object.end()) return true;
  if (!it->is_string()) return false;
  *out = it->get<std::string>();
  return true;
}

bool int_claim(const json& object, const char* name, std::optional<int64_t>* out) {
  const auto it = object.find(name);
  if (it == object.end()) return true;
  if (it->is_number_unsigned()) {
    const uint64_t v = it->get<uint64_t>();
    if (v > static_cast<uint64_t>(std::numeric_limits<int64_t>::max())) return false;
    *out = static_cast<int64_t>(v);
    return true;
  }
  if (!it->is_number_integer()) return false;
  *out = it->get<int64_t>();
  return true;
}

std::string dump(const json& value) {
  return value.dump(-1, ' ', false, json::error_handler_t::replace);
}

}  // namespace

struct JwtCodec::Keys {
  std::string hmac_secret;
  Pkey private_key;  // RS256 signing; null for a verify-only codec
  Pkey public_key;   // RS256 verifying
};

JwtCodec::JwtCodec(JwtConfig config, std::unique_ptr<Keys> keys)
    : config_(std::move(config)), keys_(std::move(keys)) {}

JwtCodec::~JwtCodec() = default;

Result<std::unique_ptr<JwtCodec>> JwtCodec::create(const JwtConfig& config) {
  if (config.lifetime.count() <= 0) return Status::invalid("JWT lifetime must be positive");
  if (config.leeway.count() < 0) return Status::invalid("JWT leeway must not be negative");
  auto keys = std::make_unique<Keys>();
  if (config.algorithm == "HS256") {
    if (config.hs256_secret.size() < kMinHs256SecretBytes) {
      return Status::invalid("the HS256 secret must be at least 32 bytes");
    }
    keys->hmac_secret = config.hs256_secret;
  } else if (config.algorithm == "RS256") {
    if (!config.rs256_private_pem.empty()) {
      keys->private_key = read_pem(config.rs256_private_pem, /*private_key=*/true);
      if (!keys->private_key) return Status::invalid("cannot read the RS256 private key PEM");
    }
    if (!config.rs256_public_pem.empty()) {
      keys->public_key = read_pem(config.rs256_public_pem, /*private_key=*/false);
      if (!keys->public_key) return Status::invalid("cannot read the RS256 public key PEM");
    } else if (keys->private_key) {
      EVP_PKEY_up_ref(keys->private_key.get());
      keys->public_key.reset(keys->private_key.get());
    } else {
      return Status::invalid("RS256 needs a private or a public key PEM");
    }
    for (EVP_PKEY* key : {keys->private_key.get(), keys->public_key.get()}) {
      if (key == nullptr) continue;
      if (EVP_PKEY_get_base_id(key) != EVP_PKEY_RSA) {
        return Status::invalid("the RS256 key is not an RSA key");
      }
      if (EVP_PKEY_get_bits(key) < kMinRsaBits) {
        return Status::invalid("the RS256 key has fewer than 2048 bits");
      }
    }
    if (keys->private_key && EVP_PKEY_eq(keys->private_key.get(), keys->public_key.get()) != 1) {
      return Status::invalid("the RS256 public key does not belong to the private key");
    }
  } else {
    return Status::invalid("unknown JWT algorithm (HS256 or RS256)");
  }
  return std::unique_ptr<JwtCodec>(new JwtCodec(config, std::move(keys)));
}

// Returns "" when the codec cannot sign: an RS256 codec made from a public key only, or
// an OpenSSL failure. Callers treat an empty token as an internal error.
std::string JwtCodec::sign(AccessClaims claims, int64_t now) const {
  if (claims.token_id.empty()) claims.token_id = random_token(16);
  const json header = {{"alg", config_.algorithm}, {"typ", "JWT"}};
  const json payload = {{"iss", config_.issuer},
                        {"aud", config_.audience},
                        {"sub", claims.subject},
                        {"org", claims.organization},
                        {"role", claims.role},
                        {"jti", claims.token_id},
                        {"iat", now},
                        {"exp", saturating_add(now, config_.lifetime.count())}};
  std::string input = base64url_encode(dump(header));
  input += '.';
  input += base64url_encode(dump(payload));

  std::string signature;
  if (config_.algorithm == "HS256") {
    unsigned char mac[EVP_MAX_MD_SIZE];
    unsigned int mac_len = 0;
    if (HMAC(EVP_sha256(), keys_->hmac_secret.data(), static_cast<int>(keys_->hmac_secret.size()),
             reinterpret_cast<const unsigned char*>(input.data()), input.size(), mac,
             &mac_len) == nullptr) {
      return {};
    }
    signature.assign(reinterpret_cast<const char*>(mac), mac_len);
  } else {
    if (!keys_->private_key) return {};
    MdCtx ctx(EVP_MD_CTX_new());
    size_t length = 0;
    if (!ctx ||
        EVP_DigestSignInit(ctx.get(), nullptr, EVP_sha256(), nullptr, keys_->private_key.get()) !=
            1 ||
        EVP_DigestSign(ctx.get(), nullptr, &length,
                       reinterpret_cast<const unsigned char*>(input.data()), input.size()) != 1) {
      return {};
    }
    signature.resize(length);
    if (EVP_DigestSign(ctx.get(), reinterpret_cast<unsigned char*>(signature.data()), &length,
                       reinterpret_cast<const unsigned char*>(input.data()), input.size()) != 1) {
      return {};
    }
    signature.resize(length);
  }
  input += '.';
  input += base64url_encode(signature);
  return input;
}

Result<AccessClaims> JwtCodec::verify(std::string_view token, int64_t now) const {
  if (token.empty()) return Status::invalid("empty token");
  if (token.size() > kMaxTokenBytes) return Status::invalid("token too long");
  const size_t dot1 = token.find('.');
  const size_t dot2 = dot1 == std::string_view::npos ? dot1 : token.find('.', dot1 + 1);
  if (dot2 == std::string_view::npos || token.find('.', dot2 + 1) != std::string_view::npos) {
    return Status::invalid("not three dot-separated segments");
  }
  const std::string_view header_b64 = token.substr(0, dot1);
  const std::string_view payload_b64 = token.substr(dot1 + 1, dot2 - dot1 - 1);
  const std::string_view signature_b64 = token.substr(dot2 + 1);
  if (header_b64.empty() || payload_b64.empty()) return Status::invalid("empty segment");

  std::string header_text;
  if (!base64url_decode(header_b64, &header_text)) return Status::invalid("bad header encoding");
  const std::optional<json> header = parse_object(header_text);
  if (!header) return Status::invalid("header is not a JSON object");
  const auto alg = header->find("alg");
  if (alg == header->end() || !alg->is_string()) return Status::invalid("header without alg");
  const std::string& alg_name = alg->get_ref<const std::string&>();
  if (alg_name != config_.algorithm) {
    if (alg_name == "none" || alg_name == "None" || alg_name == "NONE") {
      return Status::invalid("alg none");
    }
    return Status::invalid("unexpected alg");
  }
  if (header->contains("crit")) return Status::invalid("crit header");
  if (const auto typ = header->find("typ"); typ != header->end()) {
    if (!typ->is_string()) return Status::invalid("bad typ");
    std::string value = typ->get<std::string>();
    for (char& c : value) c = static_cast<char>(c >= 'a' && c <= 'z' ? c - 'a' + 'A' : c);
    if (value != "JWT") return Status::invalid("bad typ");
  }

  if (signature_b64.empty()) return Status::invalid("missing signature");
  std::string signature;
  if (!base64url_decode(signature_b64, &signature)) {
    return Status::invalid("bad signature encoding");
  }
  const std::string_view input = token.substr(0, dot2);
  if (config_.algorithm == "HS256") {
    unsigned char mac[EVP_MAX_MD_SIZE];
    unsigned int mac_len = 0;
    if (HMAC(EVP_sha256(), keys_->hmac_secret.data(), static_cast<int>(keys_->hmac_secret.size()),
             reinterpret_cast<const unsigned char*>(input.data()), input.size(), mac,
             &mac_len) == nullptr) {
      return Status::invalid("signature check failed");
    }
    if (!constant_time_equal(std::string_view(reinterpret_cast<const char*>(mac), mac_len),
                             signature)) {
      return Status::invalid("bad signature");
    }
  } else {
    if (signature.size() != static_cast<size_t>(EVP_PKEY_get_size(keys_->public_key.get()))) {
      return Status::invalid("bad signature");
    }
    MdCtx ctx(EVP_MD_CTX_new());
    if (!ctx ||
        EVP_DigestVerifyInit(ctx.get(), nullptr, EVP_sha256(), nullptr, keys_->public_key.get()) !=
            1 ||
        EVP_DigestVerify(ctx.get(), reinterpret_cast<const unsigned char*>(signature.data()),
                         signature.size(), reinterpret_cast<const unsigned char*>(input.data()),
                         input.size()) != 1) {
      return Status::invalid("bad signature");
    }
  }

  // Only a payload whose signature checked is parsed.
  std::string payload_text;
  if (!base64url_decode(payload_b64, &payload_text)) {
    return Status::invalid("bad payload encoding");
  }
  const std::optional<json> payload = parse_object(payload_text);
  if (!payload) return Status::invalid("payload is not a JSON object");

  std::optional<std::string> iss, sub, org, role, jti;
  std::optional<int64_t> exp, iat, nbf;
  if (!string_claim(*payload, "iss", &iss) || !string_claim(*payload, "sub", &sub) ||
      !string_claim(*payload, "org", &org) || !string_claim(*payload, "role", &role) ||
      !string_claim(*payload, "jti", &jti) || !int_claim(*payload, "exp", &exp) ||
      !int_claim(*payload, "iat", &iat) || !int_claim(*payload, "nbf", &nbf)) {
    return Status::invalid("claim of the wrong type");
  }
  if (!exp) return Status::invalid("missing exp");
  if (!iat) return Status::invalid("missing iat");
  if (!sub || sub->empty()) return Status::invalid("missing sub");
  if (!org || org->empty()) return Status::invalid("missing org");
  if (!iss || *iss != config_.issuer) return Status::invalid("wrong iss");

  const auto aud = payload->find("aud");
  bool audience_ok = false;
  if (aud != payload->end() && aud->is_string()) {
    audience_ok = aud->get_ref<const std::string&>() == config_.audience;
  } else if (aud != payload->end() && aud->is_array()) {
    for (const json& entry : *aud) {
      if (!entry.is_string()) return Status::invalid("claim of the wrong type");
      if (entry.get_ref<const std::string&>() == config_.audience) audience_ok = true;
    }
  } else if (aud != payload->end()) {
    return Status::invalid("claim of the wrong type");
  }
  if (!audience_ok) return Status::invalid("wrong aud");

  const int64_t leeway = config_.leeway.count();
  if (*exp <= saturating_add(now, -leeway)) return Status::invalid("expired");
  if (nbf && *nbf > saturating_add(now, leeway)) return Status::invalid("not yet valid");
  if (*iat > saturating_add(now, leeway)) return Status::invalid("issued in the future");

  AccessClaims claims;
  claims.subject = std::move(*sub);
  claims.organization = std::move(*org);
  claims.role = role ? std::move(*role) : std::string();
  claims.token_id = jti ? std::move(*jti) : std::string();
  claims.issued_at = *iat;
  claims.expires_at = *exp;
  return claims;
}

}  // namespace ragd::platform
