// CachedEmbedder and catch_up_vectors against a real store, embedding cache and vector index,
// with a deterministic fake provider.
#include "jobs/vector_sync.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>

#include "fake_embedding_provider.h"
#include "jobs/cached_embedder.h"
#include "jobs/data_dir.h"

namespace ragd {
namespace {

namespace fs = std::filesystem;
using testing_support::FakeEmbeddingProvider;

class VectorSyncTest : public ::testing::Test {
 protected:
  void SetUp() override {
    root_ = fs::temp_directory_path() /
            ("ragd-vectors-" + std::to_string(::getpid()) + "-" +
             ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(root_);
    fs::create_directories(root_);
    auto store = Store::open((root_ / "ragd.db").string());
    ASSERT_TRUE(store.is_ok()) << store.status().to_string();
    store_ = std::move(store).value();
    auto cache = EmbeddingStore::open(*store_);
    ASSERT_TRUE(cache.is_ok());
    cache_ = std::move(cache).value();
    collection_ = store_->get_or_create_collection("kb")->id;
    reopen_index();
  }
  void TearDown() override {
    index_.reset();
    fs::remove_all(root_);
  }

  void reopen_index() {
    index_.reset();
    VectorIndexOptions options;
    options.dimension = provider_.dimension();
    auto index = VectorIndex::open((root_ / "vectors").string(), options);
    ASSERT_TRUE(index.is_ok()) << index.status().to_string();
    index_ = std::move(index).value();
  }

  int64_t put(const std::string& key, const std::vector<std::string>& paragraphs) {
    Document doc;
    doc.key = key;
    doc.source_path = "/kb/" + key;
    doc.title = "Title " + key;
    doc.domain = key.substr(0, key.find('/'));
    doc.content_hash = "h:" + key + std::to_string(paragraphs.size());
    std::vector<Chunk> chunks;
    for (size_t i = 0; i < paragraphs.size(); ++i) {
      if (i) doc.text += "\n\n";
      Chunk chunk;
      chunk.id = key + std::to_string(i);
      chunk.ordinal = static_cast<int>(i);
      chunk.begin = doc.text.size();
      doc.text += paragraphs[i];
      chunk.end = doc.text.size();
      chunk.text = paragraphs[i];
      chunks.push_back(chunk);
    }
    auto id = store_->replace_document(collection_, doc, chunks);
    EXPECT_TRUE(id.is_ok()) << id.status().to_string();
    return id.is_ok() ? *id : 0;
  }

  std::vector<ScoredChunk> dense_search(const std::string& text, size_t k = 10) {
    std::vector<float> q = provider_.vector_of(text);
    return index_->search(q.data(), k);
  }

  fs::path root_;
  FakeEmbeddingProvider provider_;
  std::unique_ptr<Store> store_;
  std::unique_ptr<EmbeddingStore> cache_;
  std::unique_ptr<VectorIndex> index_;
  int64_t collection_ = 0;
};

TEST(PassageText, TitleThenSectionThenText) {
  ChunkForIndex chunk;
  chunk.title = "Wine Club";
  chunk.text = "Members get six bottles.";
  EXPECT_EQ(passage_text(chunk), "Wine Club Members get six bottles.");
  chunk.section_path = "Wine Club > Tiers";
  EXPECT_EQ(passage_text(chunk), "Wine Club > Tiers Members get six bottles.");
  chunk.section_path = "Shipping";
  EXPECT_EQ(passage_text(chunk), "Wine Club > Shipping Members get six bottles.");
  chunk.title.clear();
  chunk.section_path.clear();
  EXPECT_EQ(passage_text(chunk), "Members get six bottles.");
}

TEST(ModelFolderName, SafeAndDistinct) {
  std::string a = model_folder_name("sentence-transformers/all-MiniLM-L6-v2");
  std::string b = model_folder_name("sentence-transformers/all_MiniLM-L6-v2");
  EXPECT_EQ(a.find('/'), std::string::npos);
  EXPECT_NE(a, b);  // same sanitised prefix, different hash
  EXPECT_EQ(model_folder_name("../x").find(".."), std::string::npos);
  EXPECT_EQ(model_folder_name(std::string(500, 'm')).size(), 64u + 1 + 12);
}

TEST_F(VectorSyncTest, CachedEmbedderEmbedsEachTextOnce) {
  CachedEmbedder embedder(*cache_, provider_, 2);
  auto first = embedder.embed_passages({"red wine", "white wine", "red wine", "rose"});
  ASSERT_TRUE(first.is_ok()) << first.status().to_string();
  EXPECT_EQ(first->embedded, 3u);
  EXPECT_EQ(provider_.passages_embedded(), 3u);
  EXPECT_EQ(provider_.calls(), 2);  // two calls of at most two texts
  ASSERT_EQ(first->vectors.size(), 4 * provider_.dimension());
  EXPECT_TRUE(std::equal(first->vectors.begin(), first->vectors.begin() + 16,
                         first->vectors.begin() + 32));
  auto second = embedder.embed_passages({"rose", "red wine"});
  ASSERT_TRUE(second.is_ok());
  EXPECT_EQ(second->cached, 2u);
  EXPECT_EQ(second->embedded, 0u);
  EXPECT_EQ(provider_.passages_embedded(), 3u);
  std::vector<float> rose = provider_.vector_of("rose");
  EXPECT_TRUE(std::equal(rose.begin(), rose.end(), second->vectors.begin()));
}

TEST_F(VectorSyncTest, ReadersLeaveTheCacheAloneAndRespectTheLimit) {
  CachedEmbedder embedder(*cache_, provider_);
  EmbedRequestOptions reader;
  reader.store_new = false;
  reader.max_new = 1;
  auto result = embedder.embed_passages({"a b", "c d"}, reader);
  ASSERT_TRUE(result.is_ok());
  EXPECT_EQ(result->embedded, 1u);
  EXPECT_EQ(result->present, (std::vector<bool>{true, false}));
  EXPECT_EQ(*cache_->count(provider_.model_id()), 0);
}

TEST_F(VectorSyncTest, CatchUpAddsAndRemovesFromTheChangeLog) {
  int64_t reds = put("wine/reds.md", {"merlot cabernet tannin", "pinot noir cherry"});
  put("club/join.md", {"membership shipments quarterly"});
  CachedEmbedder embedder(*cache_, provider_);
  auto summary = catch_up_vectors(*store_, collection_, *index_, embedder);
  ASSERT_TRUE(summary.is_ok()) << summary.status().to_string();
  EXPECT_EQ(summary->changes, 3u);
  EXPECT_EQ(summary->embedded, 3u);
  EXPECT_EQ(index_->stats().live_vectors, 3u);
  EXPECT_EQ(index_->applied_seq(), store_->last_change_seq());
  auto hits = dense_search("Title wine/reds.md pinot noir cherry");
  ASSERT_FALSE(hits.empty());
  auto chunks = store_->get_chunks({hits[0].chunk_id});
  ASSERT_TRUE(chunks.is_ok());
  EXPECT_EQ((*chunks)[0].text, "pinot noir cherry");

  // Persisted: a reopened index has them all; nothing more to do.
  reopen_index();
  EXPECT_EQ(index_->stats().live_vectors, 3u);
  EXPECT_EQ(catch_up_vectors(*store_, collection_, *index_, embedder)->changes, 0u);

  ASSERT_TRUE(store_->remove_document(reds).is_ok());
  auto removed = catch_up_vectors(*store_, collection_, *index_, embedder);
  ASSERT_TRUE(removed.is_ok());
  EXPECT_EQ(removed->embedded, 0u);
  EXPECT_EQ(index_->stats().live_vectors, 1u);
}

TEST_F(VectorSyncTest, AFailedCatchUpResumesFromTheCache) {
  for (int d = 0; d < 6; ++d) put("doc" + std::to_string(d), {"text number " + std::to_string(d)});
  CachedEmbedder embedder(*cache_, provider_, 2);
  // Batch one (3 passages) takes calls 1 and 2; batch two embeds two passages in call 3 (they
  // reach the cache) and fails on call 4, like a crash before its vectors reach the index.
  provider_.fail_after_calls(3);
  VectorCatchUpOptions options;
  options.batch_changes = 3;
  options.persist_every = 1;
  auto failed = catch_up_vectors(*store_, collection_, *index_, embedder, options);
  EXPECT_FALSE(failed.is_ok());
  EXPECT_EQ(provider_.passages_embedded(), 5u);
  reopen_index();  // what a new process finds on disk
  EXPECT_EQ(index_->stats().live_vectors, 3u);  // the first batch was persisted
  provider_.fail_after_calls(-1);
  auto resumed = catch_up_vectors(*store_, collection_, *index_, embedder, options);
  ASSERT_TRUE(resumed.is_ok()) << resumed.status().to_string();
  EXPECT_EQ(resumed->cached, 2u);    // embedded before the failure
  EXPECT_EQ(resumed->embedded, 1u);  // never embedded before
  EXPECT_EQ(index_->stats().live_vectors, 6u);
}

TEST_F(VectorSyncTest, InMemoryCatchUpForReaders) {
  put("a", {"alpha beta"});
  put("b", {"gamma delta"});
  CachedEmbedder embedder(*cache_, provider_);
  VectorCatchUpOptions options;
  options.persist = false;
  options.store_embeddings = false;
  options.max_new_embeddings = 1;
  auto summary = catch_up_vectors(*store_, collection_, *index_, embedder, options);
  ASSERT_TRUE(summary.is_ok());
  EXPECT_EQ(summary->left_out, 1u);
  EXPECT_EQ(index_->stats().live_vectors, 1u);
  reopen_index();
  EXPECT_EQ(index_->applied_seq(), 0);  // nothing was written
  EXPECT_EQ(*cache_->count(provider_.model_id()), 0);
}

TEST_F(VectorSyncTest, PendingChangesCountsUpToTheLimit) {
  for (int d = 0; d < 5; ++d) put("d" + std::to_string(d), {"x"});
  EXPECT_EQ(*pending_changes(*store_, collection_, 0, 10), 5u);
  EXPECT_EQ(*pending_changes(*store_, collection_, 0, 3), 4u);  // "more than 3"
}

}  // namespace
}  // namespace ragd
