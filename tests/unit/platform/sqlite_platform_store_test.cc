// SqlitePlatformStore: opening and migrating, organisations, users, lockout, deletion and
// purge. Credentials and records have their own test files.
#include <gtest/gtest.h>

#include <fstream>
#include <string>
#include <vector>

#include "platform/platform_sqlite_errors.h"
#include "platform/platform_store.h"
#include "platform_store_test_support.h"

namespace ragd::platform {
namespace {

using store_test::kDay;
using store_test::kNow;
using store_test::make_org;
using store_test::make_user;
using store_test::PlatformStoreTest;
using store_test::RawDb;
using store_test::TempDir;

std::vector<std::string> ids_of(const std::vector<User>& users) {
  std::vector<std::string> ids;
  for (const User& user : users) ids.push_back(user.id);
  return ids;
}

// ---- opening

TEST(PlatformStoreOpen, ReopeningKeepsData) {
  TempDir dir;
  ASSERT_TRUE(dir.ok());
  std::string path = dir.file("platform.db");
  {
    auto store = open_sqlite_platform_store(path);
    ASSERT_TRUE(store.is_ok()) << store.status().to_string();
    ASSERT_TRUE((*store)
                    ->create_organization(make_org("org_x"), make_user("usr_x", "", "x@x.example"))
                    .is_ok());
    AuditEntry entry;
    entry.action = "auth.login";
    ASSERT_TRUE((*store)->append_audit(entry).is_ok());
  }
  auto store = open_sqlite_platform_store(path);
  ASSERT_TRUE(store.is_ok()) << store.status().to_string();
  auto user = (*store)->find_user_by_email("x@x.example");
  ASSERT_TRUE(user.is_ok()) << user.status().to_string();
  EXPECT_EQ(user->id, "usr_x");
  EXPECT_EQ(user->role, "organization_admin");
  auto audit = (*store)->query_audit(AuditQuery{});
  ASSERT_TRUE(audit.is_ok());
  EXPECT_EQ(audit->size(), 1u);
  RawDb raw(path);
  EXPECT_EQ(raw.text("PRAGMA journal_mode"), "wal");
  EXPECT_EQ(raw.text("SELECT COUNT(*) FROM platform_schema"), "1");
}

TEST(PlatformStoreOpen, RefusesNewerSchemaVersion) {
  TempDir dir;
  ASSERT_TRUE(dir.ok());
  std::string path = dir.file("platform.db");
  ASSERT_TRUE(open_sqlite_platform_store(path).is_ok());
  {
    RawDb raw(path);
    ASSERT_EQ(raw.exec("INSERT INTO platform_schema(version, name, applied_at) "
                       "VALUES (999, 'from the future', 0)"),
              SQLITE_OK);
  }
  auto store = open_sqlite_platform_store(path);
  ASSERT_FALSE(store.is_ok());
  EXPECT_EQ(store.status().code(), ErrorCode::kInvalidArgument);
  EXPECT_NE(store.status().message().find("999"), std::string::npos);
}

TEST(PlatformStoreOpen, NonSqliteFileIsAnErrorNotACrash) {
  TempDir dir;
  ASSERT_TRUE(dir.ok());
  std::string path = dir.file("platform.db");
  {
    std::ofstream out(path, std::ios::binary);
    for (int i = 0; i < 200; ++i) out << "this is not a database, just some text\n";
  }
  auto store = open_sqlite_platform_store(path);
  ASSERT_FALSE(store.is_ok());
  EXPECT_EQ(store.status().code(), ErrorCode::kCorruption) << store.status().to_string();
}

TEST(PlatformStoreOpen, AnotherProgramsDatabaseIsRefused) {
  TempDir dir;
  ASSERT_TRUE(dir.ok());
  std::string path = dir.file("other.db");
  {
    RawDb raw(path);
    ASSERT_EQ(raw.exec("CREATE TABLE things(id INTEGER PRIMARY KEY)"), SQLITE_OK);
  }
  auto store = open_sqlite_platform_store(path);
  ASSERT_FALSE(store.is_ok());
  EXPECT_EQ(store.status().code(), ErrorCode::kCorruption);
  RawDb raw(path);
  EXPECT_EQ(raw.text("SELECT COUNT(*) FROM sqlite_master WHERE name = 'users'"), "0");
}

TEST(PlatformStoreOpen, BadPathsAreErrors) {
  EXPECT_EQ(open_sqlite_platform_store("").status().code(), ErrorCode::kInvalidArgument);
  TempDir dir;
  ASSERT_TRUE(dir.ok());
  EXPECT_FALSE(open_sqlite_platform_store(dir.file("missing/dir/platform.db")).is_ok());
}

TEST(PlatformStoreErrors, SqliteCodesMapToContractCodesWithoutSql) {
  EXPECT_EQ(sqlite_failure(SQLITE_BUSY, "x").code(), ErrorCode::kBusy);
  EXPECT_EQ(sqlite_failure(SQLITE_BUSY_SNAPSHOT, "x").code(), ErrorCode::kBusy);
  EXPECT_EQ(sqlite_failure(SQLITE_LOCKED, "x").code(), ErrorCode::kBusy);
  EXPECT_EQ(sqlite_failure(SQLITE_CONSTRAINT_UNIQUE, "x").code(), ErrorCode::kAlreadyExists);
  EXPECT_EQ(sqlite_failure(SQLITE_CONSTRAINT_FOREIGNKEY, "x").code(), ErrorCode::kNotFound);
  EXPECT_EQ(sqlite_failure(SQLITE_CONSTRAINT_TRIGGER, "x").code(), ErrorCode::kInvalidArgument);
  EXPECT_EQ(sqlite_failure(SQLITE_NOTADB, "x").code(), ErrorCode::kCorruption);
  EXPECT_EQ(sqlite_failure(SQLITE_IOERR_WRITE, "x").code(), ErrorCode::kIo);
  EXPECT_EQ(sqlite_failure(SQLITE_FULL, "x").code(), ErrorCode::kIo);
  Status status = sqlite_failure(SQLITE_CONSTRAINT_UNIQUE, "cannot create the user");
  EXPECT_EQ(status.message().find("INSERT"), std::string::npos);
  EXPECT_EQ(status.message().find("users.email"), std::string::npos);
}

// ---- organisations

TEST_F(PlatformStoreTest, OrganizationsRoundTrip) {
  auto org = store_->get_organization("org_b");
  ASSERT_TRUE(org.is_ok());
  EXPECT_EQ(org->name, "Name of org_b");
  EXPECT_EQ(org->plan, "pro");
  EXPECT_EQ(org->created_at, kNow);
  EXPECT_EQ(store_->get_organization("org_zz").status().code(), ErrorCode::kNotFound);

  Organization changed = *org;
  changed.name = "Renamed";
  changed.plan = "enterprise";
  changed.created_at = 1;  // not updatable
  ASSERT_TRUE(store_->update_organization(changed).is_ok());
  org = store_->get_organization("org_b");
  ASSERT_TRUE(org.is_ok());
  EXPECT_EQ(org->name, "Renamed");
  EXPECT_EQ(org->plan, "enterprise");
  EXPECT_EQ(org->created_at, kNow);
  EXPECT_EQ(store_->update_organization(make_org("org_zz")).code(), ErrorCode::kNotFound);

  auto all = store_->list_organizations();
  ASSERT_TRUE(all.is_ok());
  ASSERT_EQ(all->size(), 2u);
  EXPECT_EQ((*all)[0].id, "org_a");
  EXPECT_EQ((*all)[1].id, "org_b");
}

TEST_F(PlatformStoreTest, FirstUserIsAdminUnlessToldOtherwise) {
  auto admin = store_->get_user("org_a", "usr_a1");
  ASSERT_TRUE(admin.is_ok());
  EXPECT_EQ(admin->role, "organization_admin");
  EXPECT_EQ(admin->organization, "org_a");
  EXPECT_EQ(admin->email, "admin@a.example");

  User root = make_user("usr_root", "", "root@ops.example");
  root.role = "system_admin";
  ASSERT_TRUE(store_->create_organization(make_org("org_ops"), root).is_ok());
  auto got = store_->get_user("org_ops", "usr_root");
  ASSERT_TRUE(got.is_ok());
  EXPECT_EQ(got->role, "system_admin");
}

TEST_F(PlatformStoreTest, OrganizationAndFirstUserAreOneTransaction) {
  // The e-mail is taken, so neither the organisation nor its user may remain.
  Status status =
      store_->create_organization(make_org("org_c"), make_user("usr_c1", "", "ADMIN@b.example"));
  EXPECT_EQ(status.code(), ErrorCode::kAlreadyExists);
  EXPECT_EQ(store_->get_organization("org_c").status().code(), ErrorCode::kNotFound);
  EXPECT_EQ(store_->get_user("org_c", "usr_c1").status().code(), ErrorCode::kNotFound);
  // A duplicate organisation id is refused too.
  EXPECT_EQ(
      store_->create_organization(make_org("org_a"), make_user("usr_c2", "", "c@c.example")).code(),
      ErrorCode::kAlreadyExists);
  EXPECT_EQ(store_->find_user_by_email("c@c.example").status().code(), ErrorCode::kNotFound);
}

// ---- users

TEST_F(PlatformStoreTest, UsersAreScopedToTheirOrganization) {
  auto user = store_->get_user("org_a", "usr_a2");
  ASSERT_TRUE(user.is_ok());
  EXPECT_EQ(user->email, "two@a.example");
  EXPECT_EQ(user->role, "user");
  EXPECT_EQ(user->name, "Name of usr_a2");
  EXPECT_EQ(user->created_at, kNow);
  // Another organisation's id reads exactly like a missing user.
  EXPECT_EQ(store_->get_user("org_b", "usr_a2").status().code(), ErrorCode::kNotFound);
  EXPECT_EQ(store_->get_user("org_a", "usr_nobody").status().code(), ErrorCode::kNotFound);

  auto a = store_->list_users("org_a");
  ASSERT_TRUE(a.is_ok());
  EXPECT_EQ(ids_of(*a), (std::vector<std::string>{"usr_a1", "usr_a2"}));
  auto b = store_->list_users("org_b");
  ASSERT_TRUE(b.is_ok());
  EXPECT_EQ(ids_of(*b), (std::vector<std::string>{"usr_b1"}));
  auto none = store_->list_users("org_zz");
  ASSERT_TRUE(none.is_ok());
  EXPECT_TRUE(none->empty());
  auto all = store_->list_all_users();
  ASSERT_TRUE(all.is_ok());
  EXPECT_EQ(ids_of(*all), (std::vector<std::string>{"usr_a1", "usr_a2", "usr_b1"}));
}

TEST_F(PlatformStoreTest, EmailIsLowerCasedAndUniqueIgnoringCase) {
  ASSERT_TRUE(store_->create_user(make_user("usr_a3", "org_a", "Mixed.Case@A.Example")).is_ok());
  auto user = store_->find_user_by_email("MIXED.case@a.EXAMPLE");
  ASSERT_TRUE(user.is_ok());
  EXPECT_EQ(user->id, "usr_a3");
  EXPECT_EQ(user->email, "mixed.case@a.example");

  // Unique across the deployment, not per organisation.
  Status duplicate = store_->create_user(make_user("usr_b2", "org_b", "mixed.CASE@a.example"));
  EXPECT_EQ(duplicate.code(), ErrorCode::kAlreadyExists);
  EXPECT_EQ(store_->get_user("org_b", "usr_b2").status().code(), ErrorCode::kNotFound);
  EXPECT_EQ(store_->find_user_by_email("nobody@a.example").status().code(), ErrorCode::kNotFound);
}

TEST_F(PlatformStoreTest, CreateUserRefusesBadInput) {
  EXPECT_EQ(store_->create_user(make_user("usr_a2", "org_a", "other@a.example")).code(),
            ErrorCode::kAlreadyExists);
  EXPECT_EQ(store_->create_user(make_user("usr_z", "org_missing", "z@z.example")).code(),
            ErrorCode::kNotFound);
  EXPECT_EQ(store_->create_user(make_user("", "org_a", "e@a.example")).code(),
            ErrorCode::kInvalidArgument);
  EXPECT_EQ(store_->create_user(make_user("usr_e", "org_a", "")).code(),
            ErrorCode::kInvalidArgument);
  // Values are bound, never spliced into SQL.
  std::string hostile = "x'); DROP TABLE users; --@a.example";
  ASSERT_TRUE(store_->create_user(make_user("usr_q", "org_a", hostile)).is_ok());
  auto user = store_->find_user_by_email(hostile);
  ASSERT_TRUE(user.is_ok());
  EXPECT_EQ(user->id, "usr_q");
  EXPECT_EQ(store_->list_all_users()->size(), 4u);
}

TEST_F(PlatformStoreTest, ProfileAndPasswordUpdates) {
  User changed = *store_->get_user("org_a", "usr_a2");
  changed.name = "New Name";
  changed.role = "pro_user";
  changed.email = "ignored@a.example";
  ASSERT_TRUE(store_->update_user_profile(changed).is_ok());
  auto user = store_->get_user("org_a", "usr_a2");
  ASSERT_TRUE(user.is_ok());
  EXPECT_EQ(user->name, "New Name");
  EXPECT_EQ(user->role, "pro_user");
  EXPECT_EQ(user->email, "two@a.example");

  // Another organisation cannot update the user by naming its own organisation.
  changed.organization = "org_b";
  changed.role = "system_admin";
  EXPECT_EQ(store_->update_user_profile(changed).code(), ErrorCode::kNotFound);
  EXPECT_EQ(store_->get_user("org_a", "usr_a2")->role, "pro_user");

  ASSERT_TRUE(store_->set_password("usr_a2", "$argon2id$new", kNow + 10).is_ok());
  user = store_->get_user("org_a", "usr_a2");
  EXPECT_EQ(user->password_hash, "$argon2id$new");
  EXPECT_EQ(user->password_changed_at, kNow + 10);
  EXPECT_EQ(store_->set_password("usr_nobody", "h", kNow).code(), ErrorCode::kNotFound);
}

TEST_F(PlatformStoreTest, LockoutAtThresholdThenCountRestarts) {
  constexpr int kThreshold = 3;
  constexpr int64_t kLock = 1800;
  auto user = store_->record_login_failure("usr_a2", kThreshold, kLock, kNow);
  ASSERT_TRUE(user.is_ok());
  EXPECT_EQ(user->failed_logins, 1);
  EXPECT_EQ(user->locked_until, 0);
  user = store_->record_login_failure("usr_a2", kThreshold, kLock, kNow + 1);
  EXPECT_EQ(user->failed_logins, 2);
  EXPECT_EQ(user->locked_until, 0);
  user = store_->record_login_failure("usr_a2", kThreshold, kLock, kNow + 2);
  ASSERT_TRUE(user.is_ok());
  EXPECT_EQ(user->failed_logins, 0);
  EXPECT_EQ(user->locked_until, kNow + 2 + kLock);
  EXPECT_EQ(store_->get_user("org_a", "usr_a2")->locked_until, kNow + 2 + kLock);

  // After the lock, counting starts again; a success clears the count.
  user = store_->record_login_failure("usr_a2", kThreshold, kLock, kNow + 2 + kLock);
  EXPECT_EQ(user->failed_logins, 1);
  ASSERT_TRUE(store_->record_login_success("usr_a2").is_ok());
  user = store_->get_user("org_a", "usr_a2");
  EXPECT_EQ(user->failed_logins, 0);
  EXPECT_EQ(user->locked_until, 0);

  EXPECT_EQ(store_->record_login_failure("usr_nobody", 3, kLock, kNow).status().code(),
            ErrorCode::kNotFound);
  EXPECT_EQ(store_->record_login_success("usr_nobody").code(), ErrorCode::kNotFound);
  EXPECT_EQ(store_->record_login_failure("usr_a2", 0, kLock, kNow).status().code(),
            ErrorCode::kInvalidArgument);
}

// ---- deletion

TEST_F(PlatformStoreTest, MarkUserDeletedHidesUserAndRevokesCredentials) {
  RefreshToken token;
  token.id = "rt_1";
  token.family = "fam_1";
  token.user = "usr_a2";
  token.organization = "org_a";
  token.digest = "digest-rt-1";
  token.created_at = kNow;
  token.expires_at = kNow + 30 * kDay;
  ASSERT_TRUE(store_->insert_refresh_token(token).is_ok());
  ApiKey key;
  key.id = "key_1";
  key.organization = "org_a";
  key.user = "usr_a2";
  key.digest = "digest-key-1";
  key.created_at = kNow;
  ASSERT_TRUE(store_->insert_api_key(key).is_ok());
  ApiKey other_key = key;
  other_key.id = "key_2";
  other_key.user = "usr_a1";
  other_key.digest = "digest-key-2";
  ASSERT_TRUE(store_->insert_api_key(other_key).is_ok());

  // Another organisation cannot delete the user.
  EXPECT_EQ(store_->mark_user_deleted("org_b", "usr_a2", kNow).code(), ErrorCode::kNotFound);
  EXPECT_TRUE(store_->get_user("org_a", "usr_a2").is_ok());

  ASSERT_TRUE(store_->mark_user_deleted("org_a", "usr_a2", kNow + 5).is_ok());
  EXPECT_EQ(store_->get_user("org_a", "usr_a2").status().code(), ErrorCode::kNotFound);
  EXPECT_EQ(store_->find_user_by_email("two@a.example").status().code(), ErrorCode::kNotFound);
  EXPECT_EQ(ids_of(*store_->list_users("org_a")), (std::vector<std::string>{"usr_a1"}));
  EXPECT_EQ(ids_of(*store_->list_all_users()), (std::vector<std::string>{"usr_a1", "usr_b1"}));
  EXPECT_EQ(store_->find_refresh_token("digest-rt-1")->revoked_at, kNow + 5);
  EXPECT_FALSE(*store_->consume_refresh_token("rt_1", kNow + 6));
  EXPECT_EQ(store_->get_api_key("key_1")->revoked_at, kNow + 5);
  EXPECT_EQ(store_->get_api_key("key_2")->revoked_at, 0);

  // A deleted user cannot be changed, deleted again or log in.
  EXPECT_EQ(store_->mark_user_deleted("org_a", "usr_a2", kNow + 7).code(), ErrorCode::kNotFound);
  User changed = make_user("usr_a2", "org_a", "two@a.example");
  EXPECT_EQ(store_->update_user_profile(changed).code(), ErrorCode::kNotFound);
  EXPECT_EQ(store_->set_password("usr_a2", "h", kNow).code(), ErrorCode::kNotFound);
  EXPECT_EQ(store_->record_login_success("usr_a2").code(), ErrorCode::kNotFound);
  // The address stays taken until the purge.
  EXPECT_EQ(store_->create_user(make_user("usr_a9", "org_a", "two@a.example")).code(),
            ErrorCode::kAlreadyExists);
}

TEST_F(PlatformStoreTest, PurgeRemovesPersonalDataOfLongDeletedUsers) {
  ASSERT_TRUE(store_->create_user(make_user("usr_a3", "org_a", "three@a.example")).is_ok());
  ASSERT_TRUE(store_->mark_user_deleted("org_a", "usr_a2", kNow).is_ok());
  ASSERT_TRUE(store_->mark_user_deleted("org_a", "usr_a3", kNow + 20 * kDay).is_ok());

  auto purged = store_->purge_deleted_users(kNow + 10 * kDay);
  ASSERT_TRUE(purged.is_ok()) << purged.status().to_string();
  EXPECT_EQ(*purged, 1);
  // Purging again finds nothing new.
  EXPECT_EQ(*store_->purge_deleted_users(kNow + 10 * kDay), 0);

  RawDb raw(path_);
  ASSERT_TRUE(raw.ok());
  EXPECT_EQ(raw.text("SELECT email || '|' || name || '|' || password_hash FROM users "
                     "WHERE id = 'usr_a2'"),
            "purged+usr_a2||");
  EXPECT_EQ(raw.text("SELECT email FROM users WHERE id = 'usr_a3'"), "three@a.example");
  EXPECT_EQ(raw.text("SELECT email FROM users WHERE id = 'usr_a1'"), "admin@a.example");
  // Only the purge may touch a deleted user's personal data.
  EXPECT_NE(raw.exec("UPDATE users SET name = 'back' WHERE id = 'usr_a3'"), SQLITE_OK);
  EXPECT_NE(raw.exec("UPDATE users SET email = 'x@a.example' WHERE id = 'usr_a2'"), SQLITE_OK);
  EXPECT_EQ(raw.exec("UPDATE users SET name = 'still editable' WHERE id = 'usr_a1'"), SQLITE_OK);
  // The address is free again.
  EXPECT_TRUE(store_->create_user(make_user("usr_a9", "org_a", "two@a.example")).is_ok());
  EXPECT_EQ(*store_->purge_deleted_users(kNow + 30 * kDay), 1);
}

}  // namespace
}  // namespace ragd::platform
