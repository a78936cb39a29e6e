// VectorIndex persistence: reopen round trips (flat, HNSW, SQ8, deltas, tombstones,
// applied_seq), crash safety (left-over files removed, damaged files kCorruption), dimension
// mismatch, and read-only opens that never write.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <set>

#include "index/vector_index.h"
#include "test_dir.h"
#include "vector_index_test_data.h"

namespace ragd {
namespace {

namespace fs = std::filesystem;
using testing::VectorData;

constexpr size_t kDim = 16;

VectorIndexOptions options(bool sq8 = false) {
  VectorIndexOptions o;
  o.dimension = kDim;
  o.hnsw_threshold = 800;
  o.hnsw_m = 8;
  o.hnsw_ef_construction = 40;
  o.hnsw_ef_search = 40;
  o.exact_filter_threshold = 100;
  o.sq8 = sq8;
  return o;
}

std::unique_ptr<VectorIndex> open_ok(const std::string& dir, VectorIndexOptions o,
                                     bool read_only = false) {
  auto r = VectorIndex::open(dir, o, read_only);
  EXPECT_TRUE(r.is_ok()) << r.status().to_string();
  return r.is_ok() ? std::move(r.value()) : nullptr;
}

std::set<std::string> listing(const std::string& dir) {
  std::set<std::string> out;
  for (const auto& e : fs::directory_iterator(dir)) {
    out.insert(e.path().filename().string() + ":" + std::to_string(e.file_size()));
  }
  return out;
}

std::string file_with(const std::string& dir, const std::string& ext) {
  for (const auto& e : fs::directory_iterator(dir)) {
    if (e.path().extension() == ext) return e.path().string();
  }
  return "";
}

void flip_byte(const std::string& path, size_t from_end) {
  std::fstream f(path, std::ios::in | std::ios::out | std::ios::binary);
  f.seekg(0, std::ios::end);
  auto size = static_cast<size_t>(f.tellg());
  f.seekg(static_cast<std::streamoff>(size - from_end));
  char c;
  f.read(&c, 1);
  c = static_cast<char>(c ^ 0x5a);
  f.seekp(static_cast<std::streamoff>(size - from_end));
  f.write(&c, 1);
}

// Builds an index with a base, deltas and tombstones, closes it, reopens it, and checks
// the results are identical.
void round_trip(bool sq8, size_t base_rows) {
  testing::TestDir dir;
  VectorData data(kDim, 10, 11);
  std::vector<std::vector<float>> queries;
  for (int i = 0; i < 20; ++i) queries.push_back(data.vector());
  SearchFilter filter;
  filter.tags = {"even"};
  filter.domains = {"d1", "d2"};
  std::vector<std::vector<ScoredChunk>> before;
  VectorIndexStats stats_before;
  {
    auto index = open_ok(dir.path(), options(sq8));
    ASSERT_TRUE(index->apply(data.entries(1, base_rows), {}, 5).is_ok());
    ASSERT_TRUE(index->apply(data.entries(5000, 40), {2, 3, 5010}, 6).is_ok());
    ASSERT_TRUE(index->apply(data.entries(6000, 30), {4}, 7).is_ok());
    for (const auto& q : queries) {
      before.push_back(index->search(q.data(), 10));
      before.push_back(index->search(q.data(), 10, filter));
    }
    stats_before = index->stats();
    EXPECT_GT(stats_before.bytes_on_disk, 0u);
    EXPECT_EQ(stats_before.applied_seq, 7);
  }
  auto index = open_ok(dir.path(), options(sq8));
  ASSERT_NE(index, nullptr);
  EXPECT_EQ(index->applied_seq(), 7);
  auto st = index->stats();
  EXPECT_EQ(st.live_vectors, stats_before.live_vectors);
  EXPECT_EQ(st.deleted_vectors, stats_before.deleted_vectors);
  EXPECT_EQ(st.hnsw, stats_before.hnsw);
  EXPECT_EQ(st.bytes_on_disk, stats_before.bytes_on_disk);
  size_t i = 0;
  for (const auto& q : queries) {
    for (const SearchFilter& f : {SearchFilter{}, filter}) {
      auto after = index->search(q.data(), 10, f);
      ASSERT_EQ(after.size(), before[i].size());
      for (size_t j = 0; j < after.size(); ++j) {
        EXPECT_EQ(after[j].chunk_id, before[i][j].chunk_id);
        EXPECT_EQ(after[j].score, before[i][j].score);
      }
      ++i;
    }
  }
  // Still writable after reopening: ids keep their rows.
  ASSERT_TRUE(index->apply(data.entries(7000, 5), {1}, 8).is_ok());
  EXPECT_EQ(index->stats().live_vectors, stats_before.live_vectors + 4);
}

TEST(VectorIndexPersistenceTest, RoundTripFlat) { round_trip(false, 300); }
TEST(VectorIndexPersistenceTest, RoundTripHnsw) { round_trip(false, 1200); }
TEST(VectorIndexPersistenceTest, RoundTripHnswSq8) { round_trip(true, 1200); }

TEST(VectorIndexPersistenceTest, MissingFolderIsEmpty) {
  testing::TestDir dir;
  auto index = open_ok(dir.path(), options());
  EXPECT_EQ(index->applied_seq(), 0);
  EXPECT_EQ(index->stats().live_vectors, 0u);
  auto q = VectorData(kDim, 2, 1).vector();
  EXPECT_TRUE(index->search(q.data(), 10).empty());
}

TEST(VectorIndexPersistenceTest, LeftOverFilesAreRemoved) {
  testing::TestDir dir;
  VectorData data(kDim, 10, 12);
  {
    auto index = open_ok(dir.path(), options());
    ASSERT_TRUE(index->apply(data.entries(1, 1000), {}, 1).is_ok());
  }
  auto files = listing(dir.path());
  std::ofstream(dir.path() + "/vbase_999.faiss") << "half written";
  std::ofstream(dir.path() + "/vdelta_998.vdel") << "x";
  std::ofstream(dir.path() + "/VMANIFEST.tmp.123") << "y";
  auto index = open_ok(dir.path(), options());
  EXPECT_EQ(listing(dir.path()), files);
  EXPECT_EQ(index->stats().live_vectors, 1000u);
}

TEST(VectorIndexPersistenceTest, DamagedFilesAreCorruption) {
  VectorData data(kDim, 10, 13);
  for (const std::string ext : {".faiss", ".vattr", ".vdel", "manifest"}) {
    testing::TestDir dir;
    {
      auto index = open_ok(dir.path(), options());
      ASSERT_TRUE(index->apply(data.entries(1, 900), {}, 1).is_ok());
      ASSERT_TRUE(index->apply(data.entries(2000, 10), {}, 2).is_ok());
    }
    std::string path = ext == "manifest" ? dir.path() + "/VMANIFEST" : file_with(dir.path(), ext);
    ASSERT_FALSE(path.empty()) << ext;
    flip_byte(path, 3);
    auto r = VectorIndex::open(dir.path(), options());
    ASSERT_FALSE(r.is_ok()) << ext;
    EXPECT_EQ(r.status().code(), ErrorCode::kCorruption) << ext << ": " << r.status().to_string();
  }
  testing::TestDir dir;
  fs::create_directories(dir.path());
  std::ofstream(dir.path() + "/VMANIFEST") << "RAGDVMAN but nothing else";
  auto r = VectorIndex::open(dir.path(), options());
  ASSERT_FALSE(r.is_ok());
  EXPECT_EQ(r.status().code(), ErrorCode::kCorruption);
}

TEST(VectorIndexPersistenceTest, OtherDimensionIsInvalidArgument) {
  testing::TestDir dir;
  VectorData data(kDim, 10, 14);
  {
    auto index = open_ok(dir.path(), options());
    ASSERT_TRUE(index->apply(data.entries(1, 10), {}, 1).is_ok());
  }
  VectorIndexOptions o = options();
  o.dimension = kDim * 2;
  auto r = VectorIndex::open(dir.path(), o);
  ASSERT_FALSE(r.is_ok());
  EXPECT_EQ(r.status().code(), ErrorCode::kInvalidArgument);
}

TEST(VectorIndexPersistenceTest, ReadOnlyNeverWrites) {
  testing::TestDir dir;
  VectorData data(kDim, 10, 15);
  {
    auto r = VectorIndex::open(dir.path(), options(), /*read_only=*/true);
    ASSERT_TRUE(r.is_ok()) << r.status().to_string();
    EXPECT_FALSE(fs::exists(dir.path()));
  }
  {
    auto index = open_ok(dir.path(), options());
    ASSERT_TRUE(index->apply(data.entries(1, 900), {}, 1).is_ok());
    ASSERT_TRUE(index->apply(data.entries(2000, 10), {5}, 2).is_ok());
  }
  std::ofstream(dir.path() + "/vdelta_77.vdel.tmp.1") << "a writer's work in progress";
  auto files = listing(dir.path());
  auto index = open_ok(dir.path(), options(), true);
  EXPECT_EQ(index->applied_seq(), 2);
  EXPECT_EQ(index->stats().live_vectors, 909u);
  EXPECT_EQ(index->apply(data.entries(3000, 5), {}, 3).code(), ErrorCode::kInvalidArgument);
  // Catching up in memory is allowed, including a rebuild.
  std::vector<int64_t> removed;
  for (int64_t id = 1; id <= 600; ++id) removed.push_back(id);
  ASSERT_TRUE(index->apply(data.entries(3000, 5), removed, 3, /*persist=*/false).is_ok());
  EXPECT_EQ(index->stats().live_vectors, 909u - 599u + 5u);  // chunk 5 was already removed
  auto q = data.vector();
  for (const ScoredChunk& c : index->search(q.data(), 50)) EXPECT_GT(c.chunk_id, 600);
  EXPECT_EQ(listing(dir.path()), files);
}

}  // namespace
}  // namespace ragd
