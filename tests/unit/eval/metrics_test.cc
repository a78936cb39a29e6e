// Hand-computed cases for the trec_eval-compatible retrieval metrics. Expected values are
// written from the definitions (DCG term = gain / log2(rank + 1)), not from the code.
#include "eval/metrics.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <nlohmann/json.hpp>
#include <string>

namespace ragd {
namespace {

constexpr double kEps = 1e-12;

RetrievalRun one_query(std::vector<RunHit> hits) {
  return RetrievalRun{{"q", std::move(hits)}};
}

TEST(MetricsTest, BinaryRelevanceAllFourMeasures) {
  // Ranking d1, d2, d3; relevant: d2 (rank 2) and d4 (not retrieved).
  Qrels qrels{{"q", {{"d2", 1}, {"d4", 1}}}};
  auto r = evaluate_run(one_query({{"d1", 3.0}, {"d2", 2.0}, {"d3", 1.0}}), qrels);
  ASSERT_TRUE(r.is_ok()) << r.status().to_string();
  EXPECT_EQ(r->num_queries, 1u);
  const double ideal = 1.0 + 1.0 / std::log2(3.0);
  EXPECT_NEAR(r->ndcg_at_10, (1.0 / std::log2(3.0)) / ideal, kEps);
  EXPECT_NEAR(r->recall_at_100, 0.5, kEps);
  EXPECT_NEAR(r->mrr_at_10, 0.5, kEps);
  EXPECT_NEAR(r->map_at_100, (1.0 / 2.0) / 2.0, kEps);
}

TEST(MetricsTest, TiesBreakByDocumentIdDescending) {
  // Equal scores rank c, b, a (trec_eval: docno descending), so the relevant "a" is third.
  Qrels qrels{{"q", {{"a", 1}}}};
  auto r = evaluate_run(one_query({{"a", 1.0}, {"b", 1.0}, {"c", 1.0}}), qrels);
  ASSERT_TRUE(r.is_ok());
  EXPECT_NEAR(r->mrr_at_10, 1.0 / 3.0, kEps);
  EXPECT_NEAR(r->ndcg_at_10, 1.0 / std::log2(4.0), kEps);
  EXPECT_NEAR(r->map_at_100, 1.0 / 3.0, kEps);
}

TEST(MetricsTest, TieOrderIsByteOrderNotNumeric) {
  // "9" > "10" as bytes, so "9" ranks first among equal scores.
  Qrels qrels{{"q", {{"10", 1}}}};
  auto r = evaluate_run(one_query({{"10", 5.0}, {"9", 5.0}}), qrels);
  ASSERT_TRUE(r.is_ok());
  EXPECT_NEAR(r->mrr_at_10, 0.5, kEps);
}

TEST(MetricsTest, HigherScoreWinsOverIdOrder) {
  Qrels qrels{{"q", {{"a", 1}}}};
  auto r = evaluate_run(one_query({{"z", 0.5}, {"a", 0.75}}), qrels);
  ASSERT_TRUE(r.is_ok());
  EXPECT_NEAR(r->mrr_at_10, 1.0, kEps);
}

TEST(MetricsTest, GradedRelevanceUsesRelevanceAsGain) {
  // Ranking y (rel 1), x (rel 2); ideal ranking x, y.
  Qrels qrels{{"q", {{"x", 2}, {"y", 1}, {"z", 0}}}};
  auto r = evaluate_run(one_query({{"y", 0.9}, {"x", 0.8}, {"z", 0.7}}), qrels);
  ASSERT_TRUE(r.is_ok());
  const double dcg = 1.0 + 2.0 / std::log2(3.0);
  const double ideal = 2.0 + 1.0 / std::log2(3.0);
  EXPECT_NEAR(r->ndcg_at_10, dcg / ideal, kEps);
  EXPECT_NEAR(r->mrr_at_10, 1.0, kEps);
  EXPECT_NEAR(r->recall_at_100, 1.0, kEps);
  EXPECT_NEAR(r->map_at_100, (1.0 + 1.0) / 2.0, kEps);
}

TEST(MetricsTest, ZeroAndNegativeRelevanceAreNotRelevant) {
  Qrels qrels{{"q", {{"neg", -1}, {"zero", 0}, {"hit", 1}}}};
  auto r = evaluate_run(one_query({{"neg", 3.0}, {"zero", 2.0}, {"hit", 1.0}}), qrels);
  ASSERT_TRUE(r.is_ok());
  EXPECT_NEAR(r->mrr_at_10, 1.0 / 3.0, kEps);
  EXPECT_NEAR(r->ndcg_at_10, 1.0 / std::log2(4.0), kEps);  // ideal counts only "hit"
  EXPECT_NEAR(r->recall_at_100, 1.0, kEps);
  EXPECT_NEAR(r->map_at_100, 1.0 / 3.0, kEps);
}

std::vector<RunHit> descending_hits(int n, const std::string& relevant, int relevant_rank) {
  std::vector<RunHit> hits;
  for (int i = 1; i <= n; ++i) {
    hits.push_back(
        {i == relevant_rank ? relevant : "n" + std::to_string(i), static_cast<double>(n - i)});
  }
  return hits;
}

TEST(MetricsTest, RelevantAtRankElevenIsOutsideTheTenCuts) {
  Qrels qrels{{"q", {{"rel", 1}}}};
  auto r = evaluate_run(one_query(descending_hits(20, "rel", 11)), qrels);
  ASSERT_TRUE(r.is_ok());
  EXPECT_EQ(r->ndcg_at_10, 0.0);
  EXPECT_EQ(r->mrr_at_10, 0.0);
  EXPECT_NEAR(r->recall_at_100, 1.0, kEps);
  EXPECT_NEAR(r->map_at_100, 1.0 / 11.0, kEps);
}

TEST(MetricsTest, RelevantAtRankTenCounts) {
  Qrels qrels{{"q", {{"rel", 1}}}};
  auto r = evaluate_run(one_query(descending_hits(20, "rel", 10)), qrels);
  ASSERT_TRUE(r.is_ok());
  EXPECT_NEAR(r->mrr_at_10, 0.1, kEps);
  EXPECT_NEAR(r->ndcg_at_10, 1.0 / std::log2(11.0), kEps);
}

TEST(MetricsTest, RelevantAtRank101IsOutsideTheHundredCuts) {
  Qrels qrels{{"q", {{"rel", 1}}}};
  auto r = evaluate_run(one_query(descending_hits(150, "rel", 101)), qrels);
  ASSERT_TRUE(r.is_ok());
  EXPECT_EQ(r->recall_at_100, 0.0);
  EXPECT_EQ(r->map_at_100, 0.0);
  auto at100 = evaluate_run(one_query(descending_hits(150, "rel", 100)), qrels);
  ASSERT_TRUE(at100.is_ok());
  EXPECT_NEAR(at100->recall_at_100, 1.0, kEps);
  EXPECT_NEAR(at100->map_at_100, 0.01, kEps);
}

TEST(MetricsTest, IdealDcgIsCutAtTenToo) {
  // 12 relevant documents, all retrieved first: nDCG@10 is exactly 1.
  Qrels qrels;
  std::vector<RunHit> hits;
  for (int i = 0; i < 12; ++i) {
    qrels["q"]["r" + std::to_string(i)] = 1;
    hits.push_back({"r" + std::to_string(i), 100.0 - i});
  }
  auto r = evaluate_run(one_query(hits), qrels);
  ASSERT_TRUE(r.is_ok());
  EXPECT_NEAR(r->ndcg_at_10, 1.0, kEps);
  EXPECT_NEAR(r->map_at_100, 1.0, kEps);
}

TEST(MetricsTest, QueriesMissingFromTheRunAreSkippedByDefault) {
  Qrels qrels{{"q1", {{"a", 1}}}, {"q2", {{"b", 1}}}};
  RetrievalRun run{{"q1", {{"a", 1.0}}}};
  auto r = evaluate_run(run, qrels);
  ASSERT_TRUE(r.is_ok());
  EXPECT_EQ(r->num_queries, 1u);
  EXPECT_NEAR(r->ndcg_at_10, 1.0, kEps);

  MetricsOptions complete;
  complete.count_missing_queries_as_zero = true;
  auto c = evaluate_run(run, qrels, complete);
  ASSERT_TRUE(c.is_ok());
  EXPECT_EQ(c->num_queries, 2u);
  EXPECT_NEAR(c->ndcg_at_10, 0.5, kEps);
  EXPECT_NEAR(c->mrr_at_10, 0.5, kEps);
  ASSERT_EQ(c->per_query.size(), 2u);
  EXPECT_EQ(c->per_query[1].query_id, "q2");
  EXPECT_EQ(c->per_query[1].recall_at_100, 0.0);
}

TEST(MetricsTest, QueryWithEmptyHitListScoresZero) {
  Qrels qrels{{"q1", {{"a", 1}}}, {"q2", {{"b", 1}}}};
  RetrievalRun run{{"q1", {{"a", 1.0}}}, {"q2", {}}};
  auto r = evaluate_run(run, qrels);
  ASSERT_TRUE(r.is_ok());
  EXPECT_EQ(r->num_queries, 2u);
  EXPECT_NEAR(r->map_at_100, 0.5, kEps);
}

TEST(MetricsTest, RunQueriesWithoutJudgementsAreIgnored) {
  Qrels qrels{{"q1", {{"a", 1}}}};
  RetrievalRun run{{"q1", {{"a", 1.0}}}, {"unjudged", {{"a", 1.0}}}};
  auto r = evaluate_run(run, qrels);
  ASSERT_TRUE(r.is_ok());
  EXPECT_EQ(r->num_queries, 1u);
  EXPECT_NEAR(r->recall_at_100, 1.0, kEps);
}

TEST(MetricsTest, QueryWithoutRelevantDocumentsCountsAsZeroUnlessSkipped) {
  Qrels qrels{{"q1", {{"a", 1}}}, {"q2", {{"b", 0}}}};
  RetrievalRun run{{"q1", {{"a", 1.0}}}, {"q2", {{"b", 1.0}}}};
  auto r = evaluate_run(run, qrels);
  ASSERT_TRUE(r.is_ok());
  EXPECT_EQ(r->num_queries, 2u);
  EXPECT_NEAR(r->ndcg_at_10, 0.5, kEps);

  MetricsOptions skip;
  skip.skip_queries_without_relevant = true;
  auto s = evaluate_run(run, qrels, skip);
  ASSERT_TRUE(s.is_ok());
  EXPECT_EQ(s->num_queries, 1u);
  EXPECT_NEAR(s->ndcg_at_10, 1.0, kEps);
}

TEST(MetricsTest, EmptyRunIsAnErrorThatExplainsItself) {
  Qrels qrels{{"q1", {{"a", 1}}}};
  auto r = evaluate_run(RetrievalRun{}, qrels);
  ASSERT_FALSE(r.is_ok());
  EXPECT_EQ(r.status().code(), ErrorCode::kInvalidArgument);
  EXPECT_NE(r.status().message().find("no query"), std::string::npos);

  auto none = evaluate_run(RetrievalRun{{"q1", {}}}, Qrels{});
  EXPECT_FALSE(none.is_ok());
}

TEST(MetricsTest, EmptyRunWithCompleteAveragingScoresZero) {
  MetricsOptions complete;
  complete.count_missing_queries_as_zero = true;
  auto r = evaluate_run(RetrievalRun{}, Qrels{{"q1", {{"a", 1}}}}, complete);
  ASSERT_TRUE(r.is_ok());
  EXPECT_EQ(r->num_queries, 1u);
  EXPECT_EQ(r->ndcg_at_10, 0.0);
}

TEST(MetricsTest, DuplicateDocumentIsRefused) {
  Qrels qrels{{"q", {{"a", 1}}}};
  auto r = evaluate_run(one_query({{"a", 1.0}, {"b", 0.5}, {"a", 0.2}}), qrels);
  ASSERT_FALSE(r.is_ok());
  EXPECT_NE(r.status().message().find("'a'"), std::string::npos);
}

TEST(MetricsTest, NanScoreIsRefusedAndInfinityIsOrdered) {
  Qrels qrels{{"q", {{"a", 1}}}};
  auto nan =
      evaluate_run(one_query({{"a", std::numeric_limits<double>::quiet_NaN()}, {"b", 1.0}}), qrels);
  EXPECT_FALSE(nan.is_ok());
  auto inf =
      evaluate_run(one_query({{"b", 1.0}, {"a", std::numeric_limits<double>::infinity()}}), qrels);
  ASSERT_TRUE(inf.is_ok());
  EXPECT_NEAR(inf->mrr_at_10, 1.0, kEps);
}

TEST(MetricsTest, IgnoreIdenticalIdsDropsSelfHits) {
  Qrels qrels{{"q", {{"a", 1}}}};
  RetrievalRun run = one_query({{"q", 9.0}, {"a", 1.0}});
  auto kept = evaluate_run(run, qrels);
  ASSERT_TRUE(kept.is_ok());
  EXPECT_NEAR(kept->mrr_at_10, 0.5, kEps);
  MetricsOptions beir;
  beir.ignore_identical_ids = true;
  auto dropped = evaluate_run(run, qrels, beir);
  ASSERT_TRUE(dropped.is_ok());
  EXPECT_NEAR(dropped->mrr_at_10, 1.0, kEps);
}

TEST(MetricsTest, MeanIsOverQueriesAndPerQueryIsOrderedById) {
  Qrels qrels{{"b", {{"x", 1}}}, {"a", {{"x", 1}}}};
  RetrievalRun run{{"a", {{"x", 1.0}}}, {"b", {{"y", 2.0}, {"x", 1.0}}}};
  auto r = evaluate_run(run, qrels);
  ASSERT_TRUE(r.is_ok());
  ASSERT_EQ(r->per_query.size(), 2u);
  EXPECT_EQ(r->per_query[0].query_id, "a");
  EXPECT_NEAR(r->per_query[0].mrr_at_10, 1.0, kEps);
  EXPECT_NEAR(r->per_query[1].mrr_at_10, 0.5, kEps);
  EXPECT_NEAR(r->mrr_at_10, 0.75, kEps);
}

TEST(MetricsTest, JsonCarriesMeansAndPerQueryValues) {
  Qrels qrels{{"q", {{"a", 1}}}};
  auto r = evaluate_run(one_query({{"b", 2.0}, {"a", 1.0}}), qrels);
  ASSERT_TRUE(r.is_ok());
  auto j = nlohmann::json::parse(metrics_to_json(*r, true));
  EXPECT_EQ(j["queries"], 1);
  EXPECT_NEAR(j["mrr@10"].get<double>(), 0.5, kEps);
  EXPECT_NEAR(j["per_query"]["q"]["ndcg@10"].get<double>(), 1.0 / std::log2(3.0), kEps);
  EXPECT_FALSE(nlohmann::json::parse(metrics_to_json(*r, false)).contains("per_query"));
}

TEST(MetricsTest, JsonSurvivesInvalidUtf8QueryIds) {
  Qrels qrels{{"q\xff", {{"a", 1}}}};
  auto r = evaluate_run(RetrievalRun{{"q\xff", {{"a", 1.0}}}}, qrels);
  ASSERT_TRUE(r.is_ok());
  EXPECT_FALSE(metrics_to_json(*r, true).empty());
}

}  // namespace
}  // namespace ragd
