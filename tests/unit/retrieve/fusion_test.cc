#include "retrieve/fusion.h"

#include <gtest/gtest.h>

namespace ragd {
namespace {

std::vector<ScoredChunk> list(std::initializer_list<std::pair<int64_t, float>> items) {
  std::vector<ScoredChunk> out;
  for (auto [id, score] : items) out.push_back({id, score});
  return out;
}

TEST(Rrf, HandComputedScores) {
  // Lexical: 1, 2, 3.  Dense: 3, 4, 1.
  auto fused = reciprocal_rank_fusion({list({{1, 9}, {2, 5}, {3, 1}}),
                                       list({{3, .9f}, {4, .8f}, {1, .1f}})},
                                      60);
  ASSERT_EQ(fused.size(), 4u);
  // 1: 1/61 + 1/63 = 0.0322664...; 3: 1/63 + 1/61 (same); 2: 1/62; 4: 1/62.
  EXPECT_EQ(fused[0].chunk_id, 1);  // tie with 3 broken by smaller id
  EXPECT_EQ(fused[1].chunk_id, 3);
  EXPECT_NEAR(fused[0].score, 1.0 / 61 + 1.0 / 63, 1e-12);
  EXPECT_NEAR(fused[1].score, fused[0].score, 1e-15);
  EXPECT_EQ(fused[2].chunk_id, 2);
  EXPECT_EQ(fused[3].chunk_id, 4);
  EXPECT_NEAR(fused[2].score, 1.0 / 62, 1e-12);
}

TEST(Rrf, WeightsAndK) {
  auto fused = reciprocal_rank_fusion({list({{1, 1}, {2, 1}}), list({{2, 1}})}, 1, {1.0, 3.0});
  // 1: 1/(1+1) = 0.5; 2: 1/(1+2) + 3/(1+1) = 1.8333.
  ASSERT_EQ(fused.size(), 2u);
  EXPECT_EQ(fused[0].chunk_id, 2);
  EXPECT_NEAR(fused[0].score, 1.0 / 3 + 1.5, 1e-12);
  EXPECT_NEAR(fused[1].score, 0.5, 1e-12);
}

TEST(Rrf, EmptyListsAndNoLists) {
  EXPECT_TRUE(reciprocal_rank_fusion({}).empty());
  auto fused = reciprocal_rank_fusion({{}, list({{7, 2}})});
  ASSERT_EQ(fused.size(), 1u);
  EXPECT_EQ(fused[0].chunk_id, 7);
  EXPECT_NEAR(fused[0].score, 1.0 / 61, 1e-12);
}

TEST(WeightedSum, MinMaxNormalisedHandComputed) {
  // Lexical scores 10, 6, 2 -> 1, 0.5, 0. Dense 0.8, 0.6, 0.4 -> 1, 0.5, 0.
  auto fused = weighted_sum_fusion({list({{1, 10}, {2, 6}, {3, 2}}),
                                    list({{3, .8f}, {2, .6f}, {4, .4f}})},
                                   {0.3, 0.7});
  ASSERT_EQ(fused.size(), 4u);
  // 1: 0.3; 2: 0.15 + 0.35 = 0.5; 3: 0 + 0.7 = 0.7; 4: 0.
  EXPECT_EQ(fused[0].chunk_id, 3);
  EXPECT_NEAR(fused[0].score, 0.7, 1e-6);
  EXPECT_EQ(fused[1].chunk_id, 2);
  EXPECT_NEAR(fused[1].score, 0.5, 1e-6);
  EXPECT_EQ(fused[2].chunk_id, 1);
  EXPECT_NEAR(fused[2].score, 0.3, 1e-6);
  EXPECT_EQ(fused[3].chunk_id, 4);
  EXPECT_NEAR(fused[3].score, 0.0, 1e-12);
}

TEST(WeightedSum, ConstantListNormalisesToOne) {
  auto fused = weighted_sum_fusion({list({{5, 3}, {6, 3}})});
  ASSERT_EQ(fused.size(), 2u);
  EXPECT_DOUBLE_EQ(fused[0].score, 1.0);
  EXPECT_DOUBLE_EQ(fused[1].score, 1.0);
  EXPECT_EQ(fused[0].chunk_id, 5);
}

TEST(Fuse, DispatchesOnMethod) {
  std::vector<std::vector<ScoredChunk>> lists = {list({{1, 4}, {2, 2}}), list({{2, 1}})};
  FusionConfig rrf;
  EXPECT_EQ(fuse(lists, rrf)[0].chunk_id, 2);
  FusionConfig weighted{FusionMethod::kWeighted, 60, {5, 1}};
  auto fused = fuse(lists, weighted);
  EXPECT_EQ(fused[0].chunk_id, 1);  // 5 * 1 vs 5 * 0 + 1 * 1
  EXPECT_NEAR(fused[0].score, 5.0, 1e-12);
  EXPECT_EQ(std::string(fusion_method_name(FusionMethod::kWeighted)), "weighted");
  EXPECT_TRUE(parse_fusion_method("rrf").is_ok());
  EXPECT_FALSE(parse_fusion_method("borda").is_ok());
}

}  // namespace
}  // namespace ragd
