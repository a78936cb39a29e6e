// AuthService: API keys, the users of an organisation and the organisation itself. Every
// lookup is scoped to the caller's organisation, so another organisation's ids answer
// kNotFound before any permission is considered.
#include "platform/auth_internal.h"
#include "platform/auth_service.h"
#include "platform/email_address.h"
#include "platform/secret_tokens.h"

namespace ragd::platform {
namespace {

template <typename T>
AuthResult<T> fail(AuthFailure f, std::string message) {
  return AuthResult<T>::fail(f, std::move(message));
}

template <typename T>
std::optional<AuthResult<T>> require_signed_in(const Principal& who) {
  if (!who.authenticated || who.user.empty() || who.organization.empty()) {
    return fail<T>(AuthFailure::kUnauthenticated, "sign in first");
  }
  return std::nullopt;
}

template <typename T>
AuthResult<T> no_such_user() {
  return fail<T>(AuthFailure::kNotFound, "no such user");
}

std::string json_string_list(const std::vector<std::string>& items) {
  std::string out = "[";
  for (size_t i = 0; i < items.size(); ++i) {
    if (i > 0) out += ',';
    out += json_quote(items[i]);
  }
  return out + "]";
}

// How many active users of the organisation hold an administrator's role.
Result<size_t> count_admins(PlatformStore& store, const std::string& organization) {
  auto users = store.list_users(organization);
  if (!users.is_ok()) return users.status();
  size_t n = 0;
  for (const User& u : *users) {
    if (u.deleted_at == 0 && is_admin_role(u.role)) ++n;
  }
  return n;
}

}  // namespace

AuthResult<NewApiKey> AuthService::create_api_key(const Principal& who, const std::string& name,
                                                  const std::vector<std::string>& scopes,
                                                  int64_t expires_at, const RequestContext& ctx) {
  using R = AuthResult<NewApiKey>;
  if (auto f = require_signed_in<NewApiKey>(who)) return *f;
  if (!who.api_key.empty()) {
    return R::fail(AuthFailure::kForbidden, "an API key cannot create API keys");
  }
  if (!who.can(Permission::kApiAccess)) {
    return R::fail(AuthFailure::kForbidden, "creating API keys needs the api:access permission");
  }
  if (!valid_display_text(name, 1, 100)) {
    return R::fail(AuthFailure::kInvalid,
                   "the key name must have 1 to 100 characters, none of them control characters");
  }
  if (scopes.empty()) return R::fail(AuthFailure::kInvalid, "a key needs at least one scope");
  std::string bad;
  auto parsed = parse_permissions(scopes, &bad);
  if (!parsed) return R::fail(AuthFailure::kInvalid, "unknown scope: " + bad);
  if (!who.permissions.contains_all(*parsed)) {
    return R::fail(AuthFailure::kForbidden,
                   "a key cannot hold a permission its creator does not have");
  }
  int64_t t = now();
  if (expires_at < 0 || (expires_at != 0 && expires_at <= t)) {
    return R::fail(AuthFailure::kInvalid, "the expiry must be 0 (never) or in the future");
  }
  ApiKey key;
  key.id = random_id("key_");
  key.organization = who.organization;
  key.user = who.user;
  key.name = name;
  key.scopes = parsed->names();
  key.created_at = t;
  key.expires_at = expires_at;
  std::string secret = key.id + "." + random_token(32);
  key.digest = secret_digest(secret);
  if (Status s = impl_->store.insert_api_key(key); !s.is_ok()) {
    return store_failure<NewApiKey>(s, AuthFailure::kUnavailable, kUnavailableMessage);
  }
  audit(&who, "api_key.create", key.id, "success", ctx,
        "{\"name\":" + json_quote(key.name) + ",\"scopes\":" + json_string_list(key.scopes) +
            ",\"expires_at\":" + std::to_string(key.expires_at) + "}");
  key.digest.clear();
  return R::of(NewApiKey{std::move(key), std::move(secret)});
}

AuthResult<std::vector<ApiKey>> AuthService::list_api_keys(const Principal& who) {
  using R = AuthResult<std::vector<ApiKey>>;
  if (auto f = require_signed_in<std::vector<ApiKey>>(who)) return *f;
  std::optional<std::string> only;
  if (!who.can(Permission::kOrganizationManageUsers)) only = who.user;
  auto keys = impl_->store.list_api_keys(who.organization, only);
  if (!keys.is_ok()) {
    return store_failure<std::vector<ApiKey>>(keys.status(), AuthFailure::kUnavailable,
                                              kUnavailableMessage);
  }
  for (ApiKey& k : *keys) k.digest.clear();
  return R::of(std::move(keys).value());
}

AuthResult<Done> AuthService::revoke_api_key(const Principal& who, const std::string& key_id,
                                             const RequestContext& ctx) {
  using R = AuthResult<Done>;
  if (auto f = require_signed_in<Done>(who)) return *f;
  auto key = impl_->store.get_api_key(key_id);
  if (!key.is_ok()) {
    return store_failure<Done>(key.status(), AuthFailure::kNotFound, "no such API key");
  }
  if (key->organization != who.organization) {
    return R::fail(AuthFailure::kNotFound, "no such API key");
  }
  if (key->user != who.user && !who.can(Permission::kOrganizationManageUsers)) {
    return R::fail(AuthFailure::kForbidden,
                   "only its creator or an administrator can revoke a key");
  }
  if (key->revoked_at == 0) {
    if (Status s = impl_->store.revoke_api_key(who.organization, key_id, now()); !s.is_ok()) {
      return store_failure<Done>(s, AuthFailure::kNotFound, "no such API key");
    }
  }
  impl_->keys.erase(key_id);
  audit(&who, "api_key.revoke", key_id, "success", ctx);
  return R::of(Done{});
}

AuthResult<User> AuthService::create_user(const Principal& who, const std::string& email,
                                          const std::string& password, const std::string& name,
                                          const std::string& role, const RequestContext& ctx) {
  using R = AuthResult<User>;
  if (auto f = require_signed_in<User>(who)) return *f;
  if (!who.can(Permission::kOrganizationManageUsers)) {
    return R::fail(AuthFailure::kForbidden, "adding users needs organization:manage_users");
  }
  auto parsed_role = parse_role(role);
  if (!parsed_role) return R::fail(AuthFailure::kInvalid, "unknown role: " + role);
  if (*parsed_role > who.role) {
    return R::fail(AuthFailure::kForbidden, "nobody can grant a role above their own");
  }
  if (!valid_email(email)) return R::fail(AuthFailure::kInvalid, "the e-mail address is not valid");
  if (auto problem = password_problem(password)) return R::fail(AuthFailure::kInvalid, *problem);
  if (!valid_display_text(name, 0, 200)) {
    return R::fail(AuthFailure::kInvalid,
                   "the name must have at most 200 characters, none of them control characters");
  }
  std::string lower = fold_ascii_case(email);
  auto existing = impl_->store.find_user_by_email(lower);
  if (existing.is_ok()) return R::fail(AuthFailure::kConflict, kEmailTakenMessage);
  if (existing.status().code() != ErrorCode::kNotFound) {
    return store_failure<User>(existing.status(), AuthFailure::kUnavailable, kUnavailableMessage);
  }
  auto hash = impl_->hasher.hash(password);
  if (!hash.is_ok()) {
    log_store_failure(hash.status());
    return R::fail(AuthFailure::kUnavailable, kUnavailableMessage);
  }
  int64_t t = now();
  User user;
  user.id = random_id("usr_");
  user.organization = who.organization;
  user.email = lower;
  user.name = name;
  user.password_hash = std::move(hash).value();
  user.role = role_name(*parsed_role);
  user.created_at = t;
  user.password_changed_at = t;
  if (Status s = impl_->store.create_user(user); !s.is_ok()) {
    return store_failure<User>(s, AuthFailure::kUnavailable, kUnavailableMessage);
  }
  audit(&who, "user.create", user.id, "success", ctx, "{\"role\":" + json_quote(user.role) + "}");
  return R::of(public_user(std::move(user)));
}

AuthResult<std::vector<User>> AuthService::list_users(const Principal& who) {
  using R = AuthResult<std::vector<User>>;
  if (auto f = require_signed_in<std::vector<User>>(who)) return *f;
  if (!who.can(Permission::kOrganizationRead)) {
    return R::fail(AuthFailure::kForbidden, "listing users needs organization:read");
  }
  auto users = impl_->store.list_users(who.organization);
  if (!users.is_ok()) {
    return store_failure<std::vector<User>>(users.status(), AuthFailure::kUnavailable,
                                            kUnavailableMessage);
  }
  std::vector<User> out;
  out.reserve(users->size());
  for (User& u : *users) {
    if (u.deleted_at == 0) out.push_back(public_user(std::move(u)));
  }
  return R::of(std::move(out));
}

AuthResult<User> AuthService::get_user(const Principal& who, const std::string& user_id) {
  using R = AuthResult<User>;
  if (auto f = require_signed_in<User>(who)) return *f;
  auto user = impl_->store.get_user(who.organization, user_id);
  if (!user.is_ok())
    return store_failure<User>(user.status(), AuthFailure::kNotFound, "no such user");
  if (user->organization != who.organization || user->deleted_at != 0) return no_such_user<User>();
  bool self = user_id == who.user;
  if (self ? !who.can(Permission::kProfileReadOwn) : !who.can(Permission::kOrganizationRead)) {
    return R::fail(AuthFailure::kForbidden, "reading this user needs organization:read");
  }
  return R::of(public_user(std::move(user).value()));
}

AuthResult<User> AuthService::update_user(const Principal& who, const std::string& user_id,
                                          const std::optional<std::string>& name,
                                          const std::optional<std::string>& role,
                                          const RequestContext& ctx) {
  using R = AuthResult<User>;
  if (auto f = require_signed_in<User>(who)) return *f;
  std::lock_guard lock(impl_->admin_mu);
  auto found = impl_->store.get_user(who.organization, user_id);
  if (!found.is_ok()) {
    return store_failure<User>(found.status(), AuthFailure::kNotFound, "no such user");
  }
  User user = std::move(found).value();
  if (user.organization != who.organization || user.deleted_at != 0) return no_such_user<User>();
  bool self = user_id == who.user;
  if (name) {
    if (self ? !who.can(Permission::kProfileUpdateOwn)
             : !who.can(Permission::kOrganizationManageUsers)) {
      return R::fail(AuthFailure::kForbidden, "changing this user needs organization:manage_users");
    }
    if (!valid_display_text(*name, 0, 200)) {
      return R::fail(AuthFailure::kInvalid,
                     "the name must have at most 200 characters, none of them control characters");
    }
  }
  std::string old_role = user.role;
  if (role) {
    if (!who.can(Permission::kOrganizationManageUsers)) {
      return R::fail(AuthFailure::kForbidden, "changing roles needs organization:manage_users");
    }
    auto new_role = parse_role(*role);
    if (!new_role) return R::fail(AuthFailure::kInvalid, "unknown role: " + *role);
    auto current = parse_role(user.role);
    if (*new_role > who.role || !current || *current > who.role) {
      return R::fail(AuthFailure::kForbidden, "nobody can grant or change a role above their own");
    }
    if (is_admin_role(user.role) && !is_admin_role(role_name(*new_role))) {
      auto admins = count_admins(impl_->store, who.organization);
      if (!admins.is_ok()) {
        return store_failure<User>(admins.status(), AuthFailure::kUnavailable, kUnavailableMessage);
      }
      if (*admins <= 1) {
        return R::fail(AuthFailure::kConflict,
                       "an organisation must keep at least one organization_admin");
      }
    }
    user.role = role_name(*new_role);
  }
  bool name_changed = name && *name != user.name;
  if (name) user.name = *name;
  bool role_changed = user.role != old_role;
  if (!name_changed && !role_changed) return R::of(public_user(std::move(user)));
  if (Status s = impl_->store.update_user_profile(user); !s.is_ok()) {
    return store_failure<User>(s, AuthFailure::kNotFound, "no such user");
  }
  impl_->forget_user(user.id);
  if (role_changed) {
    audit(&who, "user.role_change", user.id, "success", ctx,
          "{\"from\":" + json_quote(old_role) + ",\"to\":" + json_quote(user.role) + "}");
  }
  if (name_changed) audit(&who, "user.update", user.id, "success", ctx, "{\"name\":true}");
  return R::of(public_user(std::move(user)));
}

AuthResult<Done> AuthService::delete_user(const Principal& who, const std::string& user_id,
                                          const RequestContext& ctx) {
  using R = AuthResult<Done>;
  if (auto f = require_signed_in<Done>(who)) return *f;
  std::lock_guard lock(impl_->admin_mu);
  auto found = impl_->store.get_user(who.organization, user_id);
  if (!found.is_ok()) {
    return store_failure<Done>(found.status(), AuthFailure::kNotFound, "no such user");
  }
  if (found->organization != who.organization || found->deleted_at != 0) {
    return no_such_user<Done>();
  }
  if (user_id == who.user) {
    if (!who.can(Permission::kProfileUpdateOwn)) {
      return R::fail(AuthFailure::kForbidden, "deleting your account needs profile:update_own");
    }
  } else {
    auto target_role = parse_role(found->role);
    if (!who.can(Permission::kOrganizationManageUsers)) {
      return R::fail(AuthFailure::kForbidden, "deleting users needs organization:manage_users");
    }
    if (!target_role || *target_role > who.role) {
      return R::fail(AuthFailure::kForbidden, "nobody can delete a user above their own role");
    }
  }
  if (is_admin_role(found->role)) {
    auto admins = count_admins(impl_->store, who.organization);
    if (!admins.is_ok()) {
      return store_failure<Done>(admins.status(), AuthFailure::kUnavailable, kUnavailableMessage);
    }
    if (*admins <= 1) {
      return R::fail(AuthFailure::kConflict,
                     "an organisation must keep at least one organization_admin");
    }
  }
  if (Status s = impl_->store.mark_user_deleted(who.organization, user_id, now()); !s.is_ok()) {
    return store_failure<Done>(s, AuthFailure::kNotFound, "no such user");
  }
  impl_->forget_user(user_id);
  audit(&who, "user.delete", user_id, "success", ctx);
  return R::of(Done{});
}

AuthResult<Organization> AuthService::organization(const Principal& who) {
  using R = AuthResult<Organization>;
  if (auto f = require_signed_in<Organization>(who)) return *f;
  if (!who.can(Permission::kOrganizationRead)) {
    return R::fail(AuthFailure::kForbidden, "reading the organisation needs organization:read");
  }
  auto org = impl_->store.get_organization(who.organization);
  if (!org.is_ok()) {
    return store_failure<Organization>(org.status(), AuthFailure::kNotFound,
                                       "no such organisation");
  }
  return R::of(std::move(org).value());
}

AuthResult<Organization> AuthService::update_organization(const Principal& who,
                                                          const std::optional<std::string>& name,
                                                          const std::optional<std::string>& plan,
                                                          const RequestContext& ctx) {
  using R = AuthResult<Organization>;
  if (auto f = require_signed_in<Organization>(who)) return *f;
  if (name && !who.can(Permission::kOrganizationUpdate)) {
    return R::fail(AuthFailure::kForbidden, "renaming the organisation needs organization:update");
  }
  if (plan && !who.can(Permission::kBillingUpdate)) {
    return R::fail(AuthFailure::kForbidden, "changing the plan needs billing:update");
  }
  if (name && !valid_display_text(*name, 1, 200)) {
    return R::fail(AuthFailure::kInvalid,
                   "the organisation name must have 1 to 200 characters, none of them control "
                   "characters");
  }
  if (plan && impl_->plans.find(*plan) == nullptr) {
    return R::fail(AuthFailure::kInvalid, "unknown plan: " + *plan);
  }
  auto found = impl_->store.get_organization(who.organization);
  if (!found.is_ok()) {
    return store_failure<Organization>(found.status(), AuthFailure::kNotFound,
                                       "no such organisation");
  }
  Organization org = std::move(found).value();
  std::string details;
  if (name && *name != org.name) {
    details += "\"name\":{\"from\":" + json_quote(org.name) + ",\"to\":" + json_quote(*name) + "}";
    org.name = *name;
  }
  if (plan && *plan != org.plan) {
    if (!details.empty()) details += ',';
    details += "\"plan\":{\"from\":" + json_quote(org.plan) + ",\"to\":" + json_quote(*plan) + "}";
    org.plan = *plan;
  }
  if (details.empty()) return R::of(std::move(org));
  if (Status s = impl_->store.update_organization(org); !s.is_ok()) {
    return store_failure<Organization>(s, AuthFailure::kNotFound, "no such organisation");
  }
  impl_->organizations.erase(org.id);
  audit(&who, "organization.update", org.id, "success", ctx, "{" + details + "}");
  return R::of(std::move(org));
}

void AuthService::forget_organization(const std::string& organization_id) {
  impl_->organizations.erase(organization_id);
}

}  // namespace ragd::platform
