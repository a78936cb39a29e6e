// The inside of AuthService, shared by its implementation files (auth_service.cc: login,
// tokens and passwords; authenticate.cc: credentials to principals; account_admin.cc: API
// keys, users and organisations). Not for use outside src/platform.
// Thread-safety: Impl's members are either immutable after construction or thread-safe
// themselves (the store, the caches, the atomics); admin_mu serialises the changes that
// must see a consistent count of administrators.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>

#include "common/status.h"
#include "platform/auth_cache.h"
#include "platform/auth_service.h"
#include "platform/jwt.h"
#include "platform/password_hasher.h"
#include "platform/roles.h"

namespace ragd::platform {

inline constexpr const char* kLoginFailedMessage =
    "the e-mail or password is wrong, or the account is locked";
inline constexpr const char* kUnavailableMessage = "the account service is not available";
inline constexpr const char* kBadCredentialsMessage = "the credentials are invalid or expired";
inline constexpr const char* kEmailTakenMessage = "an account with this e-mail exists";
inline constexpr size_t kMinPasswordBytes = 8;
inline constexpr size_t kMaxPasswordBytes = 1024;
inline constexpr int64_t kApiKeyTouchSeconds = 60;
inline constexpr int64_t kPurgeAfterSeconds = 30LL * 24 * 3600;

// An API key as authenticate() needs it: the record, its scopes parsed once, and when this
// process last wrote its last_used_at (so the store is written at most once a minute).
struct CachedKey {
  CachedKey(ApiKey k, PermissionSet s)
      : key(std::move(k)), scopes(s), last_touch(key.last_used_at) {}
  ApiKey key;
  PermissionSet scopes;
  mutable std::atomic<int64_t> last_touch;
};

struct AuthService::Impl {
  Impl(PlatformStore& s, const PlanCatalog& p, AuthConfig c, Now n, std::unique_ptr<JwtCodec> j)
      : store(s),
        plans(p),
        config(std::move(c)),
        clock(std::move(n)),
        hasher(config.argon2),
        jwt(std::move(j)) {}

  PlatformStore& store;
  const PlanCatalog& plans;
  AuthConfig config;
  Now clock;
  PasswordHasher hasher;
  std::unique_ptr<JwtCodec> jwt;
  TtlCache<User> users;  // by user id; password_hash cleared
  TtlCache<Organization> organizations;
  TtlCache<CachedKey> keys;
  std::mutex admin_mu;

  int64_t now() const;
  // Reads through the caches; kNotFound when the object does not exist (or, for users,
  // belongs to another organisation or is deleted).
  Result<std::shared_ptr<const User>> cached_user(std::string_view organization,
                                                  std::string_view id, int64_t now);
  Result<std::shared_ptr<const Organization>> cached_organization(std::string_view id, int64_t now);
  Result<std::shared_ptr<const CachedKey>> cached_key(std::string_view id, int64_t now);
  void forget_user(const std::string& id) { users.erase(id); }

  // A new access token and refresh token (in `family`) for `user`.
  AuthResult<TokenPair> issue_tokens(const User& user, const std::string& family);
};

// The user without their password hash, fit to return to a client.
User public_user(User user);
// A principal naming `user` (for audit entries of actions that have no caller yet).
Principal principal_of(const User& user);
// An error message when the password's length is outside 8..1024 bytes.
std::optional<std::string> password_problem(std::string_view password);
// True for organization_admin and system_admin (the roles that keep an organisation run).
bool is_admin_role(std::string_view role);
// `s` as a JSON string literal.
std::string json_quote(std::string_view s);

// Maps a store failure: kNotFound -> `not_found`, kAlreadyExists -> kConflict, anything else
// -> kUnavailable (logged to stderr, never shown to the client).
template <typename T>
AuthResult<T> store_failure(const Status& status, AuthFailure not_found,
                            std::string not_found_message);
void log_store_failure(const Status& status);

template <typename T>
AuthResult<T> store_failure(const Status& status, AuthFailure not_found,
                            std::string not_found_message) {
  if (status.code() == ErrorCode::kNotFound) {
    return AuthResult<T>::fail(not_found, std::move(not_found_message));
  }
  if (status.code() == ErrorCode::kAlreadyExists) {
    return AuthResult<T>::fail(AuthFailure::kConflict, kEmailTakenMessage);
  }
  log_store_failure(status);
  return AuthResult<T>::fail(AuthFailure::kUnavailable, kUnavailableMessage);
}

}  // namespace ragd::platform
