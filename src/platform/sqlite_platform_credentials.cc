// SqlitePlatformStore: refresh tokens and API keys.
#include <nlohmann/json.hpp>

#include "platform/sqlite_platform_store.h"

namespace ragd::platform {
namespace {

#define RAGD_TOKEN_COLUMNS \
  "id, family, user_id, organization_id, digest, created_at, expires_at, used_at, revoked_at"

#define RAGD_KEY_COLUMNS                                                              \
  "id, organization_id, user_id, name, digest, scopes_json, created_at, expires_at, " \
  "last_used_at, revoked_at"

RefreshToken read_token(const Statement& s) {
  RefreshToken token;
  token.id = s.column_text(0);
  token.family = s.column_text(1);
  token.user = s.column_text(2);
  token.organization = s.column_text(3);
  token.digest = s.column_text(4);
  token.created_at = s.column_int64(5);
  token.expires_at = s.column_int64(6);
  token.used_at = s.column_int64(7);
  token.revoked_at = s.column_int64(8);
  return token;
}

std::string scopes_to_json(const std::vector<std::string>& scopes) {
  // Invalid UTF-8 is replaced rather than thrown: scopes are permission names anyway.
  return nlohmann::json(scopes).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

Result<ApiKey> read_key(const Statement& s) {
  ApiKey key;
  key.id = s.column_text(0);
  key.organization = s.column_text(1);
  key.user = s.column_text(2);
  key.name = s.column_text(3);
  key.digest = s.column_text(4);
  auto scopes = nlohmann::json::parse(s.column_text(5), nullptr, /*allow_exceptions=*/false);
  if (!scopes.is_array()) return Status::corruption("platform database: unreadable API key scopes");
  for (const auto& scope : scopes) {
    if (!scope.is_string()) {
      return Status::corruption("platform database: unreadable API key scopes");
    }
    key.scopes.push_back(scope.get<std::string>());
  }
  key.created_at = s.column_int64(6);
  key.expires_at = s.column_int64(7);
  key.last_used_at = s.column_int64(8);
  key.revoked_at = s.column_int64(9);
  return key;
}

}  // namespace

// ---- refresh tokens

Status SqlitePlatformStore::insert_refresh_token(const RefreshToken& token) {
  if (token.id.empty() || token.family.empty() || token.digest.empty()) {
    return Status::invalid("a refresh token needs an id, a family and a digest");
  }
  std::lock_guard lock(mutex_);
  return execute("INSERT INTO refresh_tokens(" RAGD_TOKEN_COLUMNS
                 ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                 "cannot store the refresh token", token.id, token.family, token.user,
                 token.organization, token.digest, token.created_at, token.expires_at,
                 token.used_at, token.revoked_at)
      .status();
}

Result<RefreshToken> SqlitePlatformStore::find_refresh_token(const std::string& digest) {
  std::lock_guard lock(mutex_);
  auto prepared = statement("SELECT " RAGD_TOKEN_COLUMNS " FROM refresh_tokens WHERE digest = ?");
  if (!prepared) return prepared.status();
  Statement& s = **prepared;
  StatementReset reset(s);
  RAGD_RETURN_IF_ERROR(s.bind_all(digest));
  auto row = s.step("cannot read the refresh token");
  if (!row) return row.status();
  if (!*row) return Status::not_found("no such refresh token");
  return read_token(s);
}

Result<bool> SqlitePlatformStore::consume_refresh_token(const std::string& id, int64_t now) {
  std::lock_guard lock(mutex_);
  auto changed = execute(
      "UPDATE refresh_tokens SET used_at = ?2 WHERE id = ?1 AND used_at = 0 AND revoked_at = 0",
      "cannot use the refresh token", id, now);
  if (!changed) return changed.status();
  return *changed == 1;
}

Status SqlitePlatformStore::revoke_refresh_family(const std::string& family, int64_t now) {
  std::lock_guard lock(mutex_);
  return execute("UPDATE refresh_tokens SET revoked_at = ?2 WHERE family = ?1 AND revoked_at = 0",
                 "cannot revoke the refresh tokens", family, now)
      .status();
}

Status SqlitePlatformStore::revoke_user_refresh_tokens(const std::string& user, int64_t now) {
  std::lock_guard lock(mutex_);
  return execute("UPDATE refresh_tokens SET revoked_at = ?2 WHERE user_id = ?1 AND revoked_at = 0",
                 "cannot revoke the refresh tokens", user, now)
      .status();
}

// ---- API keys

Status SqlitePlatformStore::insert_api_key(const ApiKey& key) {
  if (key.id.empty() || key.digest.empty()) {
    return Status::invalid("an API key needs an id and a digest");
  }
  std::lock_guard lock(mutex_);
  return execute("INSERT INTO api_keys(" RAGD_KEY_COLUMNS ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                 "cannot store the API key", key.id, key.organization, key.user, key.name,
                 key.digest, scopes_to_json(key.scopes), key.created_at, key.expires_at,
                 key.last_used_at, key.revoked_at)
      .status();
}

Result<ApiKey> SqlitePlatformStore::get_api_key(const std::string& id) {
  std::lock_guard lock(mutex_);
  auto prepared = statement("SELECT " RAGD_KEY_COLUMNS " FROM api_keys WHERE id = ?");
  if (!prepared) return prepared.status();
  Statement& s = **prepared;
  StatementReset reset(s);
  RAGD_RETURN_IF_ERROR(s.bind_all(id));
  auto row = s.step("cannot read the API key");
  if (!row) return row.status();
  if (!*row) return Status::not_found("no such API key");
  return read_key(s);
}

Result<std::vector<ApiKey>> SqlitePlatformStore::list_api_keys(
    const std::string& organization, const std::optional<std::string>& user) {
  std::lock_guard lock(mutex_);
  auto prepared = statement("SELECT " RAGD_KEY_COLUMNS
                            " FROM api_keys WHERE organization_id = ?1"
                            " AND (?2 IS NULL OR user_id = ?2) ORDER BY created_at, id");
  if (!prepared) return prepared.status();
  Statement& s = **prepared;
  StatementReset reset(s);
  RAGD_RETURN_IF_ERROR(s.bind_all(organization, user));
  std::vector<ApiKey> out;
  while (true) {
    auto row = s.step("cannot list API keys");
    if (!row) return row.status();
    if (!*row) break;
    auto key = read_key(s);
    if (!key) return key.status();
    out.push_back(std::move(*key));
  }
  return out;
}

Status SqlitePlatformStore::revoke_api_key(const std::string& organization, const std::string& id,
                                           int64_t now) {
  std::lock_guard lock(mutex_);
  // Revoking twice keeps the first revocation time.
  return changed_one(execute("UPDATE api_keys SET revoked_at = "
                             "CASE WHEN revoked_at = 0 THEN ?3 ELSE revoked_at END "
                             "WHERE id = ?1 AND organization_id = ?2",
                             "cannot revoke the API key", id, organization, now),
                     "no such API key");
}

Status SqlitePlatformStore::touch_api_key(const std::string& id, int64_t now) {
  std::lock_guard lock(mutex_);
  return changed_one(execute("UPDATE api_keys SET last_used_at = ?2 WHERE id = ?1",
                             "cannot record the API key's use", id, now),
                     "no such API key");
}

}  // namespace ragd::platform
