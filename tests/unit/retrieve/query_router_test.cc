#include "retrieve/query_router.h"

#include <gtest/gtest.h>

namespace ragd {
namespace {

TEST(QueryRouter, ShortKeywordQueriesLeanLexical) {
  for (const char* q : {"ACV-POL-0307", "opening hours", "Reserve tier benefits", "  rosé  "}) {
    Route route = route_query(q);
    EXPECT_EQ(route.mode, SearchMode::kLexical) << q;
    EXPECT_NE(route.reason.find("short keyword"), std::string::npos) << route.reason;
  }
}

TEST(QueryRouter, QuestionsAndLongQueriesUseHybrid) {
  EXPECT_EQ(route_query("dogs?").mode, SearchMode::kHybrid);
  EXPECT_EQ(route_query("how cancel membership").mode, SearchMode::kHybrid);
  EXPECT_EQ(route_query("What wines").reason, "question (opens with 'what')");
  Route long_query = route_query("late harvest semillon botrytis");
  EXPECT_EQ(long_query.mode, SearchMode::kHybrid);
  EXPECT_EQ(long_query.reason, "long query (4 words)");
}

TEST(QueryRouter, Configurable) {
  RouterConfig config;
  config.keyword_max_words = 5;
  config.question_mode = SearchMode::kDense;
  EXPECT_EQ(route_query("late harvest semillon botrytis", config).mode, SearchMode::kLexical);
  EXPECT_EQ(route_query("why?", config).mode, SearchMode::kDense);
}

TEST(QueryRouter, WordCounting) {
  EXPECT_EQ(count_query_words(""), 0u);
  EXPECT_EQ(count_query_words(" - ? "), 0u);
  EXPECT_EQ(count_query_words("a - b"), 2u);
  EXPECT_EQ(count_query_words("été\tà Paris"), 3u);
}

TEST(SearchModes, NamesRoundTrip) {
  for (SearchMode m : {SearchMode::kLexical, SearchMode::kDense, SearchMode::kHybrid,
                       SearchMode::kAuto}) {
    auto parsed = parse_search_mode(search_mode_name(m));
    ASSERT_TRUE(parsed.is_ok());
    EXPECT_EQ(*parsed, m);
  }
  EXPECT_FALSE(parse_search_mode("semantic").is_ok());
}

}  // namespace
}  // namespace ragd
