#include "chat/query_analysis.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "common/dates.h"
#include "test_support.h"

namespace ragd {
namespace {

using testing_support::day;

const int32_t kToday = day("2025-06-15");

std::string describe(const TimeConstraint& t) {
  std::string out = (t.from ? format_iso_date(*t.from) : std::string("-")) + ".." +
                    (t.to ? format_iso_date(*t.to) : std::string("-"));
  if (t.prefer_recent) out += " recent";
  return out;
}

struct TimeCase {
  const char* question;
  const char* expected;  // "from..to" with '-' for open ends, " recent" when flagged
};

TEST(TimeConstraint, ResolvesExpressionsAgainstToday) {
  const TimeCase cases[] = {
      {"What happened in 2023?", "2023-01-01..2023-12-31"},
      {"events during 2024", "2024-01-01..2024-12-31"},
      {"How were sales last year?", "2024-01-01..2024-12-31"},
      {"Which events are on this year?", "2025-01-01..2025-12-31"},
      {"What is new this month?", "2025-06-01..2025-06-30"},
      {"What changed since March?", "2025-03-01..2025-06-15"},
      {"What changed since September?", "2024-09-01..2025-06-15"},
      {"since June", "2025-06-01..2025-06-15"},
      {"reports before 2020", "-..2019-12-31"},
      {"reports before March 2024", "-..2024-02-29"},
      {"reports after 2020", "2021-01-01..-"},
      {"prices until 2021", "-..2021-12-31"},
      {"Which vintages between 2019 and 2021?", "2019-01-01..2021-12-31"},
      {"between 2021 and 2019", "2019-01-01..2021-12-31"},
      {"from 2019 to 2021", "2019-01-01..2021-12-31"},
      {"from 2019 onwards", "2019-01-01..-"},
      {"vintages 2019\xE2\x80\x93"
       "2024 compared",
       "2019-01-01..2024-12-31"},
      {"the 2019-2021 vintages", "2019-01-01..2021-12-31"},
      {"What happened last month?", "2025-05-01..2025-05-31"},
      {"events in March 2024", "2024-03-01..2024-03-31"},
      {"events in March of 2024", "2024-03-01..2024-03-31"},
      {"events March 2024", "2024-03-01..2024-03-31"},
      {"in May", "2025-05-01..2025-05-31"},
      {"in December", "2024-12-01..2024-12-31"},
      {"in Q3 2023", "2023-07-01..2023-09-30"},
      {"wines of the 1990s", "1990-01-01..1999-12-31"},
      {"in the 1990s", "1990-01-01..1999-12-31"},
      {"since 2024-03-05", "2024-03-05..2025-06-15"},
      {"on 2024-03-05", "2024-03-05..2024-03-05"},
      {"changes in the past 6 months", "2024-12-15..2025-06-15"},
      {"over the last 2 years", "2023-06-15..2025-06-15"},
      {"the past three weeks", "2025-05-25..2025-06-15"},
      {"last week", "2025-06-08..2025-06-15"},
      {"next year", "2026-01-01..2026-12-31"},
      {"the current year", "2025-01-01..2025-12-31"},
      {"since 2019 and before 2022", "2019-01-01..2021-12-31"},
      // A contradictory second expression is ignored.
      {"in 2023 and in 2021", "2023-01-01..2023-12-31"},
      {"What is the latest release?", "-..- recent"},
      {"most recent vintage", "-..- recent"},
      {"What are the current prices?", "-..- recent"},
      {"recent reports since 2020", "2020-01-01..2025-06-15 recent"},
      // Not time expressions.
      {"the 2021 Pinot Noir", "-..-"},
      {"You may visit with a dog", "-..-"},
      {"When is the last seating?", "-..-"},
      {"in 3000", "-..-"},
      {"walk through the vineyard", "-..-"},
      {"", "-..-"},
  };
  for (const TimeCase& c : cases) {
    EXPECT_EQ(describe(find_time_constraint(c.question, kToday)), c.expected) << c.question;
  }
}

TEST(TimeConstraint, RecordsSpansOfExpressions) {
  const std::string q = "What was the harvest like in 2021, and in the past 2 years?";
  const TimeConstraint t = find_time_constraint(q, kToday);
  ASSERT_EQ(t.spans.size(), 1u);  // the second range does not intersect the first
  EXPECT_EQ(q.substr(t.spans[0].first, t.spans[0].second - t.spans[0].first), "in 2021");

  const std::string q2 = "prices in the past 2 years";
  const TimeConstraint t2 = find_time_constraint(q2, kToday);
  ASSERT_EQ(t2.spans.size(), 1u);
  EXPECT_EQ(q2.substr(t2.spans[0].first), "in the past 2 years");
}

TEST(TimeConstraint, ExtremeTodayIsClamped) {
  EXPECT_NO_FATAL_FAILURE(find_time_constraint("last year since March", INT32_MAX));
  EXPECT_NO_FATAL_FAILURE(find_time_constraint("last year since March", INT32_MIN));
  const TimeConstraint t = find_time_constraint("last year", INT32_MAX);
  EXPECT_EQ(describe(t), "2199-01-01..2199-12-31");
}

std::vector<std::string> entities_of(const std::string& q) {
  QueryAnalyzer analyzer;
  std::vector<std::string> out;
  for (const Entity& e : analyzer.analyze(q, kToday).entities) {
    out.push_back(std::string(entity_kind_name(e.kind)) + ":" + e.text);
    EXPECT_LE(e.end, q.size());
    EXPECT_EQ(q.substr(e.begin, e.end - e.begin), e.text) << q;
  }
  return out;
}

using Strings = std::vector<std::string>;

TEST(Entities, Table) {
  struct Case {
    const char* question;
    Strings expected;
  };
  const Case cases[] = {
      {"Which grapes are blended into the Confluence red wine?", {"name:Confluence"}},
      {"Tell me about the Reserve Pinot Noir and the Old Vine Zinfandel",
       {"name:Reserve Pinot Noir", "name:Old Vine Zinfandel"}},
      {"Is CVE-2023-12345 fixed in v2.1.0?", {"identifier:CVE-2023-12345", "version:v2.1.0"}},
      {"What is ACV-MERCH-0142?", {"identifier:ACV-MERCH-0142"}},
      {"Who is Dana Okafor?", {"name:Dana Okafor"}},
      {"Dana Okafor joined when?", {"name:Dana Okafor"}},
      {"What is Dana's favourite wine?", {"name:Dana"}},
      {"What did Eleanor Alder learn at Ch\xC3\xA2teau Belcour in Saint-\xC3\x89milion?",
       {"name:Eleanor Alder", "name:Ch\xC3\xA2teau Belcour", "name:Saint-\xC3\x89milion"}},
      {"Is the Ros\xC3\xA9 of Pinot Noir dry?", {"name:Ros\xC3\xA9 of Pinot Noir"}},
      {"Is the Blanc de Blancs vintage?", {"name:Blanc de Blancs"}},
      {"How long is the Cave Tour & Tasting?", {"name:Cave Tour & Tasting"}},
      {"Where does the policy say \"heat hold\"?", {"quoted:heat hold"}},
      {"What does \xE2\x80\x98release weekend\xE2\x80\x99 mean?", {"quoted:release weekend"}},
      {"Don't the club's 'Reserve tier' members get more?", {"quoted:Reserve tier"}},
      {"Is the tasting room open on Monday in March?", {}},
      {"What is NASA's budget?", {"name:NASA"}},
      {"Upgrade from 1.2.3 to 3.14 today", {"version:1.2.3"}},
      {"Bottles of 750ml since the 21st", {}},
      {"The 2021 Estate Pinot Noir", {"name:Estate Pinot Noir"}},
      {"what does APT29 target", {"identifier:APT29"}},
      {"mail jane.doe@example.com please", {"identifier:jane.doe@example.com"}},
      {"Is Syrah better than SYRAH?", {"name:Syrah"}},
      {"Pinot prices?", {}},
      {"are dogs allowed", {}},
      {"", {}},
  };
  for (const Case& c : cases) {
    EXPECT_EQ(entities_of(c.question), c.expected) << c.question;
  }
}

TEST(Intent, Table) {
  struct Case {
    const char* question;
    QueryIntent expected;
  };
  const Case cases[] = {
      {"Pinot Noir price", QueryIntent::kKeywordLookup},
      {"ACV-POL-0307", QueryIntent::kKeywordLookup},
      {"", QueryIntent::kKeywordLookup},
      {"who is Dana", QueryIntent::kFactual},
      {"tasting room hours?", QueryIntent::kFactual},
      {"What is the price of the Reserve Pinot Noir?", QueryIntent::kFactual},
      {"Are dogs allowed at the estate?", QueryIntent::kFactual},
      {"What happens when a payment fails?", QueryIntent::kFactual},
      {"Compare the Creekside and Heritage tiers", QueryIntent::kComparative},
      {"Is the Syrah cheaper than the Zinfandel?", QueryIntent::kComparative},
      {"Estate Pinot Noir vs Reserve Pinot Noir", QueryIntent::kComparative},
      {"What is the difference between the Heritage and Reserve tiers?", QueryIntent::kComparative},
      {"Which is older, the Syrah or the Zinfandel?", QueryIntent::kComparative},
      {"When is the Harvest Festival?", QueryIntent::kTemporal},
      {"How has the yield changed since 2019?", QueryIntent::kTemporal},
      {"What happened in 2021?", QueryIntent::kTemporal},
      {"What year was the winery founded?", QueryIntent::kTemporal},
      {"Why was the 2020 crop so small?", QueryIntent::kAnalytical},
      {"Why did yields drop in 2020?", QueryIntent::kAnalytical},
      {"Explain how dry farming works", QueryIntent::kAnalytical},
      {"How does whole-cluster fermentation affect the wine?", QueryIntent::kAnalytical},
  };
  QueryAnalyzer analyzer;
  for (const Case& c : cases) {
    EXPECT_STREQ(query_intent_name(analyzer.analyze(c.question, kToday).intent),
                 query_intent_name(c.expected))
        << c.question;
  }
}

TEST(Keywords, ContentWordsWithoutTimeExpressions) {
  QueryAnalyzer analyzer;
  EXPECT_EQ(analyzer.analyze("What are the tasting room opening hours in summer?", kToday).keywords,
            Strings({"tasting", "room", "opening", "hours", "summer"}));
  EXPECT_EQ(analyzer.analyze("How much did the Reserve tier cost in 2023?", kToday).keywords,
            Strings({"reserve", "tier", "cost"}));
  EXPECT_EQ(analyzer.analyze("Ros\xC3\xA9 ROS\xC3\x89 ros\xC3\xA9", kToday).keywords,
            Strings({"ros\xC3\xA9"}));
  EXPECT_TRUE(analyzer.analyze("what is it?", kToday).keywords.empty());
}

TEST(QueryAnalyzer, HostileInputNeverCrashes) {
  QueryAnalyzer analyzer;
  for (uint32_t seed = 1; seed <= 40; ++seed) {
    const std::string input = testing_support::hostile_bytes(2000 + seed * 97, seed);
    const QueryAnalysis a = analyzer.analyze(input, kToday);
    for (const Entity& e : a.entities) {
      EXPECT_LE(e.begin, e.end);
      EXPECT_LE(e.end, input.size());
    }
  }
  const std::string huge(5'000'000, 'A');
  EXPECT_NO_FATAL_FAILURE(analyzer.analyze(huge, kToday));
  const std::string quotes(100'000, '"');
  EXPECT_TRUE(analyzer.analyze(quotes, kToday).entities.empty());
  std::string many_words;
  for (int i = 0; i < 20'000; ++i) many_words += "Since March in 2023 between ";
  EXPECT_NO_FATAL_FAILURE(analyzer.analyze(many_words, kToday));
  // A cut inside a multi-byte sequence backs up to its start.
  QueryAnalyzer small(4);
  const QueryAnalysis cut = small.analyze("Caf\xC3\xA9 Ros\xC3\xA9", kToday);
  EXPECT_EQ(cut.keywords, Strings({"caf"}));
}

}  // namespace
}  // namespace ragd
