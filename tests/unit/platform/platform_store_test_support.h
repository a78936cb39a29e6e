// Shared helpers for the SqlitePlatformStore tests: a self-deleting temporary folder, a
// fixture that opens a fresh platform.db in it, builders for organisations and users, and a
// raw sqlite3 connection to the same file (to check what the schema itself allows). Not
// thread-safe (test fixtures only).
#pragma once

#include <gtest/gtest.h>
#include <sqlite3.h>

#include <filesystem>
#include <memory>
#include <string>

#include "../test_temp_dir.h"
#include "platform/platform_store.h"

namespace ragd::platform::store_test {

// 2023-11-14 22:13:20 UTC.
constexpr int64_t kNow = 1700000000;
constexpr int64_t kDay = 86400;

using test_support::TempDir;

inline Organization make_org(const std::string& id, const std::string& plan = "free") {
  Organization org;
  org.id = id;
  org.name = "Name of " + id;
  org.plan = plan;
  org.created_at = kNow;
  return org;
}

inline User make_user(const std::string& id, const std::string& org, const std::string& email) {
  User user;
  user.id = id;
  user.organization = org;
  user.email = email;
  user.name = "Name of " + id;
  user.password_hash = "$argon2id$v=19$m=65536,t=3,p=2$c2FsdA$aGFzaA";
  user.created_at = kNow;
  user.password_changed_at = kNow;
  return user;
}

// A raw connection to `path`, closed at scope end.
class RawDb {
 public:
  explicit RawDb(const std::string& path) {
    if (sqlite3_open(path.c_str(), &db_) != SQLITE_OK) {
      sqlite3_close(db_);
      db_ = nullptr;
    }
  }
  ~RawDb() { sqlite3_close(db_); }
  RawDb(const RawDb&) = delete;
  RawDb& operator=(const RawDb&) = delete;

  bool ok() const { return db_ != nullptr; }
  // The result code of running `sql`.
  int exec(const std::string& sql) {
    return sqlite3_exec(db_, sql.c_str(), nullptr, nullptr, nullptr);
  }
  // The first column of the first row of `sql` as text, "" when none.
  std::string text(const std::string& sql) {
    sqlite3_stmt* statement = nullptr;
    std::string out;
    if (sqlite3_prepare_v2(db_, sql.c_str(), -1, &statement, nullptr) == SQLITE_OK &&
        sqlite3_step(statement) == SQLITE_ROW) {
      const unsigned char* value = sqlite3_column_text(statement, 0);
      if (value != nullptr) out = reinterpret_cast<const char*>(value);
    }
    sqlite3_finalize(statement);
    return out;
  }

 private:
  sqlite3* db_ = nullptr;
};

// A fresh store with two organisations: org_a (admin usr_a1, user usr_a2) and org_b (admin
// usr_b1).
class PlatformStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(dir_.ok());
    path_ = dir_.file("platform.db");
    auto store = open_sqlite_platform_store(path_);
    ASSERT_TRUE(store.is_ok()) << store.status().to_string();
    store_ = std::move(*store);
    ASSERT_TRUE(
        store_->create_organization(make_org("org_a"), make_user("usr_a1", "", "Admin@A.example"))
            .is_ok());
    ASSERT_TRUE(store_->create_user(make_user("usr_a2", "org_a", "two@a.example")).is_ok());
    ASSERT_TRUE(store_
                    ->create_organization(make_org("org_b", "pro"),
                                          make_user("usr_b1", "", "admin@b.example"))
                    .is_ok());
  }

  TempDir dir_;
  std::string path_;
  std::unique_ptr<PlatformStore> store_;
};

}  // namespace ragd::platform::store_test
