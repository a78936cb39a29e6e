// AuthService::authenticate and the caches it reads: the per-request path. Once a user,
// organisation or API key is cached, a request costs a JWT verification or one SHA-256,
// a few hash-map lookups under shared locks and the Principal's strings; no store access
// (except an API key's last_used_at, written at most once a minute).
#include <algorithm>

#include "platform/auth_internal.h"
#include "platform/secret_tokens.h"

namespace ragd::platform {

Result<std::shared_ptr<const User>> AuthService::Impl::cached_user(std::string_view organization,
                                                                   std::string_view id,
                                                                   int64_t now) {
  auto hit = users.get(id, now);
  if (!hit) {
    auto loaded = store.get_user(std::string(organization), std::string(id));
    if (!loaded.is_ok()) return loaded.status();
    User user = public_user(std::move(loaded).value());
    hit = std::make_shared<const User>(std::move(user));
    users.put(std::string(id), hit, now + config.cache_seconds, now);
  }
  if (hit->organization != organization || hit->deleted_at != 0) {
    return Status::not_found("no such user");
  }
  return hit;
}

Result<std::shared_ptr<const Organization>> AuthService::Impl::cached_organization(
    std::string_view id, int64_t now) {
  if (auto hit = organizations.get(id, now)) return hit;
  auto loaded = store.get_organization(std::string(id));
  if (!loaded.is_ok()) return loaded.status();
  auto value = std::make_shared<const Organization>(std::move(loaded).value());
  organizations.put(std::string(id), value, now + config.cache_seconds, now);
  return value;
}

Result<std::shared_ptr<const CachedKey>> AuthService::Impl::cached_key(std::string_view id,
                                                                       int64_t now) {
  if (auto hit = keys.get(id, now)) return hit;
  auto loaded = store.get_api_key(std::string(id));
  if (!loaded.is_ok()) return loaded.status();
  std::string bad;
  auto scopes = parse_permissions(loaded->scopes, &bad);
  // A scope this build does not know grants nothing (it may come from a newer node).
  auto value = std::make_shared<const CachedKey>(std::move(loaded).value(),
                                                 scopes ? *scopes : PermissionSet());
  keys.put(std::string(id), value, now + config.cache_seconds, now);
  return value;
}

namespace {

AuthResult<Principal> unauthenticated() {
  return AuthResult<Principal>::fail(AuthFailure::kUnauthenticated, kBadCredentialsMessage);
}

// kNotFound means the credential names nothing that exists (401); anything else is the
// store failing (503).
AuthResult<Principal> lookup_failure(const Status& status) {
  return store_failure<Principal>(status, AuthFailure::kUnauthenticated, kBadCredentialsMessage);
}

}  // namespace

AuthResult<Principal> AuthService::authenticate(const std::string& bearer) {
  if (bearer.empty() || bearer.size() > 8192) return unauthenticated();
  Impl& impl = *impl_;
  int64_t t = impl.now();
  auto dots = std::count(bearer.begin(), bearer.end(), '.');
  Principal p;
  p.authenticated = true;
  if (dots == 2) {
    auto claims = impl.jwt->verify(bearer, t);
    if (!claims.is_ok()) return unauthenticated();
    auto user = impl.cached_user(claims->organization, claims->subject, t);
    if (!user.is_ok()) return lookup_failure(user.status());
    if (claims->issued_at < (*user)->password_changed_at) return unauthenticated();
    auto role = parse_role((*user)->role);
    if (!role) return unauthenticated();
    auto org = impl.cached_organization((*user)->organization, t);
    if (!org.is_ok()) return lookup_failure(org.status());
    p.organization = std::move(claims->organization);
    p.user = std::move(claims->subject);
    p.role = *role;
    p.permissions = permissions_of(*role);
    p.plan = (*org)->plan;
    return AuthResult<Principal>::of(std::move(p));
  }
  if (dots != 1 || bearer.compare(0, 4, "key_") != 0) return unauthenticated();
  std::string_view id(bearer.data(), bearer.find('.'));
  auto key = impl.cached_key(id, t);
  if (!key.is_ok()) return lookup_failure(key.status());
  const CachedKey& cached = **key;
  if (!constant_time_equal(secret_digest(bearer), cached.key.digest)) return unauthenticated();
  if (cached.key.revoked_at != 0) return unauthenticated();
  if (cached.key.expires_at != 0 && cached.key.expires_at <= t) return unauthenticated();
  auto creator = impl.cached_user(cached.key.organization, cached.key.user, t);
  if (!creator.is_ok()) return lookup_failure(creator.status());
  auto role = parse_role((*creator)->role);
  if (!role) return unauthenticated();
  auto org = impl.cached_organization(cached.key.organization, t);
  if (!org.is_ok()) return lookup_failure(org.status());
  int64_t last = cached.last_touch.load(std::memory_order_relaxed);
  if (t - last >= kApiKeyTouchSeconds &&
      cached.last_touch.compare_exchange_strong(last, t, std::memory_order_relaxed)) {
    if (Status s = impl.store.touch_api_key(cached.key.id, t); !s.is_ok()) log_store_failure(s);
  }
  p.organization = cached.key.organization;
  p.user = cached.key.user;
  p.api_key = cached.key.id;
  p.role = *role;
  p.permissions = permissions_of(*role).intersect(cached.scopes);
  p.plan = (*org)->plan;
  return AuthResult<Principal>::of(std::move(p));
}

}  // namespace ragd::platform
