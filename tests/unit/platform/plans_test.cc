#include "platform/plans.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace ragd::platform {
namespace {

constexpr int64_t kMB = 1000LL * 1000;

TEST(Plans, DefaultsAreTheDesignsThreePlans) {
  const PlanCatalog catalog;
  const Plan* free = catalog.find("free");
  const Plan* pro = catalog.find("pro");
  const Plan* ent = catalog.find("enterprise");
  ASSERT_NE(free, nullptr);
  ASSERT_NE(pro, nullptr);
  ASSERT_NE(ent, nullptr);

  EXPECT_EQ(free->name, "free");
  EXPECT_EQ(free->price_cents_per_month, 0);
  EXPECT_EQ(free->messages_per_month, 100);
  EXPECT_EQ(free->tokens_per_message, 1000);
  EXPECT_EQ(free->api_calls_per_day, 100);
  EXPECT_EQ(free->storage_bytes, 100 * kMB);

  EXPECT_EQ(pro->name, "pro");
  EXPECT_EQ(pro->price_cents_per_month, 2900);
  EXPECT_EQ(pro->messages_per_month, 1000);
  EXPECT_EQ(pro->tokens_per_message, 2000);
  EXPECT_EQ(pro->api_calls_per_day, 1000);
  EXPECT_EQ(pro->storage_bytes, 1000 * kMB);

  EXPECT_EQ(ent->name, "enterprise");
  EXPECT_EQ(ent->price_cents_per_month, 9900);
  EXPECT_EQ(ent->messages_per_month, -1);
  EXPECT_EQ(ent->tokens_per_message, 4000);
  EXPECT_EQ(ent->api_calls_per_day, -1);
  EXPECT_EQ(ent->storage_bytes, 10000 * kMB);

  for (const Plan* p : {free, pro, ent}) {
    EXPECT_EQ(p->requests_per_minute, 100) << p->name;
    EXPECT_EQ(p->chat_per_minute, 30) << p->name;
    EXPECT_EQ(p->search_per_minute, 60) << p->name;
  }
}

TEST(Plans, AllIsInNameOrder) {
  const PlanCatalog catalog;
  std::vector<std::string> names;
  for (const Plan* p : catalog.all()) names.push_back(p->name);
  EXPECT_EQ(names, (std::vector<std::string>{"enterprise", "free", "pro"}));
}

TEST(Plans, UnknownNameFallsBackToFree) {
  const PlanCatalog catalog;
  EXPECT_EQ(catalog.find("gold"), nullptr);
  EXPECT_EQ(catalog.find(""), nullptr);
  EXPECT_EQ(catalog.plan_or_free("gold").name, "free");
  EXPECT_EQ(catalog.plan_or_free("pro").name, "pro");
  EXPECT_EQ(&catalog.plan_or_free("nope"), catalog.find("free"));
}

TEST(Plans, OverridesReplaceByName) {
  Plan pro = *PlanCatalog().find("pro");
  pro.messages_per_month = 5000;
  pro.chat_per_minute = -1;
  auto catalog = PlanCatalog::with_overrides({pro});
  ASSERT_TRUE(catalog.is_ok()) << catalog.status().to_string();
  const Plan* got = catalog->find("pro");
  ASSERT_NE(got, nullptr);
  EXPECT_EQ(got->messages_per_month, 5000);
  EXPECT_EQ(got->chat_per_minute, -1);
  EXPECT_EQ(got->price_cents_per_month, 2900);
  EXPECT_EQ(catalog->find("free")->messages_per_month, 100);
  EXPECT_EQ(catalog->all().size(), 3u);
}

TEST(Plans, NewPlanTakesFreeValuesForUnspecifiedFields) {
  Plan team;
  team.name = "team-2_x";
  team.price_cents_per_month = 4900;
  team.messages_per_month = 3000;
  auto catalog = PlanCatalog::with_overrides({team});
  ASSERT_TRUE(catalog.is_ok()) << catalog.status().to_string();
  const Plan* got = catalog->find("team-2_x");
  ASSERT_NE(got, nullptr);
  const Plan& free = *catalog->find("free");
  EXPECT_EQ(got->messages_per_month, 3000);
  EXPECT_EQ(got->price_cents_per_month, 4900);
  EXPECT_EQ(got->tokens_per_message, free.tokens_per_message);
  EXPECT_EQ(got->api_calls_per_day, free.api_calls_per_day);
  EXPECT_EQ(got->storage_bytes, free.storage_bytes);
  EXPECT_EQ(got->requests_per_minute, free.requests_per_minute);
  EXPECT_EQ(catalog->all().size(), 4u);
}

TEST(Plans, ZeroAndUnlimitedAreValid) {
  Plan p;
  p.name = "locked";
  p.messages_per_month = 0;
  p.api_calls_per_day = -1;
  p.storage_bytes = 0;
  EXPECT_TRUE(PlanCatalog::with_overrides({p}).is_ok());
  EXPECT_TRUE(PlanCatalog::with_overrides({}).is_ok());
}

TEST(Plans, InvalidValuesAreRejected) {
  auto with = [](auto mutate) {
    Plan p;
    p.name = "bad";
    mutate(p);
    return PlanCatalog::with_overrides({p});
  };
  const auto expect_invalid = [](const Result<PlanCatalog>& r) {
    ASSERT_FALSE(r.is_ok());
    EXPECT_EQ(r.status().code(), ErrorCode::kInvalidArgument);
    EXPECT_FALSE(r.status().message().empty());
  };
  expect_invalid(with([](Plan& p) { p.messages_per_month = -2; }));
  expect_invalid(with([](Plan& p) { p.tokens_per_message = -100; }));
  expect_invalid(with([](Plan& p) { p.api_calls_per_day = INT64_MIN; }));
  expect_invalid(with([](Plan& p) { p.storage_bytes = -5; }));
  expect_invalid(with([](Plan& p) { p.requests_per_minute = -3; }));
  expect_invalid(with([](Plan& p) { p.chat_per_minute = -7; }));
  expect_invalid(with([](Plan& p) { p.search_per_minute = -9; }));
  expect_invalid(with([](Plan& p) { p.price_cents_per_month = -100; }));
}

TEST(Plans, InvalidNamesAreRejected) {
  for (const std::string& name :
       {std::string(), std::string("Pro"), std::string("pro plan"), std::string("pro.x"),
        std::string(33, 'a'), std::string("é"), std::string("a\0b", 3)}) {
    Plan p;
    p.name = name;
    auto r = PlanCatalog::with_overrides({p});
    ASSERT_FALSE(r.is_ok()) << name;
    EXPECT_EQ(r.status().code(), ErrorCode::kInvalidArgument);
  }
  Plan ok;
  ok.name = std::string(32, 'z');
  EXPECT_TRUE(PlanCatalog::with_overrides({ok}).is_ok());
}

TEST(Plans, OneBadOverrideFailsTheWhole) {
  Plan good;
  good.name = "good";
  Plan bad;
  bad.name = "bad";
  bad.messages_per_month = -10;
  EXPECT_FALSE(PlanCatalog::with_overrides({good, bad}).is_ok());
}

}  // namespace
}  // namespace ragd::platform
