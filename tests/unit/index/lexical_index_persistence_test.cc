// Persistence, crash-safety and corruption handling of LexicalIndex.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "common/file_io.h"
#include "index/lexical_index.h"
#include "reference_model.h"
#include "test_dir.h"

namespace ragd {
namespace {

namespace fs = std::filesystem;

std::unique_ptr<LexicalIndex> open_ok(const std::string& dir) {
  auto r = LexicalIndex::open(dir, Bm25Params{});
  EXPECT_TRUE(r.is_ok()) << r.status().to_string();
  return r.is_ok() ? std::move(r.value()) : nullptr;
}

std::vector<IndexDocument> corpus(uint32_t seed, int n, int64_t first_id) {
  testing::RandomCorpus gen(seed, 200);
  std::vector<IndexDocument> docs;
  for (int i = 0; i < n; ++i) docs.push_back(gen.doc(first_id + i));
  return docs;
}

std::vector<std::string> segment_files(const std::string& dir) {
  std::vector<std::string> out;
  for (const auto& e : fs::directory_iterator(dir)) {
    if (e.path().extension() == ".lseg") out.push_back(e.path().string());
  }
  return out;
}

TEST(PersistenceTest, ReopenGivesSameResults) {
  testing::TestDir dir;
  std::vector<std::vector<ScoredChunk>> before;
  testing::RandomCorpus gen(5, 200);
  std::vector<std::vector<std::string>> queries;
  for (int i = 0; i < 30; ++i) queries.push_back(gen.query());
  {
    auto index = open_ok(dir.path());
    ASSERT_TRUE(index->apply(corpus(1, 300, 1), {}, 10).is_ok());
    ASSERT_TRUE(index->apply(corpus(2, 200, 1000), {3, 4, 1005}, 11).is_ok());
    for (const auto& q : queries) before.push_back(index->search(q, 10));
    EXPECT_EQ(index->applied_seq(), 11);
    EXPECT_GT(index->stats().bytes_on_disk, 0u);
  }
  auto index = open_ok(dir.path());
  EXPECT_EQ(index->applied_seq(), 11);
  EXPECT_EQ(index->stats().live_documents, 498u);  // 1005 is removed and re-added
  EXPECT_EQ(index->stats().deleted_documents, 2u);
  for (size_t i = 0; i < queries.size(); ++i) {
    auto after = index->search(queries[i], 10);
    ASSERT_EQ(after.size(), before[i].size());
    for (size_t j = 0; j < after.size(); ++j) {
      EXPECT_EQ(after[j].chunk_id, before[i][j].chunk_id);
      EXPECT_EQ(after[j].score, before[i][j].score);
    }
  }
}

TEST(PersistenceTest, MissingFolderIsEmptyIndex) {
  testing::TestDir dir;
  auto index = open_ok(dir.path() + "/nested/index");
  EXPECT_EQ(index->applied_seq(), 0);
  EXPECT_EQ(index->stats().live_documents, 0u);
  EXPECT_TRUE(index->search({"anything"}, 10).empty());
}

TEST(PersistenceTest, AppliedSeqRoundTrips) {
  testing::TestDir dir;
  {
    auto index = open_ok(dir.path());
    ASSERT_TRUE(index->apply({}, {}, 12345678901234).is_ok());
    EXPECT_EQ(index->applied_seq(), 12345678901234);
    EXPECT_EQ(index->stats().applied_seq, 12345678901234);
  }
  EXPECT_EQ(open_ok(dir.path())->applied_seq(), 12345678901234);
}

TEST(PersistenceTest, InMemoryApplyIsNotPersisted) {
  testing::TestDir dir;
  {
    auto index = open_ok(dir.path());
    ASSERT_TRUE(index->apply(corpus(1, 50, 1), {}, 1).is_ok());
    ASSERT_TRUE(index->apply(corpus(2, 50, 100), {1}, 2, /*persist=*/false).is_ok());
    EXPECT_EQ(index->applied_seq(), 2);
    EXPECT_EQ(index->stats().live_documents, 99u);
  }
  {
    auto index = open_ok(dir.path());
    EXPECT_EQ(index->applied_seq(), 1);
    EXPECT_EQ(index->stats().live_documents, 50u);
    // A later persisted apply writes what was only in memory too.
    ASSERT_TRUE(index->apply(corpus(2, 50, 100), {1}, 2, false).is_ok());
    ASSERT_TRUE(index->apply({}, {2}, 3).is_ok());
  }
  auto index = open_ok(dir.path());
  EXPECT_EQ(index->applied_seq(), 3);
  EXPECT_EQ(index->stats().live_documents, 98u);
}

TEST(PersistenceTest, LeftOverFilesAreRemoved) {
  testing::TestDir dir;
  {
    auto index = open_ok(dir.path());
    ASSERT_TRUE(index->apply(corpus(1, 20, 1), {}, 1).is_ok());
  }
  std::ofstream(dir.path() + "/seg_999.lseg") << "half written";
  std::ofstream(dir.path() + "/MANIFEST.tmp.123") << "torn";
  auto index = open_ok(dir.path());
  EXPECT_FALSE(fs::exists(dir.path() + "/seg_999.lseg"));
  EXPECT_FALSE(fs::exists(dir.path() + "/MANIFEST.tmp.123"));
  EXPECT_EQ(index->stats().live_documents, 20u);
}

TEST(PersistenceTest, ReadOnlyOpenNeverTouchesTheFolder) {
  testing::TestDir dir;
  {
    auto missing = LexicalIndex::open(dir.path(), Bm25Params{}, /*read_only=*/true);
    ASSERT_TRUE(missing.is_ok());
    EXPECT_EQ((*missing)->stats().live_documents, 0u);
    EXPECT_FALSE(fs::exists(dir.path()));
  }
  auto writer = open_ok(dir.path());
  ASSERT_TRUE(writer->apply(corpus(1, 20, 1), {}, 1).is_ok());
  // A writer's segment that its manifest does not name yet must survive a reader's open.
  std::ofstream(dir.path() + "/seg_999.lseg") << "being written";
  auto reader = LexicalIndex::open(dir.path(), Bm25Params{}, /*read_only=*/true);
  ASSERT_TRUE(reader.is_ok());
  EXPECT_TRUE(fs::exists(dir.path() + "/seg_999.lseg"));
  EXPECT_EQ((*reader)->stats().live_documents, 20u);
  EXPECT_EQ((*reader)->applied_seq(), 1);
  // The reader catches up in memory only.
  ASSERT_TRUE((*reader)->apply(corpus(2, 5, 100), {}, 2, /*persist=*/false).is_ok());
  EXPECT_EQ((*reader)->stats().live_documents, 25u);
  auto again = open_ok(dir.path());
  EXPECT_EQ(again->stats().live_documents, 20u);
}

TEST(PersistenceTest, MergedAwaySegmentFilesAreDeleted) {
  testing::TestDir dir;
  auto index = open_ok(dir.path());
  for (int i = 0; i < 25; ++i) {
    ASSERT_TRUE(index->apply(corpus(i, 3, i * 10), {}, i + 1).is_ok());
  }
  EXPECT_LT(index->stats().segments, 25u);
  EXPECT_EQ(segment_files(dir.path()).size(), index->stats().segments);
  ASSERT_TRUE(index->compact().is_ok());
  EXPECT_EQ(segment_files(dir.path()).size(), 1u);
  EXPECT_EQ(index->stats().segments, 1u);
  EXPECT_EQ(index->stats().live_documents, 75u);
}

TEST(PersistenceTest, DeletingEverythingLeavesAnEmptyIndex) {
  testing::TestDir dir;
  auto index = open_ok(dir.path());
  ASSERT_TRUE(index->apply(corpus(1, 10, 1), {}, 1).is_ok());
  std::vector<int64_t> all;
  for (int64_t i = 1; i <= 10; ++i) all.push_back(i);
  ASSERT_TRUE(index->apply({}, all, 2).is_ok());
  EXPECT_EQ(index->stats().live_documents, 0u);
  EXPECT_TRUE(index->search({"t1", "t2"}, 10).empty());
  ASSERT_TRUE(index->compact().is_ok());
  EXPECT_EQ(open_ok(dir.path())->stats().segments, 0u);
}

class CorruptionTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto index = open_ok(dir_.path());
    ASSERT_TRUE(index->apply(corpus(1, 400, 1), {}, 1).is_ok());
    ASSERT_TRUE(index->apply({}, {5, 6}, 2).is_ok());
    auto files = segment_files(dir_.path());
    ASSERT_EQ(files.size(), 1u);
    segment_ = files[0];
  }
  void rewrite(const std::string& path, const std::string& bytes) {
    std::ofstream(path, std::ios::binary | std::ios::trunc) << bytes;
  }
  void expect_corruption() {
    auto r = LexicalIndex::open(dir_.path(), Bm25Params{});
    ASSERT_FALSE(r.is_ok());
    EXPECT_EQ(r.status().code(), ErrorCode::kCorruption) << r.status().to_string();
  }
  testing::TestDir dir_;
  std::string segment_;
};

TEST_F(CorruptionTest, TruncatedSegment) {
  std::string bytes = read_file(segment_).value();
  rewrite(segment_, bytes.substr(0, bytes.size() / 2));
  expect_corruption();
}

TEST_F(CorruptionTest, FlippedByteInSegment) {
  std::string bytes = read_file(segment_).value();
  bytes[bytes.size() / 2] ^= 0x5a;
  rewrite(segment_, bytes);
  expect_corruption();
}

TEST_F(CorruptionTest, MissingSegment) {
  fs::remove(segment_);
  expect_corruption();
}

TEST_F(CorruptionTest, TruncatedAndGarbageManifest) {
  std::string manifest = dir_.path() + "/MANIFEST";
  std::string bytes = read_file(manifest).value();
  rewrite(manifest, bytes.substr(0, bytes.size() - 3));
  expect_corruption();
  rewrite(manifest, std::string(100, '\x7f'));
  expect_corruption();
  rewrite(manifest, "");
  expect_corruption();
}

TEST_F(CorruptionTest, EveryTruncationIsRejectedWithoutCrash) {
  std::string bytes = read_file(segment_).value();
  for (size_t len = 0; len < bytes.size(); len += 1 + len / 7) {
    rewrite(segment_, bytes.substr(0, len));
    expect_corruption();
  }
}

TEST(ParamsTest, OutOfRangeParamsAreRejected) {
  testing::TestDir dir;
  Bm25Params bad;
  bad.b_body = 1.5f;
  auto r = LexicalIndex::open(dir.path(), bad);
  ASSERT_FALSE(r.is_ok());
  EXPECT_EQ(r.status().code(), ErrorCode::kInvalidArgument);
}

}  // namespace
}  // namespace ragd
