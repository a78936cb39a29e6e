// IngestJob, catch_up_index and scan_sources against a real store and index in a temp folder.
#include "jobs/ingest_job.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "fake_embedding_provider.h"
#include "jobs/cached_embedder.h"
#include "jobs/index_sync.h"
#include "jobs/source_scan.h"
#include "store/embedding_store.h"

namespace ragd {
namespace {

namespace fs = std::filesystem;

class IngestJobTest : public ::testing::Test {
 protected:
  void SetUp() override {
    root_ = fs::temp_directory_path() /
            ("ragd-jobs-" + std::to_string(::getpid()) + "-" +
             ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(root_);
    fs::create_directories(root_ / "kb" / "wine");
    fs::create_directories(root_ / "kb" / ".hidden");
    write("kb/wine/red.md", "---\ntitle: Reds\ntags: [red]\ndate: 2024-05-01\n---\n# Reds\n\nMerlot and cabernet.\n");
    write("kb/intro.txt", "Welcome to the estate.\n");
    write("kb/.hidden/secret.md", "# Secret\n\nhidden words\n");
    write("kb/notes.bin", "not a supported type");
    auto store = Store::open((root_ / "ragd.db").string());
    ASSERT_TRUE(store.is_ok()) << store.status().to_string();
    store_ = std::move(store).value();
    auto index = LexicalIndex::open((root_ / "index").string(), Bm25Params{});
    ASSERT_TRUE(index.is_ok()) << index.status().to_string();
    index_ = std::move(index).value();
  }
  void TearDown() override { fs::remove_all(root_); }

  void write(const std::string& relative, const std::string& content) {
    std::ofstream(root_ / relative, std::ios::binary) << content;
  }

  IngestSummary ingest(std::vector<std::string> paths) {
    IngestJob job(*store_, *index_, analyzer_, IngestOptions{});
    auto summary = job.run(paths, nullptr);
    EXPECT_TRUE(summary.is_ok()) << summary.status().to_string();
    return summary.is_ok() ? *summary : IngestSummary{};
  }

  std::vector<ScoredChunk> search(const std::string& query) {
    std::vector<std::string> terms;
    analyzer_.analyze(query, terms);
    return index_->search(terms, 10);
  }

  fs::path root_;
  Analyzer analyzer_;
  std::unique_ptr<Store> store_;
  std::unique_ptr<LexicalIndex> index_;
};

TEST_F(IngestJobTest, ScanFindsSupportedFilesWithDomains) {
  SourceScan scan = scan_sources({(root_ / "kb").string(), (root_ / "missing").string()});
  ASSERT_EQ(scan.files.size(), 2u);
  EXPECT_EQ(scan.files[0].path, (root_ / "kb" / "intro.txt").string());
  EXPECT_EQ(scan.files[0].domain, "");
  EXPECT_EQ(scan.files[1].domain, "wine");
  EXPECT_EQ(scan.skipped, 1u);
  ASSERT_EQ(scan.problems.size(), 1u);
  EXPECT_NE(scan.problems[0].message.find("no such file"), std::string::npos);
  EXPECT_EQ(scan.folders, std::vector<std::string>{(root_ / "kb").string()});
}

TEST_F(IngestJobTest, IngestIndexesAndReingestSkips) {
  IngestSummary first = ingest({(root_ / "kb").string()});
  EXPECT_EQ(first.added, 2u);
  EXPECT_EQ(first.failed, 0u);
  EXPECT_EQ(first.files_skipped_unsupported, 1u);
  EXPECT_EQ(index_->applied_seq(), store_->last_change_seq());
  auto hits = search("merlot");
  ASSERT_EQ(hits.size(), 1u);
  auto chunks = store_->get_chunks({hits[0].chunk_id});
  ASSERT_TRUE(chunks.is_ok());
  ASSERT_EQ(chunks->size(), 1u);
  EXPECT_NE((*chunks)[0].text.find("Merlot"), std::string::npos);
  EXPECT_TRUE(search("hidden").empty());

  IngestSummary second = ingest({(root_ / "kb").string()});
  EXPECT_EQ(second.files_skipped_unchanged, 2u);
  EXPECT_EQ(second.added + second.updated + second.chunks_written, 0u);
}

TEST_F(IngestJobTest, WithVectorsEmbedsNewAndChangedChunksOnly) {
  testing_support::FakeEmbeddingProvider provider;
  auto cache = EmbeddingStore::open(*store_);
  ASSERT_TRUE(cache.is_ok());
  CachedEmbedder embedder(**cache, provider);
  VectorIndexOptions options;
  options.dimension = provider.dimension();
  auto vectors = VectorIndex::open((root_ / "vectors").string(), options);
  ASSERT_TRUE(vectors.is_ok());
  auto run = [&] {
    IngestJob job(*store_, *index_, analyzer_, IngestOptions{});
    job.set_vectors(vectors->get(), &embedder);
    auto summary = job.run({(root_ / "kb").string()}, nullptr);
    EXPECT_TRUE(summary.is_ok()) << summary.status().to_string();
    return summary.is_ok() ? *summary : IngestSummary{};
  };
  IngestSummary first = run();
  EXPECT_EQ(first.passages_embedded, first.chunks_written);
  EXPECT_EQ((*vectors)->stats().live_vectors, first.chunks_written);
  EXPECT_EQ((*vectors)->applied_seq(), store_->last_change_seq());

  write("kb/wine/red.md", "# Reds\n\nNow only zinfandel.\n");
  IngestSummary second = run();
  EXPECT_EQ(second.updated, 1u);
  EXPECT_EQ(second.passages_embedded, 1u);  // the changed document only
  EXPECT_EQ((*vectors)->stats().live_vectors, first.chunks_written);
  EXPECT_EQ(provider.passages_embedded(), first.chunks_written + 1);
}

TEST_F(IngestJobTest, ChangedAndDeletedFilesAreReflected) {
  ingest({(root_ / "kb").string()});
  write("kb/wine/red.md", "# Reds\n\nNow only zinfandel.\n");
  fs::remove(root_ / "kb" / "intro.txt");
  IngestSummary again = ingest({(root_ / "kb").string()});
  EXPECT_EQ(again.updated, 1u);
  EXPECT_EQ(again.removed, 1u);
  EXPECT_TRUE(search("merlot").empty());
  EXPECT_EQ(search("zinfandel").size(), 1u);
  EXPECT_TRUE(search("estate").empty());
  EXPECT_EQ(index_->stats().live_documents, 1u);
}

TEST_F(IngestJobTest, CatchUpReplaysWhatTheIndexMissed) {
  ingest({(root_ / "kb").string()});
  // A second index that saw nothing (as after a crash before its first write) catches up.
  auto fresh = LexicalIndex::open((root_ / "index2").string(), Bm25Params{});
  ASSERT_TRUE(fresh.is_ok());
  auto collection = store_->find_collection("default");
  ASSERT_TRUE(collection.is_ok());
  auto applied = catch_up_index(*store_, collection->id, **fresh, analyzer_);
  ASSERT_TRUE(applied.is_ok());
  EXPECT_GT(*applied, 0u);
  EXPECT_EQ((*fresh)->stats().live_documents, index_->stats().live_documents);
  auto again = catch_up_index(*store_, collection->id, **fresh, analyzer_);
  ASSERT_TRUE(again.is_ok());
  EXPECT_EQ(*again, 0u) << "nothing left to apply";
}

}  // namespace
}  // namespace ragd
