// Search edge cases, filters and concurrency of LexicalIndex.
#include <gtest/gtest.h>

#include <atomic>
#include <thread>

#include "index/lexical_index.h"
#include "reference_model.h"
#include "test_dir.h"

namespace ragd {
namespace {

IndexDocument make(int64_t id, std::vector<std::string> body, std::string domain = "d",
                   std::vector<std::string> tags = {}, int32_t date = kNoDate) {
  IndexDocument d;
  d.chunk_id = id;
  d.document_id = id / 10;
  d.body_terms = std::move(body);
  d.domain = std::move(domain);
  d.tags = std::move(tags);
  d.date_days = date;
  return d;
}

TEST(SearchTest, EmptyIndexEmptyQueryUnknownTermsAndZeroK) {
  testing::TestDir dir;
  auto index = std::move(LexicalIndex::open(dir.path(), Bm25Params{}).value());
  EXPECT_TRUE(index->search({"x"}, 10).empty());
  ASSERT_TRUE(index->apply({make(1, {"alpha", "beta"}), make(2, {"beta"})}, {}, 1).is_ok());
  EXPECT_TRUE(index->search({}, 10).empty());
  EXPECT_TRUE(index->search({""}, 10).empty());
  EXPECT_TRUE(index->search({"gamma", "delta"}, 10).empty());
  EXPECT_TRUE(index->search({"alpha"}, 0).empty());
  auto got = index->search({"alpha", "nope"}, 10);
  ASSERT_EQ(got.size(), 1u);
  EXPECT_EQ(got[0].chunk_id, 1);
  EXPECT_GT(got[0].score, 0.0f);
}

TEST(SearchTest, HugeKReturnsAllMatches) {
  testing::TestDir dir;
  auto index = std::move(LexicalIndex::open(dir.path(), Bm25Params{}).value());
  std::vector<IndexDocument> adds;
  for (int64_t i = 1; i <= 300; ++i) adds.push_back(make(i, {i % 2 ? "odd" : "even", "all"}));
  ASSERT_TRUE(index->apply(adds, {}, 1).is_ok());
  EXPECT_EQ(index->search({"odd"}, SIZE_MAX).size(), 150u);
  EXPECT_EQ(index->search({"all"}, SIZE_MAX).size(), 300u);
}

TEST(SearchTest, SelectiveFiltersStillReturnK) {
  testing::TestDir dir;
  auto index = std::move(LexicalIndex::open(dir.path(), Bm25Params{}).value());
  std::vector<IndexDocument> adds;
  for (int64_t i = 1; i <= 5000; ++i) {
    // Rare filter values on docs that score low (long bodies, one occurrence).
    bool rare = i % 500 == 0;
    std::vector<std::string> body = {"common"};
    if (!rare) body.insert(body.end(), {"common", "common"});
    if (rare) body.insert(body.end(), 30, "filler");
    adds.push_back(make(i, body, rare ? "rare.example" : "web", rare ? std::vector<std::string>{"gold"} : std::vector<std::string>{},
                        rare ? 19000 + static_cast<int32_t>(i / 500) : (i % 3 ? 18000 : kNoDate)));
  }
  ASSERT_TRUE(index->apply(adds, {}, 1).is_ok());

  SearchFilter by_domain;
  by_domain.domains = {"rare.example"};
  EXPECT_EQ(index->search({"common"}, 10, by_domain).size(), 10u);
  SearchFilter by_tag;
  by_tag.tags = {"gold"};
  EXPECT_EQ(index->search({"common"}, 5, by_tag).size(), 5u);
  SearchFilter by_missing_tag;
  by_missing_tag.tags = {"gold", "silver"};
  EXPECT_TRUE(index->search({"common"}, 5, by_missing_tag).empty());
  SearchFilter by_doc;
  by_doc.document_ids = {50, 100};  // chunks 500..509 and 1000..1009
  auto docs = index->search({"common"}, 100, by_doc);
  EXPECT_EQ(docs.size(), 20u);
  for (const auto& c : docs) EXPECT_TRUE(c.chunk_id / 10 == 50 || c.chunk_id / 10 == 100);
  SearchFilter by_date;
  by_date.date_from = 19003;
  by_date.date_to = 19005;
  auto dated = index->search({"common"}, 10, by_date);
  ASSERT_EQ(dated.size(), 3u);
  for (const auto& c : dated) EXPECT_TRUE(c.chunk_id >= 1500 && c.chunk_id <= 2500);
  SearchFilter undated_excluded;
  undated_excluded.date_to = 18500;  // only the "web" docs dated 18000, never undated ones
  auto early = index->search({"common"}, SIZE_MAX, undated_excluded);
  size_t expected = 0;
  for (int64_t i = 1; i <= 5000; ++i) expected += (i % 500 != 0 && i % 3 != 0) ? 1 : 0;
  EXPECT_EQ(early.size(), expected);
  SearchFilter unknown_domain;
  unknown_domain.domains = {"nowhere"};
  EXPECT_TRUE(index->search({"common"}, 10, unknown_domain).empty());
  SearchFilter inverted;
  inverted.date_from = 19005;
  inverted.date_to = 19001;
  EXPECT_TRUE(index->search({"common"}, 10, inverted).empty());
}

TEST(SearchTest, ConcurrentSearchesDuringApply) {
  testing::TestDir dir;
  auto index = std::move(LexicalIndex::open(dir.path(), Bm25Params{}).value());
  // Every apply keeps exactly 100 chunks with "stable", so every search sees 100 or a
  // consistent snapshot of them, never a half-applied state.
  std::vector<IndexDocument> base;
  for (int64_t i = 1; i <= 100; ++i) base.push_back(make(i, {"stable", "x" + std::to_string(i % 7)}));
  ASSERT_TRUE(index->apply(base, {}, 1).is_ok());
  std::atomic<bool> stop{false};
  std::atomic<int> bad{0}, searches{0};
  std::vector<std::thread> readers;
  for (int t = 0; t < 3; ++t) {
    readers.emplace_back([&] {
      while (!stop.load()) {
        auto got = index->search({"stable", "x3"}, 1000);
        if (got.size() != 100) bad.fetch_add(1);
        searches.fetch_add(1);
      }
    });
  }
  for (int round = 0; round < 40; ++round) {
    std::vector<IndexDocument> adds;
    std::vector<int64_t> removed;
    for (int64_t i = 1; i <= 100; ++i) {
      int64_t old_id = round * 100 + i, new_id = (round + 1) * 100 + i;
      removed.push_back(old_id);
      adds.push_back(make(new_id, {"stable", "x" + std::to_string(new_id % 7), "churn"}));
    }
    ASSERT_TRUE(index->apply(adds, removed, round + 2, round % 2 == 0).is_ok());
  }
  stop = true;
  for (auto& t : readers) t.join();
  EXPECT_EQ(bad.load(), 0);
  EXPECT_GT(searches.load(), 0);
  EXPECT_EQ(index->stats().live_documents, 100u);
}

TEST(SearchTest, StatsCountTermsAndPostings) {
  testing::TestDir dir;
  auto index = std::move(LexicalIndex::open(dir.path(), Bm25Params{}).value());
  ASSERT_TRUE(index->apply({make(1, {"a", "b", "a"}), make(2, {"b", "c"})}, {}, 1).is_ok());
  ASSERT_TRUE(index->apply({make(3, {"c", "d"})}, {}, 2).is_ok());
  auto s = index->stats();
  EXPECT_EQ(s.live_documents, 3u);
  EXPECT_EQ(s.segments, 2u);
  EXPECT_EQ(s.terms, 4u);
  EXPECT_EQ(s.postings, 6u);
}

TEST(SearchTest, RepeatedQueryTermCountsPerOccurrence) {
  testing::TestDir dir;
  auto index = std::move(LexicalIndex::open(dir.path(), Bm25Params{}).value());
  ASSERT_TRUE(index->apply({make(1, {"a", "x"}), make(2, {"b", "y"}), make(3, {"z"})}, {}, 1).is_ok());
  auto once = index->search({"a", "b"}, 10);
  auto twice = index->search({"a", "b", "a"}, 10);
  ASSERT_EQ(once.size(), 2u);
  ASSERT_EQ(twice.size(), 2u);
  EXPECT_EQ(once[0].score, once[1].score);
  EXPECT_EQ(twice[0].chunk_id, 1);
  EXPECT_NEAR(twice[0].score, 2 * once[0].score, 1e-5);
}

}  // namespace
}  // namespace ragd
