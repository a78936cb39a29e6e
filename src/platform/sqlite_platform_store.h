// SqlitePlatformStore: PlatformStore on one SQLite file (WAL, foreign keys on, 5-second busy
// timeout). Private to src/platform; others use open_sqlite_platform_store().
//
// One connection serves every thread, guarded by a mutex: every call is a few short
// statements, so there is nothing to gain from a pool on one node. Hot statements are
// prepared once and kept; the admin queries (audit, reports) are prepared per call from
// fixed fragments. Every value is bound as a parameter.
// Thread-safety: every public method may be called from any thread.
#pragma once

#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "platform/platform_sqlite_errors.h"
#include "platform/platform_store.h"
#include "sqlite/statement.h"

namespace ragd::platform {

class SqlitePlatformStore final : public PlatformStore {
 public:
  static Result<std::unique_ptr<PlatformStore>> open(const std::string& path);
  ~SqlitePlatformStore() override;

  Status create_organization(const Organization& org, const User& first_user) override;
  Result<Organization> get_organization(const std::string& id) override;
  Result<std::vector<Organization>> list_organizations() override;
  Status update_organization(const Organization& org) override;

  Status create_user(const User& user) override;
  Result<User> get_user(const std::string& organization, const std::string& id) override;
  Result<User> find_user_by_email(const std::string& email) override;
  Result<std::vector<User>> list_users(const std::string& organization) override;
  Result<std::vector<User>> list_all_users() override;
  Status update_user_profile(const User& user) override;
  Status set_password(const std::string& user, const std::string& hash, int64_t at) override;
  Result<User> record_login_failure(const std::string& user, int threshold, int64_t lock_seconds,
                                    int64_t now) override;
  Status record_login_success(const std::string& user) override;
  Status mark_user_deleted(const std::string& organization, const std::string& user,
                           int64_t now) override;
  Result<int64_t> purge_deleted_users(int64_t deleted_before) override;

  Status insert_refresh_token(const RefreshToken& token) override;
  Result<RefreshToken> find_refresh_token(const std::string& digest) override;
  Result<bool> consume_refresh_token(const std::string& id, int64_t now) override;
  Status revoke_refresh_family(const std::string& family, int64_t now) override;
  Status revoke_user_refresh_tokens(const std::string& user, int64_t now) override;

  Status insert_api_key(const ApiKey& key) override;
  Result<ApiKey> get_api_key(const std::string& id) override;
  Result<std::vector<ApiKey>> list_api_keys(const std::string& organization,
                                            const std::optional<std::string>& user) override;
  Status revoke_api_key(const std::string& organization, const std::string& id,
                        int64_t now) override;
  Status touch_api_key(const std::string& id, int64_t now) override;

  Status record_usage(const std::vector<UsageRecord>& records) override;
  Result<int64_t> usage_total(const std::string& organization, const std::string& meter,
                              int64_t from, int64_t to) override;
  Result<std::vector<UsageRow>> usage_report(const UsageQuery& query) override;

  Result<int64_t> append_audit(const AuditEntry& entry) override;
  Result<std::vector<AuditEntry>> query_audit(const AuditQuery& query) override;

 private:
  explicit SqlitePlatformStore(sqlite3* db) : db_(db) {}

  // The kept statement for `sql`, a string literal (it is the cache key), prepared on
  // first use. Called with mutex_ held.
  Result<Statement*> statement(std::string_view sql);
  // Runs `sql` with `values` bound; returns the number of rows changed. mutex_ held.
  template <typename... Values>
  Result<int64_t> execute(std::string_view sql, std::string_view what, const Values&... values) {
    auto prepared = statement(sql);
    if (!prepared) return prepared.status();
    Statement& s = **prepared;
    StatementReset reset(s);
    RAGD_RETURN_IF_ERROR(s.bind_all(values...));
    RAGD_RETURN_IF_ERROR(s.run(what));
    return s.changes();
  }
  // Runs `work` inside BEGIN IMMEDIATE ... COMMIT, rolling back when it fails. mutex_ held.
  Status atomically(std::string_view what, const std::function<Status()>& work);
  // Reads users matching `sql` bound to `values`. mutex_ held.
  Result<std::vector<User>> select_users(std::string_view sql, const std::string* value);
  Status insert_user_locked(const User& user);

  std::mutex mutex_;
  sqlite3* db_ = nullptr;
  std::unordered_map<std::string_view, Statement> statements_;
};

// Lower-cases ASCII letters (e-mail addresses are compared case-insensitively).
std::string lower_ascii(std::string_view text);
// The status of an UPDATE that must match a row: kNotFound (`missing`) when none changed.
Status changed_one(const Result<int64_t>& changed, const char* missing);
// Reads the columns RAGD_USER_COLUMNS of the current row of `s`.
User read_user(const Statement& s);

}  // namespace ragd::platform
