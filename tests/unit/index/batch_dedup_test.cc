// dedup_batch: the last add of a chunk id wins, adds come out in chunk id order, and `gone`
// names every removed or replaced chunk once, in order.
#include "index/batch_dedup.h"

#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

#include "index/lexical_index.h"
#include "index/vector_index.h"

namespace ragd {
namespace {

struct Entry {
  int64_t chunk_id = 0;
  std::string payload;
};

std::vector<int64_t> ids(const std::vector<Entry>& entries) {
  std::vector<int64_t> out;
  for (const Entry& e : entries) out.push_back(e.chunk_id);
  return out;
}

std::vector<std::string> payloads(const std::vector<Entry>& entries) {
  std::vector<std::string> out;
  for (const Entry& e : entries) out.push_back(e.payload);
  return out;
}

TEST(BatchDedupTest, EmptyBatchIsEmpty) {
  auto batch = dedup_batch(std::vector<Entry>{}, {});
  EXPECT_TRUE(batch.adds.empty());
  EXPECT_TRUE(batch.gone.empty());
}

TEST(BatchDedupTest, LastAddOfAnIdWinsAndAddsComeOutInIdOrder) {
  std::vector<Entry> adds = {{7, "7a"}, {3, "3a"}, {7, "7b"}, {1, "1a"},
                             {3, "3b"}, {7, "7c"}, {5, "5a"}};
  auto batch = dedup_batch(std::move(adds), {});
  EXPECT_EQ(ids(batch.adds), (std::vector<int64_t>{1, 3, 5, 7}));
  EXPECT_EQ(payloads(batch.adds), (std::vector<std::string>{"1a", "3b", "5a", "7c"}));
  // Every added id replaces whatever the index holds for it.
  EXPECT_EQ(batch.gone, (std::vector<int64_t>{1, 3, 5, 7}));
}

TEST(BatchDedupTest, GoneIsRemovalsAndAddsSortedWithoutRepeats) {
  std::vector<Entry> adds = {{4, "4"}, {-2, "-2"}};
  auto batch = dedup_batch(std::move(adds), {9, 4, 9, 0, 12, -5});
  EXPECT_EQ(ids(batch.adds), (std::vector<int64_t>{-2, 4}));
  EXPECT_EQ(batch.gone, (std::vector<int64_t>{-5, -2, 0, 4, 9, 12}));
}

TEST(BatchDedupTest, ChunkRemovedAndAddedIsBothGoneAndAdded) {
  // The caller removes `gone` first and then adds `adds`: such a chunk ends present, with
  // the content of its last add.
  std::vector<Entry> adds = {{2, "old"}, {2, "new"}};
  auto batch = dedup_batch(std::move(adds), {2});
  ASSERT_EQ(batch.adds.size(), 1u);
  EXPECT_EQ(batch.adds[0].chunk_id, 2);
  EXPECT_EQ(batch.adds[0].payload, "new");
  EXPECT_EQ(batch.gone, (std::vector<int64_t>{2}));
}

TEST(BatchDedupTest, RemovalsAloneAddNothing) {
  auto batch = dedup_batch(std::vector<Entry>{}, {3, 1, 3});
  EXPECT_TRUE(batch.adds.empty());
  EXPECT_EQ(batch.gone, (std::vector<int64_t>{1, 3}));
}

TEST(BatchDedupTest, MovesEntriesWithoutCopying) {
  struct MoveOnly {
    int64_t chunk_id = 0;
    std::unique_ptr<int> value;
  };
  std::vector<MoveOnly> adds;
  adds.push_back({8, std::make_unique<int>(1)});
  adds.push_back({6, std::make_unique<int>(2)});
  adds.push_back({8, std::make_unique<int>(3)});
  auto batch = dedup_batch(std::move(adds), {});
  ASSERT_EQ(batch.adds.size(), 2u);
  EXPECT_EQ(batch.adds[0].chunk_id, 6);
  EXPECT_EQ(*batch.adds[0].value, 2);
  EXPECT_EQ(batch.adds[1].chunk_id, 8);
  EXPECT_EQ(*batch.adds[1].value, 3);
}

TEST(BatchDedupTest, WorksForBothIndexEntryTypes) {
  IndexDocument a, b;
  a.chunk_id = b.chunk_id = 11;
  a.body_terms = {"first"};
  b.body_terms = {"second"};
  auto docs = dedup_batch(std::vector<IndexDocument>{a, b}, {10});
  ASSERT_EQ(docs.adds.size(), 1u);
  EXPECT_EQ(docs.adds[0].body_terms, (std::vector<std::string>{"second"}));
  EXPECT_EQ(docs.gone, (std::vector<int64_t>{10, 11}));

  VectorEntry v, w;
  v.chunk_id = w.chunk_id = 4;
  v.vector = {1.0f};
  w.vector = {2.0f};
  auto vectors = dedup_batch(std::vector<VectorEntry>{v, w}, {});
  ASSERT_EQ(vectors.adds.size(), 1u);
  EXPECT_EQ(vectors.adds[0].vector, (std::vector<float>{2.0f}));
  EXPECT_EQ(vectors.gone, (std::vector<int64_t>{4}));
}

}  // namespace
}  // namespace ragd
