// SqlitePlatformStore: opening, transactions, organisations and users. Refresh tokens and API
// keys are in sqlite_platform_credentials.cc, usage and audit in sqlite_platform_records.cc.
#include "platform/sqlite_platform_store.h"

#include <sqlite3.h>

#include <exception>

#include "platform/platform_schema.h"

namespace ragd::platform {
namespace {

constexpr int kBusyTimeoutMs = 5000;

constexpr char kConnectionPragmas[] =
    "PRAGMA foreign_keys = ON;"
    "PRAGMA synchronous = NORMAL;"
    "PRAGMA temp_store = MEMORY;";

// The columns read_user() expects, in order.
#define RAGD_USER_COLUMNS                                                                    \
  "id, organization_id, email, name, password_hash, role, created_at, password_changed_at, " \
  "failed_logins, locked_until, deleted_at"

Status enable_wal(sqlite3* db, const std::string& path) {
  // The first statement to read the file: a damaged or foreign file fails here.
  auto pragma = Statement::prepare(db, "PRAGMA journal_mode = WAL", platform_sqlite_status);
  if (!pragma) return pragma.status();
  auto row = pragma->step("cannot open the database");
  if (!row) return row.status();
  std::string mode = *row ? pragma->column_text(0) : std::string();
  if (mode != "wal" && mode != "memory") {
    return Status::io("cannot enable write-ahead logging on '" + path +
                      "': put the platform database on a local file system");
  }
  return Status::ok();
}

Organization read_organization(const Statement& s) {
  Organization org;
  org.id = s.column_text(0);
  org.name = s.column_text(1);
  org.plan = s.column_text(2);
  org.created_at = s.column_int64(3);
  return org;
}

}  // namespace

Status changed_one(const Result<int64_t>& changed, const char* missing) {
  if (!changed) return changed.status();
  if (*changed == 0) return Status::not_found(missing);
  return Status::ok();
}

std::string lower_ascii(std::string_view text) {
  std::string out(text);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

User read_user(const Statement& s) {
  User user;
  user.id = s.column_text(0);
  user.organization = s.column_text(1);
  user.email = s.column_text(2);
  user.name = s.column_text(3);
  user.password_hash = s.column_text(4);
  user.role = s.column_text(5);
  user.created_at = s.column_int64(6);
  user.password_changed_at = s.column_int64(7);
  user.failed_logins = static_cast<int>(s.column_int64(8));
  user.locked_until = s.column_int64(9);
  user.deleted_at = s.column_int64(10);
  return user;
}

Result<std::unique_ptr<PlatformStore>> open_sqlite_platform_store(const std::string& path) {
  return SqlitePlatformStore::open(path);
}

Result<std::unique_ptr<PlatformStore>> SqlitePlatformStore::open(const std::string& path) {
  if (path.empty() || path.find('\0') != std::string::npos) {
    return Status::invalid("platform database path is empty or contains a NUL byte");
  }
  sqlite3* db = nullptr;
  int rc = sqlite3_open_v2(
      path.c_str(), &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, nullptr);
  std::unique_ptr<SqlitePlatformStore> store(new SqlitePlatformStore(db));  // closes db
  auto naming = [&](const Status& status) {
    return Status::error(status.code(),
                         "cannot open platform database '" + path + "': " + status.message());
  };
  if (rc != SQLITE_OK) return naming(sqlite_failure(rc, "cannot open the file"));
  sqlite3_extended_result_codes(db, 1);
  sqlite3_busy_timeout(db, kBusyTimeoutMs);
  Status status = enable_wal(db, path);
  if (!status) return naming(status);
  status =
      exec_sql(db, kConnectionPragmas, "cannot configure the connection", platform_sqlite_status);
  if (!status) return naming(status);
  auto version = migrate_platform_schema(db, path);
  if (!version) return naming(version.status());
  return std::unique_ptr<PlatformStore>(std::move(store));
}

SqlitePlatformStore::~SqlitePlatformStore() {
  statements_.clear();  // statements are finalized before their connection closes
  sqlite3_close_v2(db_);
}

Result<Statement*> SqlitePlatformStore::statement(std::string_view sql) {
  auto found = statements_.find(sql);
  if (found != statements_.end()) return &found->second;
  auto prepared = Statement::prepare(db_, sql, platform_sqlite_status);
  if (!prepared) return prepared.status();
  return &statements_.emplace(sql, std::move(*prepared)).first->second;
}

Status SqlitePlatformStore::atomically(std::string_view what, const std::function<Status()>& work) {
  // BEGIN and COMMIT are prepared once like every other statement (sqlite3_exec would parse
  // them on every call, a measurable share of a one-row metering write).
  auto begin = execute("BEGIN IMMEDIATE", what);
  if (!begin) return begin.status();
  Status status;
  try {
    status = work();
  } catch (const std::exception& e) {
    status = Status::internal(std::string("unexpected exception in a transaction: ") + e.what());
  }
  if (status) {
    auto commit = execute("COMMIT", what);
    if (!commit) status = commit.status();
  }
  if (!status && sqlite3_get_autocommit(db_) == 0) {
    sqlite3_exec(db_, "ROLLBACK", nullptr, nullptr, nullptr);
  }
  return status;
}

// ---- organisations

Status SqlitePlatformStore::create_organization(const Organization& org, const User& first_user) {
  if (org.id.empty()) return Status::invalid("an organisation needs an id");
  User admin = first_user;
  admin.organization = org.id;
  if (admin.role.empty() || admin.role == "user") admin.role = "organization_admin";
  std::lock_guard lock(mutex_);
  return atomically("cannot create the organisation", [&]() -> Status {
    auto inserted =
        execute("INSERT INTO organizations(id, name, plan, created_at) VALUES (?, ?, ?, ?)",
                "cannot create the organisation", org.id, org.name, org.plan, org.created_at);
    if (!inserted) return inserted.status();
    return insert_user_locked(admin);
  });
}

Result<Organization> SqlitePlatformStore::get_organization(const std::string& id) {
  std::lock_guard lock(mutex_);
  auto prepared = statement("SELECT id, name, plan, created_at FROM organizations WHERE id = ?");
  if (!prepared) return prepared.status();
  Statement& s = **prepared;
  StatementReset reset(s);
  RAGD_RETURN_IF_ERROR(s.bind_all(id));
  auto row = s.step("cannot read the organisation");
  if (!row) return row.status();
  if (!*row) return Status::not_found("no such organisation");
  return read_organization(s);
}

Result<std::vector<Organization>> SqlitePlatformStore::list_organizations() {
  std::lock_guard lock(mutex_);
  auto prepared =
      statement("SELECT id, name, plan, created_at FROM organizations ORDER BY created_at, id");
  if (!prepared) return prepared.status();
  Statement& s = **prepared;
  StatementReset reset(s);
  s.reset();
  std::vector<Organization> out;
  while (true) {
    auto row = s.step("cannot list organisations");
    if (!row) return row.status();
    if (!*row) break;
    out.push_back(read_organization(s));
  }
  return out;
}

Status SqlitePlatformStore::update_organization(const Organization& org) {
  std::lock_guard lock(mutex_);
  return changed_one(execute("UPDATE organizations SET name = ?2, plan = ?3 WHERE id = ?1",
                             "cannot update the organisation", org.id, org.name, org.plan),
                     "no such organisation");
}

// ---- users

Status SqlitePlatformStore::insert_user_locked(const User& user) {
  if (user.id.empty() || user.organization.empty()) {
    return Status::invalid("a user needs an id and an organisation");
  }
  if (user.email.empty()) return Status::invalid("a user needs an e-mail address");
  auto inserted = execute(
      "INSERT INTO users(id, organization_id, email, name, password_hash, role, created_at, "
      "password_changed_at, failed_logins, locked_until, deleted_at) "
      "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
      "cannot create the user", user.id, user.organization, lower_ascii(user.email), user.name,
      user.password_hash, user.role, user.created_at, user.password_changed_at, user.failed_logins,
      user.locked_until, user.deleted_at);
  if (inserted) return Status::ok();
  // Say which: a clash on the id is not the caller's "e-mail taken".
  if (inserted.status().code() == ErrorCode::kAlreadyExists) {
    auto taken = statement("SELECT 1 FROM users WHERE email = ?");
    if (!taken) return taken.status();
    StatementReset reset(**taken);
    RAGD_RETURN_IF_ERROR((*taken)->bind_all(lower_ascii(user.email)));
    auto row = (*taken)->step("cannot create the user");
    if (!row) return row.status();
    if (*row) return Status::error(ErrorCode::kAlreadyExists, "the e-mail address is taken");
    return Status::error(ErrorCode::kAlreadyExists, "a user with this id exists");
  }
  return inserted.status();
}

Status SqlitePlatformStore::create_user(const User& user) {
  std::lock_guard lock(mutex_);
  return insert_user_locked(user);
}

Result<std::vector<User>> SqlitePlatformStore::select_users(std::string_view sql,
                                                            const std::string* value) {
  auto prepared = statement(sql);
  if (!prepared) return prepared.status();
  Statement& s = **prepared;
  StatementReset reset(s);
  s.reset();
  if (value != nullptr) RAGD_RETURN_IF_ERROR(s.bind(1, *value));
  std::vector<User> out;
  while (true) {
    auto row = s.step("cannot read users");
    if (!row) return row.status();
    if (!*row) break;
    out.push_back(read_user(s));
  }
  return out;
}

Result<User> SqlitePlatformStore::get_user(const std::string& organization, const std::string& id) {
  std::lock_guard lock(mutex_);
  auto prepared = statement("SELECT " RAGD_USER_COLUMNS
                            " FROM users WHERE id = ? AND organization_id = ? AND deleted_at = 0");
  if (!prepared) return prepared.status();
  Statement& s = **prepared;
  StatementReset reset(s);
  RAGD_RETURN_IF_ERROR(s.bind_all(id, organization));
  auto row = s.step("cannot read the user");
  if (!row) return row.status();
  if (!*row) return Status::not_found("no such user");
  return read_user(s);
}

Result<User> SqlitePlatformStore::find_user_by_email(const std::string& email) {
  std::lock_guard lock(mutex_);
  std::string lowered = lower_ascii(email);
  auto users = select_users(
      "SELECT " RAGD_USER_COLUMNS " FROM users WHERE email = ? AND deleted_at = 0", &lowered);
  if (!users) return users.status();
  if (users->empty()) return Status::not_found("no such user");
  return std::move(users->front());
}

Result<std::vector<User>> SqlitePlatformStore::list_users(const std::string& organization) {
  std::lock_guard lock(mutex_);
  return select_users("SELECT " RAGD_USER_COLUMNS
                      " FROM users WHERE organization_id = ? AND deleted_at = 0"
                      " ORDER BY created_at, id",
                      &organization);
}

Result<std::vector<User>> SqlitePlatformStore::list_all_users() {
  std::lock_guard lock(mutex_);
  return select_users("SELECT " RAGD_USER_COLUMNS
                      " FROM users WHERE deleted_at = 0 ORDER BY organization_id, created_at, id",
                      nullptr);
}

Status SqlitePlatformStore::update_user_profile(const User& user) {
  std::lock_guard lock(mutex_);
  return changed_one(
      execute("UPDATE users SET name = ?3, role = ?4 "
              "WHERE id = ?1 AND organization_id = ?2 AND deleted_at = 0",
              "cannot update the user", user.id, user.organization, user.name, user.role),
      "no such user");
}

Status SqlitePlatformStore::set_password(const std::string& user, const std::string& hash,
                                         int64_t at) {
  std::lock_guard lock(mutex_);
  return changed_one(execute("UPDATE users SET password_hash = ?2, password_changed_at = ?3 "
                             "WHERE id = ?1 AND deleted_at = 0",
                             "cannot set the password", user, hash, at),
                     "no such user");
}

Result<User> SqlitePlatformStore::record_login_failure(const std::string& user, int threshold,
                                                       int64_t lock_seconds, int64_t now) {
  if (threshold < 1 || lock_seconds < 0) {
    return Status::invalid("the lockout threshold must be positive");
  }
  std::lock_guard lock(mutex_);
  std::vector<User> updated;
  Status status = atomically("cannot record a failed login", [&]() -> Status {
    // Both CASEs read the count as it was before this failure.
    RAGD_RETURN_IF_ERROR(
        changed_one(execute("UPDATE users SET "
                            "locked_until = CASE WHEN failed_logins + 1 >= ?2 THEN ?3 + ?4 "
                            "ELSE locked_until END, "
                            "failed_logins = CASE WHEN failed_logins + 1 >= ?2 THEN 0 "
                            "ELSE failed_logins + 1 END "
                            "WHERE id = ?1 AND deleted_at = 0",
                            "cannot record a failed login", user, threshold, now, lock_seconds),
                    "no such user"));
    auto users = select_users("SELECT " RAGD_USER_COLUMNS " FROM users WHERE id = ?", &user);
    if (!users) return users.status();
    updated = std::move(*users);
    return Status::ok();
  });
  if (!status) return status;
  if (updated.empty()) return Status::not_found("no such user");
  return std::move(updated.front());
}

Status SqlitePlatformStore::record_login_success(const std::string& user) {
  std::lock_guard lock(mutex_);
  return changed_one(execute("UPDATE users SET failed_logins = 0, locked_until = 0 "
                             "WHERE id = ? AND deleted_at = 0",
                             "cannot record a login", user),
                     "no such user");
}

Status SqlitePlatformStore::mark_user_deleted(const std::string& organization,
                                              const std::string& user, int64_t now) {
  std::lock_guard lock(mutex_);
  return atomically("cannot delete the user", [&]() -> Status {
    RAGD_RETURN_IF_ERROR(
        changed_one(execute("UPDATE users SET deleted_at = ?3 "
                            "WHERE id = ?1 AND organization_id = ?2 AND deleted_at = 0",
                            "cannot delete the user", user, organization, now),
                    "no such user"));
    auto tokens =
        execute("UPDATE refresh_tokens SET revoked_at = ?2 WHERE user_id = ?1 AND revoked_at = 0",
                "cannot revoke the user's refresh tokens", user, now);
    if (!tokens) return tokens.status();
    auto keys = execute("UPDATE api_keys SET revoked_at = ?2 WHERE user_id = ?1 AND revoked_at = 0",
                        "cannot revoke the user's API keys", user, now);
    return keys.status();
  });
}

Result<int64_t> SqlitePlatformStore::purge_deleted_users(int64_t deleted_before) {
  std::lock_guard lock(mutex_);
  // The placeholder keeps e-mail unique and can never be an address (it has no '@').
  return execute(
      "UPDATE users SET email = 'purged+' || id, name = '', password_hash = '' "
      "WHERE deleted_at != 0 AND deleted_at < ?1 AND email != 'purged+' || id",
      "cannot purge deleted users", deleted_before);
}

}  // namespace ragd::platform
