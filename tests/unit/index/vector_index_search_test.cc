// VectorIndex search: exact search against brute force, HNSW recall, filters (selective ones
// exact, broad ones with recall), deletes, replacement, invalid input, and searches running
// while another thread applies changes.
#include <gtest/gtest.h>

#include <atomic>
#include <thread>

#include "index/vector_index.h"
#include "test_dir.h"
#include "vector_index_test_data.h"

namespace ragd {
namespace {

using testing::Reference;
using testing::VectorData;

constexpr size_t kDim = 24;

VectorIndexOptions small_options() {
  VectorIndexOptions o;
  o.dimension = kDim;
  o.hnsw_threshold = 1000;
  o.hnsw_m = 12;
  o.hnsw_ef_construction = 80;
  o.hnsw_ef_search = 64;
  o.exact_filter_threshold = 300;
  return o;
}

std::unique_ptr<VectorIndex> open_ok(const std::string& dir, VectorIndexOptions o) {
  auto r = VectorIndex::open(dir, o);
  EXPECT_TRUE(r.is_ok()) << r.status().to_string();
  return r.is_ok() ? std::move(r.value()) : nullptr;
}

void expect_same(const std::vector<ScoredChunk>& got, const std::vector<ScoredChunk>& want) {
  ASSERT_EQ(got.size(), want.size());
  for (size_t i = 0; i < got.size(); ++i) {
    EXPECT_EQ(got[i].chunk_id, want[i].chunk_id) << "rank " << i;
    EXPECT_EQ(got[i].score, want[i].score) << "rank " << i;
  }
}

std::vector<SearchFilter> filters() {
  std::vector<SearchFilter> fs;
  SearchFilter f;
  f.domains = {"d1", "d3"};
  fs.push_back(f);
  f = {};
  f.tags = {"even", "three"};
  fs.push_back(f);
  f = {};
  f.tags = {"rare"};
  fs.push_back(f);
  f = {};
  f.document_ids = {3, 50, 51, 400, 999999};
  fs.push_back(f);
  f = {};
  f.date_from = 100;
  f.date_to = 180;
  fs.push_back(f);
  f = {};
  f.domains = {"d2"};
  f.tags = {"even"};
  f.date_from = 500;
  fs.push_back(f);
  f = {};
  f.domains = {"nowhere"};
  fs.push_back(f);
  f = {};
  f.tags = {"even", "unknown-tag"};
  fs.push_back(f);
  return fs;
}

TEST(VectorIndexSearchTest, ExactSearchEqualsBruteForce) {
  testing::TestDir dir;
  VectorData data(kDim, 20, 1);
  Reference ref;
  auto index = open_ok(dir.path(), small_options());
  auto a = data.entries(1, 500);
  auto b = data.entries(501, 300);
  ref.apply(a, {});
  ASSERT_TRUE(index->apply(a, {}, 1).is_ok());
  ref.apply(b, {7, 8, 600});
  ASSERT_TRUE(index->apply(b, {7, 8, 600}, 2).is_ok());
  EXPECT_FALSE(index->stats().hnsw);
  EXPECT_EQ(index->stats().live_vectors, ref.size());
  for (int i = 0; i < 20; ++i) {
    auto q = data.vector();
    expect_same(index->search(q.data(), 10), ref.search(q.data(), 10));
    expect_same(index->search(q.data(), 1000), ref.search(q.data(), 1000));
    for (const SearchFilter& f : filters()) {
      expect_same(index->search(q.data(), 10, f), ref.search(q.data(), 10, f));
    }
  }
  auto q = data.vector();
  EXPECT_TRUE(index->search(q.data(), 0).empty());
}

TEST(VectorIndexSearchTest, HnswRecallAgainstExact) {
  testing::TestDir dir;
  VectorData data(kDim, 30, 2);
  Reference ref;
  auto index = open_ok(dir.path(), small_options());
  // Batches cross the HNSW threshold, then go through deltas and folds into the graph.
  for (int batch = 0; batch < 8; ++batch) {
    auto adds = data.entries(1 + batch * 500, 500);
    ref.apply(adds, {});
    ASSERT_TRUE(index->apply(adds, {}, batch + 1).is_ok());
  }
  EXPECT_TRUE(index->stats().hnsw);
  EXPECT_EQ(index->stats().live_vectors, 4000u);
  double total = 0;
  const int queries = 60;
  for (int i = 0; i < queries; ++i) {
    auto q = data.vector();
    auto got = index->search(q.data(), 10);
    ASSERT_EQ(got.size(), 10u);
    for (size_t j = 1; j < got.size(); ++j) EXPECT_GE(got[j - 1].score, got[j].score);
    total += testing::recall(got, ref.search(q.data(), 10));
  }
  EXPECT_GE(total / queries, 0.95);
}

TEST(VectorIndexSearchTest, FilteredHnswMatchesExactFiltered) {
  testing::TestDir dir;
  VectorData data(kDim, 30, 3);
  Reference ref;
  auto index = open_ok(dir.path(), small_options());
  auto adds = data.entries(1, 3000);
  ref.apply(adds, {});
  ASSERT_TRUE(index->apply(adds, {}, 1).is_ok());
  ASSERT_TRUE(index->stats().hnsw);
  // Selective filters (admitting fewer than exact_filter_threshold rows): no recall loss.
  std::vector<SearchFilter> selective;
  SearchFilter f;
  f.tags = {"rare"};
  selective.push_back(f);
  f = {};
  f.document_ids = {3, 50, 51, 400};
  selective.push_back(f);
  f = {};
  f.domains = {"d2"};
  f.tags = {"even", "three"};
  selective.push_back(f);
  f = {};
  f.date_from = 10;
  f.date_to = 60;
  selective.push_back(f);
  // Broad filters go through the graph walk: high recall, never a row outside the filter.
  std::vector<SearchFilter> broad;
  f = {};
  f.domains = {"d0", "d1", "d4"};
  broad.push_back(f);
  f = {};
  f.tags = {"even"};
  broad.push_back(f);
  f = {};
  f.date_from = 0;
  f.date_to = 700;
  broad.push_back(f);
  double total = 0;
  int n = 0;
  for (int i = 0; i < 30; ++i) {
    auto q = data.vector();
    for (const SearchFilter& s : selective) {
      expect_same(index->search(q.data(), 10, s), ref.search(q.data(), 10, s));
    }
    for (const SearchFilter& s : broad) {
      auto got = index->search(q.data(), 10, s);
      ASSERT_EQ(got.size(), 10u);
      for (const ScoredChunk& c : got) EXPECT_TRUE(testing::admits(ref.live().at(c.chunk_id), s));
      total += testing::recall(got, ref.search(q.data(), 10, s));
      ++n;
    }
  }
  EXPECT_GE(total / n, 0.95);
}

TEST(VectorIndexSearchTest, DeletedChunksNeverReturned) {
  testing::TestDir dir;
  VectorData data(kDim, 30, 4);
  Reference ref;
  auto index = open_ok(dir.path(), small_options());
  auto adds = data.entries(1, 2000);
  ref.apply(adds, {});
  ASSERT_TRUE(index->apply(adds, {}, 1).is_ok());
  ASSERT_TRUE(index->stats().hnsw);
  std::vector<int64_t> removed;
  for (int64_t id = 1; id <= 2000; id += 10) removed.push_back(id);  // 10%: tombstones
  ref.apply({}, removed);
  ASSERT_TRUE(index->apply({}, removed, 2).is_ok());
  EXPECT_EQ(index->stats().deleted_vectors, removed.size());
  EXPECT_EQ(index->stats().live_vectors, 2000u - removed.size());
  auto check = [&] {
    for (int i = 0; i < 30; ++i) {
      auto q = data.vector();
      for (const ScoredChunk& c : index->search(q.data(), 50)) {
        ASSERT_TRUE(ref.live().count(c.chunk_id)) << c.chunk_id;
      }
      SearchFilter f;
      f.tags = {"rare"};
      expect_same(index->search(q.data(), 10, f), ref.search(q.data(), 10, f));
    }
    // A removed chunk's own vector does not find it.
    const VectorEntry& gone = adds[10];
    for (const ScoredChunk& c : index->search(gone.vector.data(), 20)) {
      EXPECT_NE(c.chunk_id, gone.chunk_id);
    }
  };
  check();
  // Past a quarter of the rows the index rebuilds without tombstones.
  removed.clear();
  for (int64_t id = 2; id <= 2000; id += 3) removed.push_back(id);
  ref.apply({}, removed);
  ASSERT_TRUE(index->apply({}, removed, 3).is_ok());
  EXPECT_EQ(index->stats().deleted_vectors, 0u);
  EXPECT_EQ(index->stats().live_vectors, ref.size());
  check();
  ASSERT_TRUE(index->compact().is_ok());
  EXPECT_EQ(index->stats().live_vectors, ref.size());
  check();
}

TEST(VectorIndexSearchTest, ReAddReplacesVector) {
  testing::TestDir dir;
  VectorData data(kDim, 10, 5);
  for (size_t n : {200u, 1500u}) {  // flat and HNSW
    testing::TestDir sub;
    auto index = open_ok(sub.path(), small_options());
    auto adds = data.entries(1, n);
    ASSERT_TRUE(index->apply(adds, {}, 1).is_ok());
    VectorEntry moved = data.entry(5);
    moved.vector = data.vector();
    // Duplicates within one batch: the last wins.
    VectorEntry first = data.entry(5);
    ASSERT_TRUE(index->apply({first, moved}, {5}, 2).is_ok());
    EXPECT_EQ(index->stats().live_vectors, n);
    auto got = index->search(moved.vector.data(), 1);
    ASSERT_EQ(got.size(), 1u);
    EXPECT_EQ(got[0].chunk_id, 5);
    EXPECT_NEAR(got[0].score, 1.0f, 1e-5);
    for (const ScoredChunk& c : index->search(adds[4].vector.data(), 5)) {
      if (c.chunk_id == 5) {
        EXPECT_LT(c.score, 0.9999f);  // the old vector is gone
      }
    }
  }
}

TEST(VectorIndexSearchTest, WrongDimensionAppliesNothing) {
  testing::TestDir dir;
  VectorData data(kDim, 10, 6);
  auto index = open_ok(dir.path(), small_options());
  ASSERT_TRUE(index->apply(data.entries(1, 100), {}, 1).is_ok());
  auto adds = data.entries(101, 10);
  adds[5].vector.pop_back();
  Status s = index->apply(adds, {1, 2}, 2);
  EXPECT_EQ(s.code(), ErrorCode::kInvalidArgument);
  EXPECT_EQ(index->applied_seq(), 1);
  EXPECT_EQ(index->stats().live_vectors, 100u);
  EXPECT_EQ(index->stats().deleted_vectors, 0u);
  adds = data.entries(101, 1);
  adds[0].vector[3] = std::nanf("");
  EXPECT_EQ(index->apply(adds, {}, 3).code(), ErrorCode::kInvalidArgument);
  EXPECT_EQ(index->stats().live_vectors, 100u);
  VectorIndexOptions bad = small_options();
  bad.dimension = 0;
  EXPECT_FALSE(VectorIndex::open(dir.path() + "/x", bad).is_ok());
}

TEST(VectorIndexSearchTest, SearchesWhileAnotherThreadApplies) {
  testing::TestDir dir;
  VectorData data(kDim, 20, 7);
  VectorIndexOptions o = small_options();
  o.hnsw_threshold = 600;
  auto index = open_ok(dir.path(), o);
  std::vector<std::vector<float>> queries;
  for (int i = 0; i < 16; ++i) queries.push_back(data.vector());
  ASSERT_TRUE(index->apply(data.entries(1, 300), {}, 1).is_ok());
  std::atomic<bool> done{false};
  std::atomic<int> bad{0}, searches{0};
  auto reader = [&](int seed) {
    size_t i = static_cast<size_t>(seed);
    while (!done.load()) {
      SearchFilter f;
      if (i % 3 == 1) f.tags = {"even"};
      if (i % 3 == 2) f.domains = {"d1"};
      auto got = index->search(queries[i % queries.size()].data(), 10, f);
      for (size_t j = 0; j < got.size(); ++j) {
        if (got[j].chunk_id < 1 || got[j].chunk_id > 3000) ++bad;
        if (j > 0 && got[j - 1].score < got[j].score) ++bad;
      }
      ++searches;
      ++i;
    }
  };
  std::thread r1(reader, 0), r2(reader, 1);
  for (int step = 0; step < 12; ++step) {
    std::vector<int64_t> removed;
    for (int64_t id = 1 + step; id < 300 * (step + 1); id += 13) removed.push_back(id);
    ASSERT_TRUE(index->apply(data.entries(301 + step * 200, 200), removed, step + 2).is_ok());
  }
  done = true;
  r1.join();
  r2.join();
  EXPECT_EQ(bad.load(), 0);
  EXPECT_GT(searches.load(), 0);
  EXPECT_TRUE(index->stats().hnsw);
}

TEST(VectorIndexSearchTest, Sq8RecallStaysHigh) {
  testing::TestDir dir;
  VectorData data(kDim, 30, 8);
  Reference ref;
  VectorIndexOptions o = small_options();
  o.sq8 = true;
  auto index = open_ok(dir.path(), o);
  auto adds = data.entries(1, 2500);
  ref.apply(adds, {});
  ASSERT_TRUE(index->apply(adds, {}, 1).is_ok());
  ASSERT_TRUE(index->stats().hnsw);
  double total = 0;
  for (int i = 0; i < 40; ++i) {
    auto q = data.vector();
    total += testing::recall(index->search(q.data(), 10), ref.search(q.data(), 10));
  }
  EXPECT_GE(total / 40, 0.85);
  // Folding more rows into the SQ8 graph keeps its quantiser.
  auto more = data.entries(2501, 1500);
  ref.apply(more, {});
  ASSERT_TRUE(index->apply(more, {}, 2).is_ok());
  EXPECT_EQ(index->stats().live_vectors, 4000u);
  total = 0;
  for (int i = 0; i < 40; ++i) {
    auto q = data.vector();
    total += testing::recall(index->search(q.data(), 10), ref.search(q.data(), 10));
  }
  EXPECT_GE(total / 40, 0.85);
}

}  // namespace
}  // namespace ragd
