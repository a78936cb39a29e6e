// BM25F scores and top-k of LexicalIndex against the brute-force reference, on random
// corpora with fixed seeds, through adds, deletes, updates, merges and compaction.
#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <map>

#include "index/lexical_index.h"
#include "reference_model.h"

namespace ragd {
namespace {

namespace fs = std::filesystem;

std::string temp_dir(const std::string& name) {
  fs::path p = fs::temp_directory_path() /
               ("ragd_lex_" + name + "_" + std::to_string(::testing::UnitTest::GetInstance()->random_seed()) + "_" +
                std::to_string(reinterpret_cast<uintptr_t>(&name)));
  fs::remove_all(p);
  return p.string();
}

// Rank-by-rank equal scores; every returned chunk's score is its true score; chunk ids equal
// except where the reference itself has a near-tie.
void expect_same(const std::vector<ScoredChunk>& got, const std::vector<ScoredChunk>& want,
                 const std::map<int64_t, double>& all, const std::string& context) {
  ASSERT_EQ(got.size(), want.size()) << context;
  for (size_t i = 0; i < got.size(); ++i) {
    double tol = 1e-4 * std::max(1.0, std::abs(static_cast<double>(want[i].score)));
    EXPECT_NEAR(got[i].score, want[i].score, tol) << context << " rank " << i;
    auto it = all.find(got[i].chunk_id);
    ASSERT_NE(it, all.end()) << context << " returned a chunk without score";
    EXPECT_NEAR(got[i].score, it->second, tol) << context << " chunk " << got[i].chunk_id;
    if (got[i].chunk_id != want[i].chunk_id) {
      EXPECT_NEAR(all.at(want[i].chunk_id), it->second, tol) << context << " rank " << i;
    }
    if (i > 0) {
      EXPECT_TRUE(got[i - 1].score > got[i].score ||
                  (got[i - 1].score == got[i].score && got[i - 1].chunk_id < got[i].chunk_id))
          << context << " not sorted at " << i;
    }
  }
}

class ScoringTest : public ::testing::TestWithParam<uint32_t> {};

// Every query is answered by both top-k algorithms: each must match the reference, and
// the two must agree exactly (same chunks, bit-identical scores).
void check_queries(LexicalIndex& index, const std::map<int64_t, IndexDocument>& live,
                   testing::RandomCorpus& gen, int queries, const std::string& stage) {
  for (int q = 0; q < queries; ++q) {
    auto query = gen.query();
    size_t k = static_cast<size_t>(gen.uniform(1, 3) == 1 ? gen.uniform(1, 3) : gen.uniform(5, 40));
    SearchFilter filter;
    if (q % 3 == 1) filter = gen.filter();
    std::map<int64_t, double> all;
    auto want = testing::reference_search(live, query, k, filter, index.params(), &all);
    std::string ctx = stage + " query " + std::to_string(q);
    index.set_search_strategy(SearchStrategy::kPruned);
    auto pruned = index.search(query, k, filter);
    index.set_search_strategy(SearchStrategy::kExhaustive);
    auto exhaustive = index.search(query, k, filter);
    index.set_search_strategy(SearchStrategy::kAuto);
    expect_same(pruned, want, all, ctx + " (pruned)");
    expect_same(exhaustive, want, all, ctx + " (exhaustive)");
    ASSERT_EQ(pruned.size(), exhaustive.size()) << ctx;
    for (size_t i = 0; i < pruned.size(); ++i) {
      EXPECT_EQ(pruned[i].chunk_id, exhaustive[i].chunk_id) << ctx << " rank " << i;
      EXPECT_EQ(pruned[i].score, exhaustive[i].score) << ctx << " rank " << i;
    }
    if (::testing::Test::HasFailure()) return;
  }
}

TEST_P(ScoringTest, MatchesBruteForceThroughChanges) {
  uint32_t seed = GetParam();
  testing::RandomCorpus gen(seed, 300);
  std::string dir = temp_dir("scoring" + std::to_string(seed));
  Bm25Params params;
  auto opened = LexicalIndex::open(dir, params);
  ASSERT_TRUE(opened.is_ok()) << opened.status().to_string();
  auto index = std::move(opened.value());
  std::map<int64_t, IndexDocument> live;
  int64_t seq = 0;
  int64_t next_id = 1;

  // Many small batches: several tiers of segments and policy merges.
  for (int batch = 0; batch < 24; ++batch) {
    std::vector<IndexDocument> adds;
    int n = batch < 12 ? gen.uniform(15, 60) : gen.uniform(1, 9);
    for (int i = 0; i < n; ++i) {
      adds.push_back(gen.doc(next_id));
      live[next_id] = adds.back();
      next_id += gen.uniform(1, 3);
    }
    ASSERT_TRUE(index->apply(adds, {}, ++seq).is_ok());
  }
  check_queries(*index, live, gen, 150, "after adds");

  // Deletes (some unknown ids) and updates (re-adds of existing ids).
  for (int round = 0; round < 6; ++round) {
    std::vector<int64_t> removed;
    std::vector<IndexDocument> adds;
    for (int i = 0; i < 25 && !live.empty(); ++i) {
      auto it = live.begin();
      std::advance(it, gen.uniform(0, static_cast<int>(live.size()) - 1));
      if (i % 3 == 0) {
        adds.push_back(gen.doc(it->first));
      } else {
        removed.push_back(it->first);
      }
    }
    removed.push_back(999999);  // not in the index
    // The contract: removals first, then adds (the last add of an id wins).
    for (int64_t id : removed) live.erase(id);
    for (const IndexDocument& d : adds) live[d.chunk_id] = d;
    ASSERT_TRUE(index->apply(adds, removed, ++seq).is_ok());
    check_queries(*index, live, gen, 40, "round " + std::to_string(round));
  }
  EXPECT_GT(index->stats().deleted_documents, 0u);
  EXPECT_EQ(index->stats().live_documents, live.size());

  ASSERT_TRUE(index->compact().is_ok());
  EXPECT_EQ(index->stats().segments, 1u);
  EXPECT_EQ(index->stats().deleted_documents, 0u);
  check_queries(*index, live, gen, 100, "after compact");
  fs::remove_all(dir);
}

INSTANTIATE_TEST_SUITE_P(Seeds, ScoringTest, ::testing::Values(1u, 7u, 42u, 2024u));

TEST(ScoringTest, LargeListsUseBlocksAndPruning) {
  // Long posting lists (many blocks) and a frequent term: exercises block skipping.
  testing::RandomCorpus gen(99, 40);
  std::string dir = temp_dir("large");
  auto index = std::move(LexicalIndex::open(dir, Bm25Params{}).value());
  std::map<int64_t, IndexDocument> live;
  std::vector<IndexDocument> adds;
  for (int64_t id = 1; id <= 3000; ++id) {
    adds.push_back(gen.doc(id * 2));
    live[id * 2] = adds.back();
  }
  ASSERT_TRUE(index->apply(adds, {}, 1).is_ok());
  check_queries(*index, live, gen, 60, "large");
  std::vector<int64_t> removed;
  for (int64_t id = 2; id <= 6000; id += 14) {
    removed.push_back(id);
    live.erase(id);
  }
  ASSERT_TRUE(index->apply({}, removed, 2).is_ok());
  check_queries(*index, live, gen, 60, "large after deletes");
  fs::remove_all(dir);
}

TEST(ScoringTest, TitleWeightAndParamsAreUsed) {
  std::string dir = temp_dir("params");
  Bm25Params params{0.9f, 0.4f, 0.3f, 3.0f};
  auto index = std::move(LexicalIndex::open(dir, params).value());
  std::map<int64_t, IndexDocument> live;
  IndexDocument a;
  a.chunk_id = 1;
  a.title_terms = {"apple"};
  a.body_terms = {"pie", "crust", "oven"};
  IndexDocument b;
  b.chunk_id = 2;
  b.body_terms = {"apple", "pie", "apple"};
  IndexDocument c;
  c.chunk_id = 3;
  c.body_terms = {"banana"};
  for (auto* d : {&a, &b, &c}) live[d->chunk_id] = *d;
  ASSERT_TRUE(index->apply({a, b, c}, {}, 1).is_ok());
  std::map<int64_t, double> all;
  auto want = testing::reference_search(live, {"apple"}, 10, {}, params, &all);
  auto got = index->search({"apple"}, 10);
  expect_same(got, want, all, "params");
  ASSERT_EQ(got.size(), 2u);
  EXPECT_EQ(index->params().title_weight, 3.0f);
  fs::remove_all(dir);
}

TEST(ScoringTest, EqualDocumentsTieByChunkId) {
  std::string dir = temp_dir("ties");
  auto index = std::move(LexicalIndex::open(dir, Bm25Params{}).value());
  std::vector<IndexDocument> adds;
  for (int64_t id : {50, 10, 30, 20, 40}) {
    IndexDocument d;
    d.chunk_id = id;
    d.body_terms = {"same", "words", "here"};
    d.title_terms = {"same"};
    adds.push_back(d);
  }
  ASSERT_TRUE(index->apply(adds, {}, 1).is_ok());
  // A second segment holding an equal document with a smaller id.
  IndexDocument d;
  d.chunk_id = 5;
  d.body_terms = {"same", "words", "here"};
  d.title_terms = {"same"};
  ASSERT_TRUE(index->apply({d}, {}, 2).is_ok());
  auto got = index->search({"words", "same"}, 3);
  ASSERT_EQ(got.size(), 3u);
  EXPECT_EQ(got[0].chunk_id, 5);
  EXPECT_EQ(got[1].chunk_id, 10);
  EXPECT_EQ(got[2].chunk_id, 20);
  EXPECT_EQ(got[0].score, got[2].score);
  fs::remove_all(dir);
}

}  // namespace
}  // namespace ragd

namespace ragd {
namespace {

TEST(TermIdfTest, IsBm25IdfOverLiveChunks) {
  auto dir = std::filesystem::temp_directory_path() / "ragd_lex_term_idf";
  std::filesystem::remove_all(dir);
  auto index = LexicalIndex::open(dir.string(), Bm25Params{});
  ASSERT_TRUE(index.is_ok());
  std::vector<IndexDocument> docs(3);
  docs[0] = IndexDocument{.chunk_id = 1, .document_id = 1, .body_terms = {"wine", "cellar"}};
  docs[1] = IndexDocument{.chunk_id = 2, .document_id = 2, .body_terms = {"wine"}};
  docs[2] = IndexDocument{.chunk_id = 3, .document_id = 3, .body_terms = {"tour"}};
  ASSERT_TRUE((*index)->apply(docs, {}, 1).is_ok());
  auto idf = [](double n, double df) { return std::log(1 + (n - df + 0.5) / (df + 0.5)); };
  EXPECT_NEAR((*index)->term_idf("cellar"), idf(3, 1), 1e-9);
  EXPECT_NEAR((*index)->term_idf("wine"), idf(3, 2), 1e-9);
  EXPECT_NEAR((*index)->term_idf("helicopter"), idf(3, 0), 1e-9);
  EXPECT_EQ((*index)->term_document_frequency("wine"), 2u);
  EXPECT_EQ((*index)->term_document_frequency("helicopter"), 0u);
  ASSERT_TRUE((*index)->apply({}, {1}, 2).is_ok());  // deleted chunks no longer count
  EXPECT_NEAR((*index)->term_idf("wine"), idf(2, 1), 1e-9);
  EXPECT_NEAR((*index)->term_idf("cellar"), idf(2, 0), 1e-9);
  index->reset();
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace ragd
