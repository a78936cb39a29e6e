// AuthService: identity — registration, login with lockout, access and refresh tokens,
// password changes, API keys, the users of an organisation, and authenticate(), which turns
// the credential of a request (an access JWT or an API key) into a Principal.
//
// Rules it enforces:
// - E-mail: one '@', a non-empty local part, a domain with a dot, no spaces or control
//   characters, at most 254 bytes; compared case-insensitively. Passwords: 8..1024 bytes.
// - Login failures: the same kUnauthenticated message ("the e-mail or password is wrong, or
//   the account is locked") for an unknown e-mail, a wrong password and a locked account;
//   an unknown e-mail still spends an argon2 verification (PasswordHasher::verify_dummy).
//   5 consecutive failures lock the account for 30 minutes (AuthConfig).
// - Access tokens live 15 minutes; authenticate() also checks the user still exists, takes
//   the role from the current user record (so a demotion or deletion acts at once) and
//   rejects tokens issued before the last password change.
// - Refresh tokens: opaque, stored as SHA-256, rotated on every use; presenting a token that
//   was already rotated revokes its whole family (every token descended from that login).
// - API keys: "<key id>.<secret>" with key id "key_..." shown as the prefix; stored as
//   SHA-256; scopes must be a non-empty subset of the creator's permissions and the creator
//   needs api:access; a key acts with its scopes narrowed by its creator's current role; it
//   fails once revoked, expired, or its creator is deleted.
// - Roles: nobody grants a role above their own, or changes a user of another organisation
//   (kNotFound); an organisation always keeps at least one organization_admin.
// Errors come back as AuthResult with an AuthFailure (mapped by the HTTP layer to 401, 403,
// 404, 409, 422 or 503) and a message fit for the client.
// Thread-safety: every method may be called from any thread. Caches of users, organisations
// and API keys live at most AuthConfig::cache_seconds, so changes made on another node act
// within that time; changes made through this instance act at once.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "common/status.h"
#include "platform/jwt.h"
#include "platform/password_hasher.h"
#include "platform/plans.h"
#include "platform/platform_store.h"
#include "platform/principal.h"

namespace ragd::platform {

struct AuthConfig {
  JwtConfig jwt;
  Argon2Params argon2;
  int64_t refresh_lifetime_seconds = 30LL * 24 * 3600;
  int lockout_threshold = 5;
  int64_t lockout_seconds = 30 * 60;
  int64_t cache_seconds = 10;
};

// Why an AuthService call failed, for the HTTP layer (401, 403, 404, 409, 422, 503).
enum class AuthFailure {
  kNone,
  kUnauthenticated,  // no, bad, expired or revoked credentials; wrong password; locked
  kForbidden,        // authenticated but not allowed (role or scope)
  kNotFound,         // no such object in the caller's organisation
  kConflict,         // e-mail taken; last admin
  kInvalid,          // the input is wrong (message says how)
  kUnavailable,      // the store failed
};

template <typename T>
struct AuthResult {
  AuthFailure failure = AuthFailure::kNone;
  std::string message;  // for the client; never internal detail
  std::optional<T> value;
  bool ok() const { return failure == AuthFailure::kNone; }
  static AuthResult fail(AuthFailure f, std::string m) { return {f, std::move(m), std::nullopt}; }
  static AuthResult of(T v) { return {AuthFailure::kNone, "", std::move(v)}; }
};
struct Done {};

struct TokenPair {
  std::string access_token;
  std::string refresh_token;
  int64_t expires_in = 0;  // seconds until the access token expires
  User user;               // password_hash cleared
  Organization organization;
};

struct NewApiKey {
  ApiKey key;          // digest cleared
  std::string secret;  // the whole key, shown once: "<key id>.<secret>"
};

struct RequestContext {  // for the audit log
  std::string ip;
  std::string user_agent;
  std::string request_id;
};

class AuthService {
 public:
  using Now = std::function<int64_t()>;  // seconds since the epoch
  // `store` and `plans` must outlive the service. `now` defaults to the system clock.
  static Result<std::unique_ptr<AuthService>> create(PlatformStore& store, const PlanCatalog& plans,
                                                     AuthConfig config, Now now = {});
  ~AuthService();

  // A new organisation with its first user as organization_admin (system_admin when
  // `system_admin`, for the operator's own organisation created by `ragd admin`).
  AuthResult<TokenPair> register_organization(const std::string& organization_name,
                                              const std::string& email,
                                              const std::string& password,
                                              const std::string& name, const std::string& plan,
                                              bool system_admin, const RequestContext& ctx);
  AuthResult<TokenPair> login(const std::string& email, const std::string& password,
                              const RequestContext& ctx);
  AuthResult<TokenPair> refresh(const std::string& refresh_token, const RequestContext& ctx);
  // Revokes the refresh token's family. Unknown tokens succeed (nothing to revoke).
  AuthResult<Done> logout(const std::string& refresh_token, const RequestContext& ctx);
  // Checks the current password; revokes every refresh token of the user.
  AuthResult<Done> change_password(const Principal& who, const std::string& current_password,
                                   const std::string& new_password, const RequestContext& ctx);

  // The principal of a bearer credential (JWT or API key). kUnauthenticated on any failure.
  AuthResult<Principal> authenticate(const std::string& bearer);

  // API keys.
  AuthResult<NewApiKey> create_api_key(const Principal& who, const std::string& name,
                                       const std::vector<std::string>& scopes,
                                       int64_t expires_at, const RequestContext& ctx);
  // The caller's own keys; every key of the organisation with organization:manage_users.
  AuthResult<std::vector<ApiKey>> list_api_keys(const Principal& who);
  // Own keys; any key of the organisation with organization:manage_users.
  AuthResult<Done> revoke_api_key(const Principal& who, const std::string& key_id,
                                  const RequestContext& ctx);

  // Users of the caller's organisation (organization:manage_users for changes).
  AuthResult<User> create_user(const Principal& who, const std::string& email,
                               const std::string& password, const std::string& name,
                               const std::string& role, const RequestContext& ctx);
  AuthResult<std::vector<User>> list_users(const Principal& who);
  AuthResult<User> get_user(const Principal& who, const std::string& user_id);
  AuthResult<User> update_user(const Principal& who, const std::string& user_id,
                               const std::optional<std::string>& name,
                               const std::optional<std::string>& role, const RequestContext& ctx);
  // Deletes a user (self with profile:update_own, others with organization:manage_users).
  AuthResult<Done> delete_user(const Principal& who, const std::string& user_id,
                               const RequestContext& ctx);

  // Organisations.
  AuthResult<Organization> organization(const Principal& who);
  // Name (organization:update) and plan (billing:update; a known plan name).
  AuthResult<Organization> update_organization(const Principal& who,
                                               const std::optional<std::string>& name,
                                               const std::optional<std::string>& plan,
                                               const RequestContext& ctx);

  // Drops an organisation from the cache after a change made to the store directly (the
  // system admin's plan change), so it acts at once on this node.
  void forget_organization(const std::string& organization_id);

  // Purges personal data of users deleted more than 30 days ago; returns how many.
  Result<int64_t> purge_deleted_users();

  // Appends to the audit log on behalf of `who` (failures to append are logged to stderr,
  // never thrown: the audited action has already happened).
  void audit(const Principal* who, const std::string& action, const std::string& target,
             const std::string& outcome, const RequestContext& ctx,
             const std::string& details_json = "{}");

  PlatformStore& store();
  const PlanCatalog& plans() const;
  int64_t now() const;

 private:
  struct Impl;
  explicit AuthService(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace ragd::platform
