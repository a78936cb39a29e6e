#include "chat/domain_router.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "chat/domain_config.h"
#include "test_support.h"

namespace ragd {
namespace {

using Strings = std::vector<std::string>;

std::vector<DomainConfig> sample_domains() {
  Result<std::vector<DomainConfig>> domains =
      load_domain_configs(testing_support::source_path("examples/knowledge/domains.json"));
  EXPECT_TRUE(domains.is_ok()) << domains.status().to_string();
  return domains.is_ok() ? domains.value() : std::vector<DomainConfig>{};
}

TEST(DomainConfig, SampleKnowledgeBaseConfigIsValidAndCoversItsFolders) {
  const std::vector<DomainConfig> domains = sample_domains();
  Strings names;
  for (const DomainConfig& d : domains) {
    names.push_back(d.name);
    EXPECT_FALSE(d.keywords.empty()) << d.name;
    EXPECT_FALSE(d.description.empty()) << d.name;
  }
  EXPECT_EQ(names, Strings({"wine", "visiting", "events", "club", "merchandise", "about"}));
  EXPECT_EQ(domains[0].related, Strings({"club", "merchandise", "visiting", "events"}));
}

TEST(DomainConfig, SerialisesAndParsesBackToEqualConfigs) {
  const std::vector<DomainConfig> domains = sample_domains();
  const std::string json = serialize_domain_configs(domains);
  Result<std::vector<DomainConfig>> again = parse_domain_configs(json);
  ASSERT_TRUE(again.is_ok()) << again.status().to_string();
  EXPECT_EQ(*again, domains);
  EXPECT_EQ(json.find("\"name\""), json.find('"', json.find('{', 1)));  // name comes first
  EXPECT_EQ(json.back(), '\n');
}

TEST(DomainConfig, RejectsBadConfigsWithClearMessages) {
  struct Case {
    const char* json;
    const char* message_part;
  };
  const Case cases[] = {
      {"", "not valid JSON"},
      {"{", "not valid JSON"},
      {"[]", "must be a JSON object"},
      {"{}", "no \"domains\""},
      {R"({"domains": {}})", "must be an array"},
      {R"({"domains": [], "extra": 1})", "unknown key 'extra'"},
      {R"({"domains": [1]})", "domains[0] must be an object"},
      {R"({"domains": [{"description": "x"}]})", "has no \"name\""},
      {R"({"domains": [{"name": ""}]})", "empty name"},
      {R"({"domains": [{"name": "  "}]})", "empty name"},
      {R"({"domains": [{"name": " wine"}]})", "surrounding spaces"},
      {R"({"domains": [{"name": "a/b"}]})", "'/'"},
      {R"({"domains": [{"name": 7}]})", "name must be a string"},
      {R"({"domains": [{"name": "wine"}, {"name": "wine"}]})", "declared twice"},
      {R"({"domains": [{"name": "wine", "related": ["club"]}]})", "unknown related domain 'club'"},
      {R"({"domains": [{"name": "wine", "related": ["wine"]}]})", "itself as related"},
      {R"({"domains": [{"name": "a", "related": ["b", "b"]}, {"name": "b"}]})",
       "related domain 'b' twice"},
      {R"({"domains": [{"name": "wine", "keywords": ["red", "red"]}]})", "keyword 'red' twice"},
      {R"({"domains": [{"name": "wine", "keywords": [" "]}]})", "empty keyword"},
      {R"({"domains": [{"name": "wine", "keywords": "red"}]})", "array of strings"},
      {R"({"domains": [{"name": "wine", "keywords": [1]}]})", "keywords[0] must be a string"},
      {R"({"domains": [{"name": "wine", "relatd": []}]})", "unknown key 'relatd'"},
      {"{\"domains\": [{\"name\": \"w\xff\"}]}", "not valid JSON"},
  };
  for (const Case& c : cases) {
    Result<std::vector<DomainConfig>> parsed = parse_domain_configs(c.json);
    ASSERT_FALSE(parsed.is_ok()) << c.json;
    EXPECT_EQ(parsed.status().code(), ErrorCode::kInvalidArgument) << c.json;
    EXPECT_NE(parsed.status().message().find(c.message_part), std::string::npos)
        << c.json << " -> " << parsed.status().message();
  }
  EXPECT_TRUE(parse_domain_configs(R"({"domains": []})").is_ok());
}

TEST(DomainConfig, LoadReportsMissingFiles) {
  Result<std::vector<DomainConfig>> missing = load_domain_configs("/nonexistent/domains.json");
  ASSERT_FALSE(missing.is_ok());
  EXPECT_EQ(missing.status().code(), ErrorCode::kNotFound);
}

class SampleRouter : public ::testing::Test {
 protected:
  Analyzer analyzer_;
  DomainRouter router_{sample_domains(), analyzer_};
};

TEST_F(SampleRouter, RoutesQuestionsOfTheSampleKnowledgeBase) {
  struct Case {
    const char* question;
    const char* primary;
  };
  const Case cases[] = {
      {"What are the tasting room opening hours in summer?", "visiting"},
      {"What are the benefits of the Reserve tier of the wine club?", "club"},
      {"When is the 2025 Harvest Festival and how much are tickets?", "events"},
      {"Which grapes are blended into the Confluence red wine?", "wine"},
      {"Are dogs allowed at the estate?", "visiting"},
      {"What is the return policy for merchandise bought online?", "merchandise"},
      {"How much is the Reserve Pinot Noir?", "wine"},
      {"Is the Rose of Pinot Noir dry?", "wine"},  // accent folded
      {"Can I book tastings for a group of ten?", "visiting"},
      {"When are club shipments charged?", "club"},
      {"How much does shipping cost for a gift box?", "merchandise"},
      {"Who founded the winery and when?", "about"},
      {"What does policy ACV-POL-0307 say about cancelling?", "club"},
      {"Can we have our wedding at the estate?", "events"},
      {"Does the estate use solar energy?", "about"},
  };
  for (const Case& c : cases) {
    const DomainRoute route = router_.route(c.question);
    EXPECT_EQ(route.primary, c.primary) << c.question;
    EXPECT_LE(route.related.size(), 4u);
    EXPECT_EQ(std::count(route.related.begin(), route.related.end(), route.primary), 0);
  }
}

TEST_F(SampleRouter, UnmatchedQuestionsAreNotRouted) {
  for (const char* q : {"", "Quantum chromodynamics on a lattice", "???", "\xff\xfe"}) {
    const DomainRoute route = router_.route(q);
    EXPECT_FALSE(route.routed()) << q;
    EXPECT_TRUE(route.related.empty());
    const RetrievalPlan plan = router_.plan(route, 10);
    ASSERT_EQ(plan.shares.size(), 1u);
    EXPECT_TRUE(plan.shares[0].domains.empty());
    EXPECT_EQ(plan.shares[0].k, 10u);
  }
}

TEST_F(SampleRouter, OtherMatchedDomainsComeFirstAmongRelated) {
  const DomainRoute route =
      router_.route("Do wine club members get a discount on merchandise like the corkscrew?");
  EXPECT_EQ(route.primary, "club");
  ASSERT_FALSE(route.related.empty());
  EXPECT_EQ(route.related[0], "merchandise");
  ASSERT_GE(route.matches.size(), 2u);
  EXPECT_GE(route.matches[0].score, route.matches[1].score);
  EXPECT_NE(
      std::find(route.matches[0].keywords.begin(), route.matches[0].keywords.end(), "wine club"),
      route.matches[0].keywords.end());
}

TEST(DomainRouter, PlanSplitsKBetweenPrimaryAndRelated) {
  Analyzer analyzer;
  std::vector<DomainConfig> domains = {
      {"wine", "", {"pinot"}, {"club", "shop"}},
      {"club", "", {"member"}, {}},
      {"shop", "", {"tote"}, {}},
  };
  DomainRouter router(domains, analyzer);
  const DomainRoute wine = router.route("pinot");
  EXPECT_EQ(wine.related, Strings({"club", "shop"}));
  struct Case {
    size_t k;
    size_t primary;
    size_t rest;
  };
  for (const Case& c :
       {Case{10, 7, 3}, Case{1, 1, 0}, Case{2, 1, 1}, Case{3, 2, 1}, Case{100, 70, 30}}) {
    const RetrievalPlan plan = router.plan(wine, c.k);
    EXPECT_EQ(plan.total_k(), c.k);
    ASSERT_GE(plan.shares.size(), 1u);
    EXPECT_EQ(plan.shares[0].domains, Strings({"wine"}));
    EXPECT_EQ(plan.shares[0].k, c.primary) << c.k;
    if (c.rest == 0) {
      EXPECT_EQ(plan.shares.size(), 1u);
    } else {
      ASSERT_EQ(plan.shares.size(), 2u);
      EXPECT_EQ(plan.shares[1].domains, Strings({"club", "shop"}));
      EXPECT_EQ(plan.shares[1].k, c.rest);
    }
  }
  EXPECT_TRUE(router.plan(wine, 0).shares.empty());
  // A primary without related domains draws the rest from the whole collection.
  const RetrievalPlan club = router.plan(router.route("member"), 10);
  ASSERT_EQ(club.shares.size(), 2u);
  EXPECT_EQ(club.shares[0].domains, Strings({"club"}));
  EXPECT_TRUE(club.shares[1].domains.empty());
  EXPECT_EQ(club.shares[1].k, 3u);
}

TEST(DomainRouter, PhrasesOutweighWordsAndNameCounts) {
  Analyzer analyzer;
  DomainRouter router({{"wine", "", {"reserve"}, {}}, {"club", "", {"reserve tier"}, {}}},
                      analyzer);
  EXPECT_EQ(router.route("What does the Reserve tier include?").primary, "club");
  EXPECT_EQ(router.route("Is the Reserve good?").primary, "wine");
  // The domain name is a keyword; stems match ("clubs").
  EXPECT_EQ(router.route("Which clubs are there?").primary, "club");
  // Ties go to the first declared domain.
  DomainRouter tie({{"a", "", {"x"}, {}}, {"b", "", {"x"}, {}}}, analyzer);
  EXPECT_EQ(tie.route("x").primary, "a");
  EXPECT_EQ(tie.route("x").related, Strings({"b"}));
}

TEST(DomainRouter, EntitiesStrengthenTheirKeywords) {
  Analyzer analyzer;
  DomainRouter router({{"visiting", "", {"tasting"}, {}}, {"events", "", {"festival"}, {}}},
                      analyzer);
  const std::string q = "Is there tasting at the Harvest Festival?";
  EXPECT_EQ(router.route(q).primary, "visiting");  // tie, first declared
  QueryAnalyzer query_analyzer;
  const QueryAnalysis analysis = query_analyzer.analyze(q, testing_support::day("2025-06-01"));
  const DomainRoute route = router.route(q, analysis);
  EXPECT_EQ(route.primary, "events");
  EXPECT_EQ(route.related, Strings({"visiting"}));
}

TEST(DomainRouter, HostileQuestionsDoNotCrash) {
  Analyzer analyzer;
  DomainRouter router(sample_domains(), analyzer);
  for (uint32_t seed = 1; seed <= 20; ++seed) {
    const std::string q = testing_support::hostile_bytes(3000, seed);
    const DomainRoute route = router.route(q);
    EXPECT_LE(router.plan(route, 7).total_k(), 7u);
  }
  EXPECT_NO_FATAL_FAILURE(router.route(std::string(2'000'000, 'x')));
}

}  // namespace
}  // namespace ragd
