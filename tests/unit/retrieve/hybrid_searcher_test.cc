// Searcher modes (lexical, dense, hybrid, auto) over a real store, lexical index and vector
// index, with the deterministic bag-of-words fake provider.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>

#include "../jobs/fake_embedding_provider.h"
#include "jobs/cached_embedder.h"
#include "jobs/index_sync.h"
#include "jobs/vector_sync.h"
#include "retrieve/searcher.h"

namespace ragd {
namespace {

namespace fs = std::filesystem;
using testing_support::FakeEmbeddingProvider;

class HybridSearcherTest : public ::testing::Test {
 protected:
  void SetUp() override {
    root_ = fs::temp_directory_path() /
            ("ragd-hybrid-" + std::to_string(::getpid()) + "-" +
             ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(root_);
    fs::create_directories(root_);
    store_ = std::move(Store::open((root_ / "ragd.db").string())).value();
    cache_ = std::move(EmbeddingStore::open(*store_)).value();
    collection_ = store_->get_or_create_collection("kb")->id;
    lexical_ = std::move(LexicalIndex::open((root_ / "lexical").string(), Bm25Params{})).value();
    VectorIndexOptions options;
    options.dimension = provider_.dimension();
    vectors_ = std::move(VectorIndex::open((root_ / "vectors").string(), options)).value();
    put("a", "Opening hours", "The tasting room opens at ten every morning");
    put("b", "Dogs", "Pets on a leash are welcome on the terrace");
    put("c", "Shipping", "Orders ship within two days by courier");
    ASSERT_TRUE(catch_up_index(*store_, collection_, *lexical_, analyzer_).is_ok());
    CachedEmbedder embedder(*cache_, provider_);
    ASSERT_TRUE(catch_up_vectors(*store_, collection_, *vectors_, embedder).is_ok());
  }
  void TearDown() override { fs::remove_all(root_); }

  void put(const std::string& key, const std::string& title, const std::string& text) {
    Document doc;
    doc.key = key;
    doc.source_path = "/kb/" + key;
    doc.title = title;
    doc.text = text;
    doc.content_hash = key;
    Chunk chunk;
    chunk.id = key;
    chunk.end = text.size();
    chunk.text = text;
    ASSERT_TRUE(store_->replace_document(collection_, doc, {chunk}).is_ok());
  }

  Searcher dense_searcher() {
    return Searcher(*store_, *lexical_, analyzer_, DenseRetriever{vectors_.get(), &provider_, ""});
  }
  Searcher lexical_only() {
    return Searcher(*store_, *lexical_, analyzer_,
                    DenseRetriever{nullptr, nullptr, "no embedding model found"});
  }
  SearchRequest request(const std::string& query, SearchMode mode) {
    SearchRequest r;
    r.query = query;
    r.mode = mode;
    r.k = 3;
    return r;
  }

  fs::path root_;
  Analyzer analyzer_;
  FakeEmbeddingProvider provider_{"fake-bow-256", 256};
  std::unique_ptr<Store> store_;
  std::unique_ptr<EmbeddingStore> cache_;
  std::unique_ptr<LexicalIndex> lexical_;
  std::unique_ptr<VectorIndex> vectors_;
  int64_t collection_ = 0;
};

TEST_F(HybridSearcherTest, DenseRanksByVectorSimilarity) {
  auto response = dense_searcher().search(request("pets leash terrace", SearchMode::kDense));
  ASSERT_TRUE(response.is_ok()) << response.status().to_string();
  EXPECT_EQ(response->strategy, "dense");
  ASSERT_FALSE(response->hits.empty());
  EXPECT_EQ(response->hits[0].document_key, "b");
  EXPECT_EQ(response->hits[0].dense_rank, 1);
  EXPECT_EQ(response->lexical_candidates, 0u);
  EXPECT_EQ(response->dense_candidates, 3u);
}

TEST_F(HybridSearcherTest, HybridFusesBothListsAndReportsThem) {
  SearchRequest r = request("when does the tasting room open", SearchMode::kHybrid);
  auto response = dense_searcher().search(r);
  ASSERT_TRUE(response.is_ok()) << response.status().to_string();
  EXPECT_EQ(response->strategy, "hybrid");
  // The default fusion: the weighted sum, lexical 0.3 and dense 0.7.
  EXPECT_EQ(response->fusion, "weighted");
  EXPECT_EQ(response->dense_candidates, 3u);
  EXPECT_GE(response->lexical_candidates, 1u);
  ASSERT_FALSE(response->hits.empty());
  EXPECT_EQ(response->hits[0].document_key, "a");
  // Best in both lists: normalised 1 in each, 0.3 + 0.7.
  EXPECT_NEAR(response->hits[0].score, 1.0, 1e-6);
  EXPECT_EQ(response->hits[0].lexical_rank, 1);
  EXPECT_EQ(response->hits[0].dense_rank, 1);

  r.fusion.method = FusionMethod::kRrf;
  r.fusion.weights = default_hybrid_weights(FusionMethod::kRrf);
  auto rrf = dense_searcher().search(r);
  ASSERT_TRUE(rrf.is_ok()) << rrf.status().to_string();
  EXPECT_EQ(rrf->fusion, "rrf");
  ASSERT_FALSE(rrf->hits.empty());
  EXPECT_EQ(rrf->hits[0].document_key, "a");
  // Rank 1 in both lists: 2 / 61.
  EXPECT_NEAR(rrf->hits[0].score, 2.0 / 61, 1e-6);
}

TEST_F(HybridSearcherTest, AutoRoutesShortQueriesLexicalAndQuestionsHybrid) {
  auto keyword = dense_searcher().search(request("courier", SearchMode::kAuto));
  ASSERT_TRUE(keyword.is_ok());
  EXPECT_EQ(keyword->mode, "auto");
  EXPECT_EQ(keyword->strategy, "lexical");
  EXPECT_NE(keyword->route_reason.find("short keyword"), std::string::npos);
  auto question = dense_searcher().search(request("are pets welcome?", SearchMode::kAuto));
  ASSERT_TRUE(question.is_ok());
  EXPECT_EQ(question->strategy, "hybrid");
  // A keyword that matches nothing finds nothing, as in lexical mode (dense search would
  // always return its nearest chunks).
  auto no_match = dense_searcher().search(request("zzz qqq", SearchMode::kAuto));
  ASSERT_TRUE(no_match.is_ok());
  EXPECT_EQ(no_match->strategy, "lexical");
  EXPECT_TRUE(no_match->hits.empty());
}

TEST_F(HybridSearcherTest, NoModelDenseIsAnErrorOthersFallBack) {
  auto dense = lexical_only().search(request("pets", SearchMode::kDense));
  ASSERT_FALSE(dense.is_ok());
  EXPECT_EQ(dense.status().code(), ErrorCode::kInvalidArgument);
  EXPECT_NE(dense.status().message().find("no embedding model found"), std::string::npos);
  auto hybrid = lexical_only().search(request("are pets welcome on the terrace", SearchMode::kHybrid));
  ASSERT_TRUE(hybrid.is_ok());
  EXPECT_EQ(hybrid->strategy, "lexical");
  ASSERT_EQ(hybrid->notes.size(), 1u);
  EXPECT_NE(hybrid->notes[0].find("fell back to lexical"), std::string::npos);
  EXPECT_EQ(hybrid->hits.at(0).document_key, "b");
}

TEST_F(HybridSearcherTest, FiltersApplyToDenseCandidates) {
  SearchRequest r = request("pets leash terrace", SearchMode::kDense);
  r.filter.document_ids = {store_->find_document(collection_, "c")->value().id};
  auto response = dense_searcher().search(r);
  ASSERT_TRUE(response.is_ok());
  ASSERT_EQ(response->hits.size(), 1u);
  EXPECT_EQ(response->hits[0].document_key, "c");
}

TEST_F(HybridSearcherTest, WeightedFusion) {
  SearchRequest r = request("tasting room", SearchMode::kHybrid);
  r.fusion.method = FusionMethod::kWeighted;
  r.fusion.weights = {0.0, 1.0};
  auto response = dense_searcher().search(r);
  ASSERT_TRUE(response.is_ok());
  EXPECT_EQ(response->fusion, "weighted");
  ASSERT_FALSE(response->hits.empty());
  EXPECT_NEAR(response->hits[0].score, 1.0, 1e-6);  // the best dense candidate, normalised
}

}  // namespace
}  // namespace ragd
