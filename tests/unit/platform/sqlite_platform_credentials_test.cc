// SqlitePlatformStore: refresh tokens and API keys.
#include <gtest/gtest.h>

#include <atomic>
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

RefreshToken make_token(const std::string& id, const std::string& family,
                        const std::string& user = "usr_a2", const std::string& org = "org_a") {
  RefreshToken token;
  token.id = id;
  token.family = family;
  token.user = user;
  token.organization = org;
  token.digest = "sha256-of-" + id;
  token.created_at = kNow;
  token.expires_at = kNow + 30 * kDay;
  return token;
}

ApiKey make_key(const std::string& id, const std::string& org, const std::string& user) {
  ApiKey key;
  key.id = id;
  key.organization = org;
  key.user = user;
  key.name = "key " + id;
  key.digest = "sha256-of-" + id;
  key.scopes = {"chat:create", "search:execute_basic"};
  key.created_at = kNow;
  key.expires_at = kNow + 90 * kDay;
  return key;
}

std::vector<std::string> ids_of(const std::vector<ApiKey>& keys) {
  std::vector<std::string> ids;
  for (const ApiKey& key : keys) ids.push_back(key.id);
  return ids;
}

// ---- refresh tokens

TEST_F(PlatformStoreTest, RefreshTokenRoundTripByDigest) {
  ASSERT_TRUE(store_->insert_refresh_token(make_token("rt_1", "fam_1")).is_ok());
  auto token = store_->find_refresh_token("sha256-of-rt_1");
  ASSERT_TRUE(token.is_ok()) << token.status().to_string();
  EXPECT_EQ(token->id, "rt_1");
  EXPECT_EQ(token->family, "fam_1");
  EXPECT_EQ(token->user, "usr_a2");
  EXPECT_EQ(token->organization, "org_a");
  EXPECT_EQ(token->created_at, kNow);
  EXPECT_EQ(token->expires_at, kNow + 30 * kDay);
  EXPECT_EQ(token->used_at, 0);
  EXPECT_EQ(token->revoked_at, 0);
  EXPECT_EQ(store_->find_refresh_token("rt_1").status().code(), ErrorCode::kNotFound);

  RefreshToken same_digest = make_token("rt_2", "fam_1");
  same_digest.digest = "sha256-of-rt_1";
  EXPECT_EQ(store_->insert_refresh_token(same_digest).code(), ErrorCode::kAlreadyExists);
  EXPECT_EQ(store_->insert_refresh_token(make_token("rt_3", "fam_1", "usr_nobody")).code(),
            ErrorCode::kNotFound);
  EXPECT_EQ(store_->insert_refresh_token(make_token("", "fam_1")).code(),
            ErrorCode::kInvalidArgument);
}

TEST_F(PlatformStoreTest, RefreshTokenIsConsumedOnce) {
  ASSERT_TRUE(store_->insert_refresh_token(make_token("rt_1", "fam_1")).is_ok());
  auto first = store_->consume_refresh_token("rt_1", kNow + 60);
  ASSERT_TRUE(first.is_ok());
  EXPECT_TRUE(*first);
  auto second = store_->consume_refresh_token("rt_1", kNow + 61);
  ASSERT_TRUE(second.is_ok());
  EXPECT_FALSE(*second);
  EXPECT_EQ(store_->find_refresh_token("sha256-of-rt_1")->used_at, kNow + 60);
  EXPECT_FALSE(*store_->consume_refresh_token("rt_missing", kNow));
}

TEST_F(PlatformStoreTest, ConcurrentConsumersGetOneSuccess) {
  ASSERT_TRUE(store_->insert_refresh_token(make_token("rt_1", "fam_1")).is_ok());
  std::atomic<int> successes{0};
  std::atomic<int> errors{0};
  std::vector<std::thread> threads;
  for (int i = 0; i < 8; ++i) {
    threads.emplace_back([&, i] {
      auto consumed = store_->consume_refresh_token("rt_1", kNow + i);
      if (!consumed.is_ok()) {
        ++errors;
      } else if (*consumed) {
        ++successes;
      }
    });
  }
  for (auto& thread : threads) thread.join();
  EXPECT_EQ(errors.load(), 0);
  EXPECT_EQ(successes.load(), 1);
}

TEST_F(PlatformStoreTest, RevokingAFamilyLeavesOtherFamilies) {
  ASSERT_TRUE(store_->insert_refresh_token(make_token("rt_1", "fam_1")).is_ok());
  ASSERT_TRUE(store_->insert_refresh_token(make_token("rt_2", "fam_1")).is_ok());
  ASSERT_TRUE(store_->insert_refresh_token(make_token("rt_3", "fam_2")).is_ok());
  ASSERT_TRUE(store_->revoke_refresh_family("fam_1", kNow + 5).is_ok());
  EXPECT_EQ(store_->find_refresh_token("sha256-of-rt_1")->revoked_at, kNow + 5);
  EXPECT_EQ(store_->find_refresh_token("sha256-of-rt_2")->revoked_at, kNow + 5);
  EXPECT_EQ(store_->find_refresh_token("sha256-of-rt_3")->revoked_at, 0);
  // A revoked token cannot be consumed; revoking again keeps the first time.
  EXPECT_FALSE(*store_->consume_refresh_token("rt_2", kNow + 6));
  ASSERT_TRUE(store_->revoke_refresh_family("fam_1", kNow + 9).is_ok());
  EXPECT_EQ(store_->find_refresh_token("sha256-of-rt_1")->revoked_at, kNow + 5);
  EXPECT_TRUE(*store_->consume_refresh_token("rt_3", kNow + 6));
}

TEST_F(PlatformStoreTest, RevokingAUsersTokensLeavesOtherUsers) {
  ASSERT_TRUE(store_->insert_refresh_token(make_token("rt_1", "fam_1")).is_ok());
  ASSERT_TRUE(store_->insert_refresh_token(make_token("rt_2", "fam_2")).is_ok());
  ASSERT_TRUE(store_->insert_refresh_token(make_token("rt_3", "fam_3", "usr_a1")).is_ok());
  ASSERT_TRUE(store_->revoke_user_refresh_tokens("usr_a2", kNow + 1).is_ok());
  EXPECT_EQ(store_->find_refresh_token("sha256-of-rt_1")->revoked_at, kNow + 1);
  EXPECT_EQ(store_->find_refresh_token("sha256-of-rt_2")->revoked_at, kNow + 1);
  EXPECT_EQ(store_->find_refresh_token("sha256-of-rt_3")->revoked_at, 0);
}

// ---- API keys

TEST_F(PlatformStoreTest, ApiKeyRoundTripWithScopes) {
  ApiKey key = make_key("key_1", "org_a", "usr_a2");
  key.scopes = {"chat:create", "odd \"scope\" \\ with json characters", ""};
  ASSERT_TRUE(store_->insert_api_key(key).is_ok());
  auto got = store_->get_api_key("key_1");
  ASSERT_TRUE(got.is_ok()) << got.status().to_string();
  EXPECT_EQ(got->organization, "org_a");
  EXPECT_EQ(got->user, "usr_a2");
  EXPECT_EQ(got->name, "key key_1");
  EXPECT_EQ(got->digest, "sha256-of-key_1");
  EXPECT_EQ(got->scopes, key.scopes);
  EXPECT_EQ(got->created_at, kNow);
  EXPECT_EQ(got->expires_at, kNow + 90 * kDay);
  EXPECT_EQ(got->last_used_at, 0);
  EXPECT_EQ(got->revoked_at, 0);
  EXPECT_EQ(store_->get_api_key("key_missing").status().code(), ErrorCode::kNotFound);

  ApiKey no_scopes = make_key("key_2", "org_a", "usr_a2");
  no_scopes.scopes.clear();
  ASSERT_TRUE(store_->insert_api_key(no_scopes).is_ok());
  EXPECT_TRUE(store_->get_api_key("key_2")->scopes.empty());

  EXPECT_EQ(store_->insert_api_key(make_key("key_1", "org_a", "usr_a2")).code(),
            ErrorCode::kAlreadyExists);
  EXPECT_EQ(store_->insert_api_key(make_key("key_3", "org_a", "usr_nobody")).code(),
            ErrorCode::kNotFound);
}

TEST_F(PlatformStoreTest, ApiKeyListingIsScoped) {
  ASSERT_TRUE(store_->insert_api_key(make_key("key_a1", "org_a", "usr_a1")).is_ok());
  ASSERT_TRUE(store_->insert_api_key(make_key("key_a2", "org_a", "usr_a2")).is_ok());
  ASSERT_TRUE(store_->insert_api_key(make_key("key_a3", "org_a", "usr_a2")).is_ok());
  ASSERT_TRUE(store_->insert_api_key(make_key("key_b1", "org_b", "usr_b1")).is_ok());
  ASSERT_TRUE(store_->revoke_api_key("org_a", "key_a3", kNow).is_ok());

  auto all_a = store_->list_api_keys("org_a", std::nullopt);
  ASSERT_TRUE(all_a.is_ok());
  EXPECT_EQ(ids_of(*all_a), (std::vector<std::string>{"key_a1", "key_a2", "key_a3"}));
  auto mine = store_->list_api_keys("org_a", std::string("usr_a2"));
  ASSERT_TRUE(mine.is_ok());
  EXPECT_EQ(ids_of(*mine), (std::vector<std::string>{"key_a2", "key_a3"}));
  EXPECT_EQ(mine->back().revoked_at, kNow);
  // Another organisation's user named with this organisation finds nothing.
  auto foreign = store_->list_api_keys("org_a", std::string("usr_b1"));
  ASSERT_TRUE(foreign.is_ok());
  EXPECT_TRUE(foreign->empty());
  auto all_b = store_->list_api_keys("org_b", std::nullopt);
  ASSERT_TRUE(all_b.is_ok());
  EXPECT_EQ(ids_of(*all_b), (std::vector<std::string>{"key_b1"}));
}

TEST_F(PlatformStoreTest, RevokingAnotherOrganizationsKeyIsNotFound) {
  ASSERT_TRUE(store_->insert_api_key(make_key("key_a1", "org_a", "usr_a1")).is_ok());
  EXPECT_EQ(store_->revoke_api_key("org_b", "key_a1", kNow).code(), ErrorCode::kNotFound);
  EXPECT_EQ(store_->get_api_key("key_a1")->revoked_at, 0);
  EXPECT_EQ(store_->revoke_api_key("org_a", "key_missing", kNow).code(), ErrorCode::kNotFound);

  ASSERT_TRUE(store_->revoke_api_key("org_a", "key_a1", kNow + 3).is_ok());
  EXPECT_EQ(store_->get_api_key("key_a1")->revoked_at, kNow + 3);
  ASSERT_TRUE(store_->revoke_api_key("org_a", "key_a1", kNow + 9).is_ok());
  EXPECT_EQ(store_->get_api_key("key_a1")->revoked_at, kNow + 3);
}

TEST_F(PlatformStoreTest, TouchRecordsLastUse) {
  ASSERT_TRUE(store_->insert_api_key(make_key("key_a1", "org_a", "usr_a1")).is_ok());
  ASSERT_TRUE(store_->touch_api_key("key_a1", kNow + 100).is_ok());
  EXPECT_EQ(store_->get_api_key("key_a1")->last_used_at, kNow + 100);
  ASSERT_TRUE(store_->touch_api_key("key_a1", kNow + 200).is_ok());
  EXPECT_EQ(store_->get_api_key("key_a1")->last_used_at, kNow + 200);
  EXPECT_EQ(store_->touch_api_key("key_missing", kNow).code(), ErrorCode::kNotFound);
}

}  // namespace
}  // namespace ragd::platform
