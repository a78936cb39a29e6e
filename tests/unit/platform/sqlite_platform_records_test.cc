// SqlitePlatformStore: metering records, usage reports and the audit log.
#include <gtest/gtest.h>

#include <set>
#include <string>
#include <thread>
#include <vector>

#include "platform/platform_store.h"
#include "platform_store_test_support.h"

namespace ragd::platform {
namespace {

using store_test::kDay;
using store_test::kNow;
using store_test::PlatformStoreTest;
using store_test::RawDb;

// kNow is 2023-11-14 22:13:20 UTC.
constexpr char kDay1[] = "2023-11-14";
constexpr char kDay2[] = "2023-11-15";

UsageRecord usage(const std::string& org, const std::string& user, const std::string& meter,
                  int64_t amount, int64_t at) {
  UsageRecord record;
  record.organization = org;
  record.user = user;
  record.meter = meter;
  record.amount = amount;
  record.at = at;
  record.request_id = "req";
  return record;
}

AuditEntry audit(const std::string& org, const std::string& actor, const std::string& action,
                 int64_t at) {
  AuditEntry entry;
  entry.at = at;
  entry.organization = org;
  entry.actor_user = actor;
  entry.action = action;
  entry.target = "target";
  entry.outcome = "success";
  entry.ip = "203.0.113.7";
  entry.user_agent = "curl/8";
  entry.request_id = "req-1";
  return entry;
}

std::string row_text(const UsageRow& row) {
  return row.user + "|" + row.day + "|" + row.meter + "|" + std::to_string(row.amount);
}

std::vector<std::string> report(PlatformStore& store, UsageQuery query) {
  auto rows = store.usage_report(query);
  EXPECT_TRUE(rows.is_ok()) << rows.status().to_string();
  std::vector<std::string> out;
  if (rows.is_ok()) {
    for (const UsageRow& row : *rows) out.push_back(row_text(row));
  }
  return out;
}

std::vector<std::string> actions_of(const Result<std::vector<AuditEntry>>& entries) {
  EXPECT_TRUE(entries.is_ok()) << entries.status().to_string();
  std::vector<std::string> out;
  if (entries.is_ok()) {
    for (const AuditEntry& entry : *entries) out.push_back(entry.action);
  }
  return out;
}

// ---- usage

class UsageTest : public PlatformStoreTest {
 protected:
  void SetUp() override {
    PlatformStoreTest::SetUp();
    ASSERT_TRUE(store_
                    ->record_usage({usage("org_a", "usr_a1", "messages", 1, kNow),
                                    usage("org_a", "usr_a1", "prompt_tokens", 100, kNow)})
                    .is_ok());
    ASSERT_TRUE(store_
                    ->record_usage({usage("org_a", "usr_a2", "messages", 1, kNow + 10),
                                    usage("org_a", "usr_a2", "prompt_tokens", 50, kNow + 10)})
                    .is_ok());
    ASSERT_TRUE(
        store_->record_usage({usage("org_a", "usr_a1", "messages", 1, kNow + kDay)}).is_ok());
    ASSERT_TRUE(
        store_->record_usage({usage("org_a", "", "storage_bytes", 4096, kNow + kDay)}).is_ok());
    ASSERT_TRUE(store_->record_usage({usage("org_b", "usr_b1", "messages", 7, kNow)}).is_ok());
  }
};

TEST_F(UsageTest, TotalsCountOneMeterOfOneOrganizationInRange) {
  EXPECT_EQ(*store_->usage_total("org_a", "messages", kNow, kNow + 2 * kDay), 3);
  EXPECT_EQ(*store_->usage_total("org_a", "prompt_tokens", kNow, kNow + 2 * kDay), 150);
  EXPECT_EQ(*store_->usage_total("org_b", "messages", kNow, kNow + 2 * kDay), 7);
  // [from, to): the end is exclusive, the start inclusive.
  EXPECT_EQ(*store_->usage_total("org_a", "messages", kNow, kNow + 10), 1);
  EXPECT_EQ(*store_->usage_total("org_a", "messages", kNow + 10, kNow + kDay), 1);
  EXPECT_EQ(*store_->usage_total("org_a", "api_calls", kNow, kNow + 2 * kDay), 0);
  EXPECT_EQ(*store_->usage_total("org_zz", "messages", kNow, kNow + 2 * kDay), 0);
}

TEST_F(UsageTest, ReportShapes) {
  UsageQuery query;
  query.organization = "org_a";
  query.from = kNow;
  query.to = kNow + 2 * kDay;
  EXPECT_EQ(report(*store_, query), (std::vector<std::string>{"||messages|3", "||prompt_tokens|150",
                                                              "||storage_bytes|4096"}));
  query.by_user = true;
  EXPECT_EQ(report(*store_, query),
            (std::vector<std::string>{"||storage_bytes|4096", "usr_a1||messages|2",
                                      "usr_a1||prompt_tokens|100", "usr_a2||messages|1",
                                      "usr_a2||prompt_tokens|50"}));
  query.by_user = false;
  query.by_day = true;
  std::string d1 = kDay1;
  std::string d2 = kDay2;
  EXPECT_EQ(report(*store_, query),
            (std::vector<std::string>{"|" + d1 + "|messages|2", "|" + d1 + "|prompt_tokens|150",
                                      "|" + d2 + "|messages|1", "|" + d2 + "|storage_bytes|4096"}));
  query.by_user = true;
  query.user = "usr_a1";
  EXPECT_EQ(report(*store_, query), (std::vector<std::string>{"usr_a1|" + d1 + "|messages|1",
                                                              "usr_a1|" + d1 + "|prompt_tokens|100",
                                                              "usr_a1|" + d2 + "|messages|1"}));
  // Another organisation's user finds nothing here.
  query.user = "usr_b1";
  EXPECT_TRUE(report(*store_, query).empty());
  // The range filters.
  query.user.reset();
  query.by_user = false;
  query.by_day = false;
  query.from = kNow + kDay;
  EXPECT_EQ(report(*store_, query),
            (std::vector<std::string>{"||messages|1", "||storage_bytes|4096"}));
}

TEST_F(UsageTest, InvalidRecordsWriteNothing) {
  EXPECT_EQ(store_
                ->record_usage({usage("org_a", "usr_a1", "messages", 5, kNow),
                                usage("", "usr_a1", "messages", 5, kNow)})
                .code(),
            ErrorCode::kInvalidArgument);
  EXPECT_EQ(store_->record_usage({usage("org_a", "usr_a1", "", 5, kNow)}).code(),
            ErrorCode::kInvalidArgument);
  EXPECT_TRUE(store_->record_usage({}).is_ok());
  EXPECT_EQ(*store_->usage_total("org_a", "messages", kNow, kNow + 2 * kDay), 3);
}

// ---- audit

TEST_F(PlatformStoreTest, AuditAppendAssignsIncreasingIdsAndKeepsFields) {
  AuditEntry entry = audit("org_a", "usr_a1", "auth.login", kNow);
  entry.actor_key = "key_1";
  entry.details = R"({"reason":"ok"})";
  auto first = store_->append_audit(entry);
  ASSERT_TRUE(first.is_ok()) << first.status().to_string();
  AuditEntry bare;
  bare.action = "auth.login";
  bare.at = kNow + 1;
  auto second = store_->append_audit(bare);
  ASSERT_TRUE(second.is_ok());
  EXPECT_GT(*second, *first);
  EXPECT_EQ(store_->append_audit(AuditEntry{}).status().code(), ErrorCode::kInvalidArgument);

  auto entries = store_->query_audit(AuditQuery{});
  ASSERT_TRUE(entries.is_ok());
  ASSERT_EQ(entries->size(), 2u);
  const AuditEntry& newest = (*entries)[0];
  EXPECT_EQ(newest.id, *second);
  EXPECT_EQ(newest.organization, "");
  EXPECT_EQ(newest.details, "{}");
  const AuditEntry& got = (*entries)[1];
  EXPECT_EQ(got.id, *first);
  EXPECT_EQ(got.at, kNow);
  EXPECT_EQ(got.organization, "org_a");
  EXPECT_EQ(got.actor_user, "usr_a1");
  EXPECT_EQ(got.actor_key, "key_1");
  EXPECT_EQ(got.action, "auth.login");
  EXPECT_EQ(got.target, "target");
  EXPECT_EQ(got.outcome, "success");
  EXPECT_EQ(got.ip, "203.0.113.7");
  EXPECT_EQ(got.user_agent, "curl/8");
  EXPECT_EQ(got.request_id, "req-1");
  EXPECT_EQ(got.details, R"({"reason":"ok"})");
}

TEST_F(PlatformStoreTest, AuditLogRefusesUpdateAndDeleteFromAnyConnection) {
  ASSERT_TRUE(store_->append_audit(audit("org_a", "usr_a1", "auth.login", kNow)).is_ok());
  RawDb raw(path_);
  ASSERT_TRUE(raw.ok());
  EXPECT_NE(raw.exec("UPDATE audit_log SET outcome = 'failure'"), SQLITE_OK);
  EXPECT_NE(raw.exec("DELETE FROM audit_log"), SQLITE_OK);
  EXPECT_EQ(raw.text("SELECT outcome FROM audit_log"), "success");
  EXPECT_EQ(raw.text("SELECT COUNT(*) FROM audit_log"), "1");
}

class AuditQueryTest : public PlatformStoreTest {
 protected:
  void SetUp() override {
    PlatformStoreTest::SetUp();
    const AuditEntry entries[] = {
        audit("org_a", "usr_a1", "auth.login", kNow),
        audit("org_a", "usr_a2", "auth.login", kNow + 10),
        audit("org_b", "usr_b1", "auth.login", kNow + 20),
        audit("org_a", "usr_a1", "api_key.create", kNow + 30),
        audit("org_a", "usr_a1", "auth.logout", kNow + 40),
        audit("org_a", "usr_a2", "authx.other", kNow + 50),
        audit("org_a", "usr_a2", "document.upload", kNow + 60),
    };
    for (const AuditEntry& entry : entries) {
      auto id = store_->append_audit(entry);
      ASSERT_TRUE(id.is_ok());
      ids_.push_back(*id);
    }
  }
  std::vector<int64_t> ids_;
};

TEST_F(AuditQueryTest, FiltersByOrganizationActorAndAction) {
  AuditQuery query;
  EXPECT_EQ(actions_of(store_->query_audit(query)).size(), 7u);
  query.organization = "org_b";
  EXPECT_EQ(actions_of(store_->query_audit(query)), (std::vector<std::string>{"auth.login"}));
  query.organization = "org_a";
  EXPECT_EQ(actions_of(store_->query_audit(query)),
            (std::vector<std::string>{"document.upload", "authx.other", "auth.logout",
                                      "api_key.create", "auth.login", "auth.login"}));
  query.actor_user = "usr_a1";
  EXPECT_EQ(actions_of(store_->query_audit(query)),
            (std::vector<std::string>{"auth.logout", "api_key.create", "auth.login"}));
  query.actor_user.reset();
  query.action = "auth.login";  // exact
  EXPECT_EQ(actions_of(store_->query_audit(query)),
            (std::vector<std::string>{"auth.login", "auth.login"}));
  query.action = "auth.";  // prefix: not "authx.other"
  EXPECT_EQ(actions_of(store_->query_audit(query)),
            (std::vector<std::string>{"auth.logout", "auth.login", "auth.login"}));
  query.action = "auth";  // exact, matches nothing
  EXPECT_TRUE(actions_of(store_->query_audit(query)).empty());
  query.action = "%.";  // LIKE wildcards are plain characters
  EXPECT_TRUE(actions_of(store_->query_audit(query)).empty());
  query.action = "_uth.";
  EXPECT_TRUE(actions_of(store_->query_audit(query)).empty());
  // Across organisations for system admins.
  query.organization.reset();
  query.action = "auth.login";
  EXPECT_EQ(actions_of(store_->query_audit(query)).size(), 3u);
}

TEST_F(AuditQueryTest, TimeRangeAndPaging) {
  AuditQuery query;
  query.organization = "org_a";
  query.since = kNow + 10;
  query.until = kNow + 50;  // exclusive
  EXPECT_EQ(actions_of(store_->query_audit(query)),
            (std::vector<std::string>{"auth.logout", "api_key.create", "auth.login"}));

  // Pages of two, newest first, each continuing below the last id seen.
  query = AuditQuery{};
  query.organization = "org_a";
  query.limit = 2;
  std::vector<int64_t> seen;
  for (int page = 0; page < 10; ++page) {
    auto entries = store_->query_audit(query);
    ASSERT_TRUE(entries.is_ok());
    if (entries->empty()) break;
    EXPECT_LE(entries->size(), 2u);
    for (const AuditEntry& entry : *entries) seen.push_back(entry.id);
    query.before_id = entries->back().id;
  }
  std::vector<int64_t> expected;
  for (size_t i = ids_.size(); i-- > 0;) {
    if (i != 2) expected.push_back(ids_[i]);  // ids_[2] is org_b's
  }
  EXPECT_EQ(seen, expected);
  query.before_id = 0;
  query.limit = 0;
  EXPECT_TRUE(actions_of(store_->query_audit(query)).empty());
}

// ---- concurrency

TEST_F(PlatformStoreTest, ConcurrentAuditAndUsageWritersLoseNothing) {
  constexpr int kThreads = 8;
  constexpr int kEach = 40;
  std::vector<std::vector<int64_t>> ids(kThreads);
  std::vector<int> failures(kThreads, 0);
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kEach; ++i) {
        auto id = store_->append_audit(audit("org_a", "usr_a1", "chat.create", kNow + i));
        if (id.is_ok()) {
          ids[t].push_back(*id);
        } else {
          ++failures[t];
        }
        if (!store_
                 ->record_usage({usage("org_a", "usr_a1", "messages", 1, kNow + i),
                                 usage("org_a", "usr_a1", "prompt_tokens", 3, kNow + i)})
                 .is_ok()) {
          ++failures[t];
        }
        if (!store_->usage_total("org_a", "messages", kNow, kNow + kDay).is_ok()) ++failures[t];
      }
    });
  }
  for (auto& thread : threads) thread.join();
  std::set<int64_t> unique;
  for (int t = 0; t < kThreads; ++t) {
    EXPECT_EQ(failures[t], 0);
    unique.insert(ids[t].begin(), ids[t].end());
  }
  EXPECT_EQ(unique.size(), static_cast<size_t>(kThreads * kEach));
  EXPECT_EQ(*store_->usage_total("org_a", "messages", kNow, kNow + kDay), kThreads * kEach);
  EXPECT_EQ(*store_->usage_total("org_a", "prompt_tokens", kNow, kNow + kDay),
            3 * kThreads * kEach);
  AuditQuery query;
  query.limit = 1000;
  EXPECT_EQ(actions_of(store_->query_audit(query)).size(), static_cast<size_t>(kThreads * kEach));
}

}  // namespace
}  // namespace ragd::platform
