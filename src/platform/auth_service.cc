#include "platform/auth_service.h"

#include <chrono>
#include <cstdio>
#include <nlohmann/json.hpp>

#include "platform/auth_internal.h"
#include "platform/email_address.h"
#include "platform/secret_tokens.h"

namespace ragd::platform {

User public_user(User user) {
  user.password_hash.clear();
  return user;
}

Principal principal_of(const User& user) {
  Principal p;
  p.authenticated = true;
  p.organization = user.organization;
  p.user = user.id;
  if (auto role = parse_role(user.role)) {
    p.role = *role;
    p.permissions = permissions_of(*role);
  }
  return p;
}

std::optional<std::string> password_problem(std::string_view password) {
  if (password.size() < kMinPasswordBytes) return "the password must have at least 8 characters";
  if (password.size() > kMaxPasswordBytes) return "the password must have at most 1024 bytes";
  return std::nullopt;
}

bool is_admin_role(std::string_view role) {
  auto r = parse_role(role);
  return r && *r >= Role::kOrganizationAdmin;
}

std::string json_quote(std::string_view s) {
  return nlohmann::json(std::string(s))
      .dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

void log_store_failure(const Status& status) {
  std::fprintf(stderr, "ragd: platform store: %s\n", status.to_string().c_str());
}

int64_t AuthService::Impl::now() const {
  if (clock) return clock();
  return std::chrono::duration_cast<std::chrono::seconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

AuthResult<TokenPair> AuthService::Impl::issue_tokens(const User& user, const std::string& family) {
  int64_t t = now();
  auto org = cached_organization(user.organization, t);
  if (!org.is_ok()) {
    return store_failure<TokenPair>(org.status(), AuthFailure::kUnauthenticated,
                                    kBadCredentialsMessage);
  }
  AccessClaims claims;
  claims.subject = user.id;
  claims.organization = user.organization;
  claims.role = user.role;
  std::string refresh = random_token(32);
  RefreshToken record;
  record.id = random_id("rt_");
  record.family = family;
  record.user = user.id;
  record.organization = user.organization;
  record.digest = secret_digest(refresh);
  record.created_at = t;
  record.expires_at = t + config.refresh_lifetime_seconds;
  if (Status s = store.insert_refresh_token(record); !s.is_ok()) {
    return store_failure<TokenPair>(s, AuthFailure::kUnavailable, kUnavailableMessage);
  }
  TokenPair pair;
  pair.access_token = jwt->sign(std::move(claims), t);
  pair.refresh_token = std::move(refresh);
  pair.expires_in = jwt->config().lifetime.count();
  pair.user = public_user(user);
  pair.organization = **org;
  return AuthResult<TokenPair>::of(std::move(pair));
}

AuthService::AuthService(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
AuthService::~AuthService() = default;

Result<std::unique_ptr<AuthService>> AuthService::create(PlatformStore& store,
                                                         const PlanCatalog& plans,
                                                         AuthConfig config, Now now) {
  if (config.lockout_threshold < 1 || config.lockout_seconds < 0 ||
      config.refresh_lifetime_seconds < 1 || config.cache_seconds < 0) {
    return Status::invalid(
        "auth: lockout threshold, lockout time, refresh lifetime and cache "
        "time must be positive");
  }
  auto jwt = JwtCodec::create(config.jwt);
  if (!jwt.is_ok()) return jwt.status();
  auto impl = std::make_unique<Impl>(store, plans, std::move(config), std::move(now),
                                     std::move(jwt).value());
  return std::unique_ptr<AuthService>(new AuthService(std::move(impl)));
}

PlatformStore& AuthService::store() {
  return impl_->store;
}
const PlanCatalog& AuthService::plans() const {
  return impl_->plans;
}
int64_t AuthService::now() const {
  return impl_->now();
}

AuthResult<TokenPair> AuthService::register_organization(const std::string& organization_name,
                                                         const std::string& email,
                                                         const std::string& password,
                                                         const std::string& name,
                                                         const std::string& plan, bool system_admin,
                                                         const RequestContext& ctx) {
  using R = AuthResult<TokenPair>;
  if (!valid_display_text(organization_name, 1, 200)) {
    return R::fail(AuthFailure::kInvalid,
                   "the organisation name must have 1 to 200 characters, none of them control "
                   "characters");
  }
  if (!valid_email(email)) return R::fail(AuthFailure::kInvalid, "the e-mail address is not valid");
  if (auto problem = password_problem(password)) return R::fail(AuthFailure::kInvalid, *problem);
  if (!valid_display_text(name, 0, 200)) {
    return R::fail(AuthFailure::kInvalid,
                   "the name must have at most 200 characters, none of them control characters");
  }
  std::string plan_name = plan.empty() ? "free" : plan;
  if (impl_->plans.find(plan_name) == nullptr) {
    return R::fail(AuthFailure::kInvalid, "unknown plan: " + plan_name);
  }
  std::string lower = fold_ascii_case(email);
  auto existing = impl_->store.find_user_by_email(lower);
  if (existing.is_ok()) return R::fail(AuthFailure::kConflict, kEmailTakenMessage);
  if (existing.status().code() != ErrorCode::kNotFound) {
    return store_failure<TokenPair>(existing.status(), AuthFailure::kUnavailable,
                                    kUnavailableMessage);
  }
  auto hash = impl_->hasher.hash(password);
  if (!hash.is_ok()) {
    log_store_failure(hash.status());
    return R::fail(AuthFailure::kUnavailable, kUnavailableMessage);
  }
  int64_t t = impl_->now();
  Organization org;
  org.id = random_id("org_");
  org.name = organization_name;
  org.plan = plan_name;
  org.created_at = t;
  User user;
  user.id = random_id("usr_");
  user.organization = org.id;
  user.email = lower;
  user.name = name;
  user.password_hash = std::move(hash).value();
  user.role = system_admin ? "system_admin" : "organization_admin";
  user.created_at = t;
  user.password_changed_at = t;
  if (Status s = impl_->store.create_organization(org, user); !s.is_ok()) {
    return store_failure<TokenPair>(s, AuthFailure::kUnavailable, kUnavailableMessage);
  }
  Principal who = principal_of(user);
  audit(&who, "organization.create", org.id, "success", ctx,
        "{\"name\":" + json_quote(org.name) + ",\"plan\":" + json_quote(org.plan) +
            ",\"admin\":" + json_quote(user.id) + "}");
  return impl_->issue_tokens(user, random_id("rtf_"));
}

AuthResult<TokenPair> AuthService::login(const std::string& email, const std::string& password,
                                         const RequestContext& ctx) {
  using R = AuthResult<TokenPair>;
  std::string lower = fold_ascii_case(email);
  auto found = valid_email(lower) ? impl_->store.find_user_by_email(lower)
                                  : Result<User>(Status::not_found("not an e-mail address"));
  if (!found.is_ok()) {
    if (found.status().code() != ErrorCode::kNotFound) {
      return store_failure<TokenPair>(found.status(), AuthFailure::kUnavailable,
                                      kUnavailableMessage);
    }
    impl_->hasher.verify_dummy(password.substr(0, kMaxPasswordBytes));
    audit(nullptr, "auth.login", "", "failure", ctx, "{\"reason\":\"unknown_email\"}");
    return R::fail(AuthFailure::kUnauthenticated, kLoginFailedMessage);
  }
  User user = std::move(found).value();
  Principal org_only;
  org_only.organization = user.organization;
  int64_t t = impl_->now();
  // Every path below spends one argon2 verification, so timing tells nothing about which
  // check failed.
  bool matches = password.size() <= kMaxPasswordBytes
                     ? impl_->hasher.verify(password, user.password_hash)
                     : impl_->hasher.verify_dummy(password.substr(0, kMaxPasswordBytes));
  if (user.locked_until > t) {
    audit(&org_only, "auth.login", user.id, "failure", ctx, "{\"reason\":\"locked\"}");
    return R::fail(AuthFailure::kUnauthenticated, kLoginFailedMessage);
  }
  if (!matches) {
    auto updated = impl_->store.record_login_failure(user.id, impl_->config.lockout_threshold,
                                                     impl_->config.lockout_seconds, t);
    if (!updated.is_ok()) {
      return store_failure<TokenPair>(updated.status(), AuthFailure::kUnauthenticated,
                                      kLoginFailedMessage);
    }
    bool locked = updated->locked_until > t;
    audit(&org_only, "auth.login", user.id, "failure", ctx,
          locked ? "{\"reason\":\"wrong_password\",\"locked\":true}"
                 : "{\"reason\":\"wrong_password\"}");
    return R::fail(AuthFailure::kUnauthenticated, kLoginFailedMessage);
  }
  if (Status s = impl_->store.record_login_success(user.id); !s.is_ok()) {
    return store_failure<TokenPair>(s, AuthFailure::kUnauthenticated, kLoginFailedMessage);
  }
  if (impl_->hasher.needs_rehash(user.password_hash)) {
    // Same password, stronger parameters: password_changed_at stays, so tokens issued
    // before stay valid.
    if (auto rehashed = impl_->hasher.hash(password); rehashed.is_ok()) {
      Status s = impl_->store.set_password(user.id, *rehashed, user.password_changed_at);
      if (!s.is_ok()) log_store_failure(s);
    }
  }
  Principal who = principal_of(user);
  auto pair = impl_->issue_tokens(user, random_id("rtf_"));
  audit(&who, "auth.login", user.id, pair.ok() ? "success" : "failure", ctx);
  return pair;
}

AuthResult<TokenPair> AuthService::refresh(const std::string& refresh_token,
                                           const RequestContext& ctx) {
  using R = AuthResult<TokenPair>;
  if (refresh_token.empty() || refresh_token.size() > 256) {
    return R::fail(AuthFailure::kUnauthenticated, kBadCredentialsMessage);
  }
  auto found = impl_->store.find_refresh_token(secret_digest(refresh_token));
  if (!found.is_ok()) {
    return store_failure<TokenPair>(found.status(), AuthFailure::kUnauthenticated,
                                    kBadCredentialsMessage);
  }
  const RefreshToken& token = *found;
  int64_t t = impl_->now();
  if (token.revoked_at != 0 || token.expires_at <= t) {
    return R::fail(AuthFailure::kUnauthenticated, kBadCredentialsMessage);
  }
  Principal owner;
  owner.authenticated = true;
  owner.organization = token.organization;
  owner.user = token.user;
  bool consumed = false;
  if (token.used_at == 0) {
    auto c = impl_->store.consume_refresh_token(token.id, t);
    if (!c.is_ok()) {
      return store_failure<TokenPair>(c.status(), AuthFailure::kUnauthenticated,
                                      kBadCredentialsMessage);
    }
    consumed = *c;
  }
  if (!consumed) {
    // A rotated token came back: it was copied, so nothing descended from that login is
    // trusted any more.
    if (Status s = impl_->store.revoke_refresh_family(token.family, t); !s.is_ok()) {
      log_store_failure(s);
    }
    audit(&owner, "auth.refresh_reuse", token.family, "failure", ctx);
    return R::fail(AuthFailure::kUnauthenticated, kBadCredentialsMessage);
  }
  auto user = impl_->store.get_user(token.organization, token.user);
  if (!user.is_ok() || user->deleted_at != 0) {
    if (!user.is_ok() && user.status().code() != ErrorCode::kNotFound) {
      return store_failure<TokenPair>(user.status(), AuthFailure::kUnauthenticated,
                                      kBadCredentialsMessage);
    }
    return R::fail(AuthFailure::kUnauthenticated, kBadCredentialsMessage);
  }
  auto pair = impl_->issue_tokens(*user, token.family);
  if (pair.ok()) audit(&owner, "auth.refresh", token.family, "success", ctx);
  return pair;
}

AuthResult<Done> AuthService::logout(const std::string& refresh_token, const RequestContext& ctx) {
  using R = AuthResult<Done>;
  if (refresh_token.empty() || refresh_token.size() > 256) return R::of(Done{});
  auto found = impl_->store.find_refresh_token(secret_digest(refresh_token));
  if (!found.is_ok()) {
    if (found.status().code() == ErrorCode::kNotFound) return R::of(Done{});
    return store_failure<Done>(found.status(), AuthFailure::kUnavailable, kUnavailableMessage);
  }
  if (Status s = impl_->store.revoke_refresh_family(found->family, impl_->now()); !s.is_ok()) {
    return store_failure<Done>(s, AuthFailure::kUnavailable, kUnavailableMessage);
  }
  Principal owner;
  owner.authenticated = true;
  owner.organization = found->organization;
  owner.user = found->user;
  audit(&owner, "auth.logout", found->family, "success", ctx);
  return R::of(Done{});
}

AuthResult<Done> AuthService::change_password(const Principal& who,
                                              const std::string& current_password,
                                              const std::string& new_password,
                                              const RequestContext& ctx) {
  using R = AuthResult<Done>;
  if (!who.authenticated || who.user.empty()) {
    return R::fail(AuthFailure::kUnauthenticated, "sign in to change a password");
  }
  if (!who.api_key.empty()) {
    return R::fail(AuthFailure::kForbidden, "an API key cannot change a password");
  }
  auto user = impl_->store.get_user(who.organization, who.user);
  if (!user.is_ok()) {
    return store_failure<Done>(user.status(), AuthFailure::kUnauthenticated,
                               kBadCredentialsMessage);
  }
  // Guesses here count towards the same lockout as logins, and a locked account cannot
  // change its password, so a stolen access token does not open a guessing channel.
  bool matches = current_password.size() <= kMaxPasswordBytes &&
                 impl_->hasher.verify(current_password, user->password_hash);
  const bool locked = user->locked_until > impl_->now();
  if (!matches || locked) {
    if (!matches && !locked) {
      (void)impl_->store.record_login_failure(user->id, impl_->config.lockout_threshold,
                                              impl_->config.lockout_seconds, impl_->now());
    }
    audit(&who, "auth.password_change", who.user, "failure", ctx,
          locked ? "{\"reason\":\"locked\"}" : "{\"reason\":\"wrong_current_password\"}");
    return R::fail(AuthFailure::kInvalid,
                   "the current password is wrong, or the account is locked after repeated "
                   "failures");
  }
  if (auto problem = password_problem(new_password))
    return R::fail(AuthFailure::kInvalid, *problem);
  auto hash = impl_->hasher.hash(new_password);
  if (!hash.is_ok()) {
    log_store_failure(hash.status());
    return R::fail(AuthFailure::kUnavailable, kUnavailableMessage);
  }
  int64_t t = impl_->now();
  if (Status s = impl_->store.set_password(who.user, *hash, t); !s.is_ok()) {
    return store_failure<Done>(s, AuthFailure::kUnauthenticated, kBadCredentialsMessage);
  }
  impl_->forget_user(who.user);
  if (Status s = impl_->store.revoke_user_refresh_tokens(who.user, t); !s.is_ok()) {
    log_store_failure(s);
  }
  audit(&who, "auth.password_change", who.user, "success", ctx);
  return R::of(Done{});
}

Result<int64_t> AuthService::purge_deleted_users() {
  return impl_->store.purge_deleted_users(impl_->now() - kPurgeAfterSeconds);
}

void AuthService::audit(const Principal* who, const std::string& action, const std::string& target,
                        const std::string& outcome, const RequestContext& ctx,
                        const std::string& details_json) {
  AuditEntry entry;
  entry.at = impl_->now();
  if (who != nullptr) {
    entry.organization = who->organization;
    entry.actor_user = who->user;
    entry.actor_key = who->api_key;
  }
  entry.action = action;
  entry.target = target;
  entry.outcome = outcome;
  entry.ip = ctx.ip;
  entry.user_agent = ctx.user_agent;
  entry.request_id = ctx.request_id;
  auto parsed = nlohmann::json::parse(details_json, nullptr, false);
  if (parsed.is_discarded() || !parsed.is_object()) {
    std::fprintf(stderr, "ragd: audit %s: details are not a JSON object; stored as {}\n",
                 action.c_str());
    entry.details = "{}";
  } else {
    entry.details = details_json;
  }
  auto appended = impl_->store.append_audit(entry);
  if (!appended.is_ok()) {
    std::fprintf(stderr, "ragd: audit %s could not be appended: %s\n", action.c_str(),
                 appended.status().to_string().c_str());
  }
}

}  // namespace ragd::platform
