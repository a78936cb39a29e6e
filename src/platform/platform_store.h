// PlatformStore: the system of record for the platform — organisations, users, refresh
// tokens, API keys, metering records and the audit log. The interface is what the platform
// codes against; SqlitePlatformStore (<data>/platform.db, WAL) serves one node, and a
// PostgreSQL implementation will fill it for several.
//
// Contract:
// - Every query about an organisation's objects takes the organisation id and matches on it;
//   an object of another organisation is reported exactly like a missing one (kNotFound).
// - Secrets are never stored: password hashes (argon2id PHC strings) and SHA-256 digests of
//   refresh tokens and API keys only.
// - The audit log is append-only: the schema refuses UPDATE and DELETE of its rows.
// - Times are seconds since the Unix epoch (UTC). E-mail addresses are stored lower-cased
//   and are unique across the deployment.
// - Errors: kNotFound, kAlreadyExists (duplicate e-mail), kInvalidArgument, kIo/kBusy when
//   the database fails (callers answer 503 without detail).
// Thread-safety: every method may be called from any thread.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "common/status.h"

namespace ragd::platform {

struct Organization {
  std::string id;  // "org_..."
  std::string name;
  std::string plan = "free";
  int64_t created_at = 0;
};

struct User {
  std::string id;  // "usr_..."
  std::string organization;
  std::string email;  // lower case
  std::string name;
  std::string password_hash;
  std::string role = "user";
  int64_t created_at = 0;
  int64_t password_changed_at = 0;
  int failed_logins = 0;        // consecutive failures since the last success or lockout
  int64_t locked_until = 0;     // 0: not locked
  int64_t deleted_at = 0;       // 0: active; else hidden, personal data purged 30 days later
};

struct RefreshToken {
  std::string id;         // "rt_..."
  std::string family;     // the login it descends from; reuse revokes the whole family
  std::string user;
  std::string organization;
  std::string digest;     // SHA-256 hex of the opaque token
  int64_t created_at = 0;
  int64_t expires_at = 0;
  int64_t used_at = 0;     // rotated: exchanged once for a successor
  int64_t revoked_at = 0;
};

struct ApiKey {
  std::string id;  // "key_...", also the visible prefix of the key
  std::string organization;
  std::string user;  // the creator; the key acts with at most their permissions
  std::string name;
  std::string digest;  // SHA-256 hex of the whole key
  std::vector<std::string> scopes;  // permission names
  int64_t created_at = 0;
  int64_t expires_at = 0;    // 0: never
  int64_t last_used_at = 0;  // 0: never used
  int64_t revoked_at = 0;
};

struct UsageRecord {
  std::string organization;
  std::string user;     // "" when not attributable to a user
  std::string api_key;  // "" unless the request came with an API key
  std::string meter;    // quota_ledger.h meter names
  int64_t amount = 0;
  int64_t at = 0;
  std::string request_id;
};

struct UsageRow {  // one line of a usage report
  std::string user;  // "" in organisation totals
  std::string day;   // "YYYY-MM-DD" when grouped by day, else ""
  std::string meter;
  int64_t amount = 0;
};

struct UsageQuery {
  std::string organization;
  std::optional<std::string> user;  // only this user's records
  int64_t from = 0;                 // inclusive
  int64_t to = 0;                   // exclusive
  bool by_user = false;
  bool by_day = false;
};

struct AuditEntry {
  int64_t id = 0;  // assigned on append, increasing
  int64_t at = 0;
  std::string organization;  // "" for events without one (e.g. a login for an unknown e-mail)
  std::string actor_user;
  std::string actor_key;
  std::string action;  // e.g. "auth.login", "api_key.create", "document.upload"
  std::string target;  // what it acted on (an id or name), may be ""
  std::string outcome;  // "success", "failure" or "denied"
  std::string ip;
  std::string user_agent;
  std::string request_id;
  std::string details;  // a JSON object as text, "{}" when none
};

struct AuditQuery {
  std::optional<std::string> organization;  // nullopt: every organisation (system admins)
  std::optional<std::string> actor_user;
  std::optional<std::string> action;        // exact, or a prefix ending in '.' ("auth.")
  int64_t since = 0;                        // inclusive; 0: no bound
  int64_t until = 0;                        // exclusive; 0: no bound
  int64_t before_id = 0;                    // paging: entries with id < before_id; 0: none
  size_t limit = 100;
};

class PlatformStore {
 public:
  virtual ~PlatformStore() = default;

  // Organisations and their first user, created together (one transaction): the user gets
  // role organization_admin unless `first_user.role` says otherwise.
  virtual Status create_organization(const Organization& org, const User& first_user) = 0;
  virtual Result<Organization> get_organization(const std::string& id) = 0;
  virtual Result<std::vector<Organization>> list_organizations() = 0;
  virtual Status update_organization(const Organization& org) = 0;  // name and plan

  // Users. get_user/find_user_by_email report deleted users as kNotFound.
  virtual Status create_user(const User& user) = 0;
  virtual Result<User> get_user(const std::string& organization, const std::string& id) = 0;
  virtual Result<User> find_user_by_email(const std::string& email) = 0;
  virtual Result<std::vector<User>> list_users(const std::string& organization) = 0;
  virtual Result<std::vector<User>> list_all_users() = 0;  // every organisation's
  virtual Status update_user_profile(const User& user) = 0;  // name and role
  virtual Status set_password(const std::string& user, const std::string& hash, int64_t at) = 0;
  // Counts a failed login; at `threshold` consecutive failures the account locks until
  // now + lock_seconds and the count restarts. Returns the user as updated.
  virtual Result<User> record_login_failure(const std::string& user, int threshold,
                                            int64_t lock_seconds, int64_t now) = 0;
  virtual Status record_login_success(const std::string& user) = 0;
  // Hides the user at once (deleted_at = now) and revokes their refresh tokens and API keys.
  virtual Status mark_user_deleted(const std::string& organization, const std::string& user,
                                   int64_t now) = 0;
  // Removes the personal data (e-mail, name, password hash) of users deleted before
  // `deleted_before`; returns how many were purged.
  virtual Result<int64_t> purge_deleted_users(int64_t deleted_before) = 0;

  // Refresh tokens.
  virtual Status insert_refresh_token(const RefreshToken& token) = 0;
  virtual Result<RefreshToken> find_refresh_token(const std::string& digest) = 0;
  // Marks the token used if it is neither used nor revoked; false when it already was (the
  // caller treats that as reuse). Atomic: of two concurrent calls, one gets true.
  virtual Result<bool> consume_refresh_token(const std::string& id, int64_t now) = 0;
  virtual Status revoke_refresh_family(const std::string& family, int64_t now) = 0;
  virtual Status revoke_user_refresh_tokens(const std::string& user, int64_t now) = 0;

  // API keys.
  virtual Status insert_api_key(const ApiKey& key) = 0;
  virtual Result<ApiKey> get_api_key(const std::string& id) = 0;  // any organisation's
  // The organisation's keys; only `user`'s when given. Revoked keys included.
  virtual Result<std::vector<ApiKey>> list_api_keys(const std::string& organization,
                                                    const std::optional<std::string>& user) = 0;
  virtual Status revoke_api_key(const std::string& organization, const std::string& id,
                                int64_t now) = 0;
  virtual Status touch_api_key(const std::string& id, int64_t now) = 0;  // last_used_at

  // Metering: all records of one request in one transaction.
  virtual Status record_usage(const std::vector<UsageRecord>& records) = 0;
  // Sum of one meter's records in [from, to).
  virtual Result<int64_t> usage_total(const std::string& organization, const std::string& meter,
                                      int64_t from, int64_t to) = 0;
  virtual Result<std::vector<UsageRow>> usage_report(const UsageQuery& query) = 0;

  // Audit log.
  virtual Result<int64_t> append_audit(const AuditEntry& entry) = 0;  // the new id
  // Newest first.
  virtual Result<std::vector<AuditEntry>> query_audit(const AuditQuery& query) = 0;
};

// Opens (creating and migrating) <path>, a SQLite database. kCorruption when it is not a
// platform database; kInvalidArgument for a database from a newer ragd.
Result<std::unique_ptr<PlatformStore>> open_sqlite_platform_store(const std::string& path);

}  // namespace ragd::platform
