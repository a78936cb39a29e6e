#include "server/response_cache.h"

#include <gtest/gtest.h>

#include <atomic>
#include <cmath>
#include <string>
#include <thread>
#include <vector>

namespace ragd::server {
namespace {

CacheLookupKey key(std::string question, std::string scope = "t1/docs", std::string filters = "{}",
                   int64_t version = 1) {
  return CacheLookupKey{std::move(scope), std::move(question), std::move(filters), version};
}

// A unit vector whose cosine with {1, 0, 0} is `cosine`.
std::vector<float> at_cosine(double cosine) {
  return {static_cast<float>(cosine), static_cast<float>(std::sqrt(1 - cosine * cosine)), 0};
}

const std::vector<float> kAxis = {1, 0, 0};

TEST(NormalizeQuestion, FoldsCaseCollapsesSpaceAndDropsTrailingPunctuation) {
  EXPECT_EQ(normalize_question("What is X?"), "what is x");
  EXPECT_EQ(normalize_question("  what   is\tx \n"), "what is x");
  EXPECT_EQ(normalize_question("Really?! ..."), "really");
  EXPECT_EQ(normalize_question("What's 2.5 + 2.5?"), "what's 2.5 + 2.5");
  EXPECT_EQ(normalize_question("¿Qué es?"), "¿qué es");
  EXPECT_EQ(normalize_question("\xC3\x89T\xC3\x89 Caf\xC3\xA9\xEF\xBC\x9F"), "été café");  // ？
  EXPECT_EQ(normalize_question("STRASSE\xC2\xA0Stra\xC3\x9F"
                               "e"),
            "strasse strasse");
  EXPECT_EQ(normalize_question("???"), "");
  EXPECT_EQ(normalize_question(""), "");
  EXPECT_EQ(normalize_question("bad \xFF\xFE utf8?"), normalize_question("BAD \xFF\xFE UTF8"));
}

TEST(ResponseCache, ExactHitAfterNormalisation) {
  ResponseCache cache;
  cache.store(key("What is X?"), "answer-x");
  const auto hit = cache.lookup(key("  what is x "));
  ASSERT_TRUE(hit.has_value());
  EXPECT_EQ(hit->payload, "answer-x");
  EXPECT_FALSE(hit->semantic);
  EXPECT_EQ(hit->similarity, 1);
  EXPECT_FALSE(cache.lookup(key("what is y")).has_value());
}

TEST(ResponseCache, NeverMatchesAcrossScopeFiltersOrVersion) {
  ResponseCache cache;
  cache.store(key("What is X?"), "answer-x", kAxis);
  for (const CacheLookupKey& other :
       {key("What is X?", "t2/docs"), key("What is X?", "t1/docs", "{\"domain\":\"a\"}"),
        key("What is X?", "t1/docs", "{}", 2), key("What is X?", "t1/doc")}) {
    EXPECT_FALSE(cache.lookup(other).has_value()) << other.scope << other.filters;
    EXPECT_FALSE(cache.lookup(other, &kAxis).has_value()) << other.scope << other.filters;
  }
  EXPECT_TRUE(cache.lookup(key("What is X?")).has_value());
}

TEST(ResponseCache, SemanticHitAtThresholdAndMissBelow) {
  ResponseCache cache;
  cache.store(key("What is X?"), "answer-x", kAxis);
  const std::vector<float> near = at_cosine(0.96);
  const auto hit = cache.lookup(key("Tell me about X"), &near);
  ASSERT_TRUE(hit.has_value());
  EXPECT_EQ(hit->payload, "answer-x");
  EXPECT_TRUE(hit->semantic);
  EXPECT_NEAR(hit->similarity, 0.96, 1e-6);
  const std::vector<float> far = at_cosine(0.94);
  EXPECT_FALSE(cache.lookup(key("Tell me about X"), &far).has_value());
  EXPECT_FALSE(cache.lookup(key("Tell me about X")).has_value());  // no embedding, no scan
  const std::vector<float> other_dimension = {1, 0};
  EXPECT_FALSE(cache.lookup(key("Tell me about X"), &other_dimension).has_value());
  const std::vector<float> zero = {0, 0, 0};
  EXPECT_FALSE(cache.lookup(key("Tell me about X"), &zero).has_value());
}

TEST(ResponseCache, SemanticLookupPicksTheMostSimilarEntry) {
  ResponseCache cache;
  cache.store(key("q1"), "far", at_cosine(0.955));
  cache.store(key("q2"), "near", at_cosine(0.99));
  cache.store(key("q3"), "no embedding");
  const auto hit = cache.lookup(key("q4"), &kAxis);
  ASSERT_TRUE(hit.has_value());
  EXPECT_EQ(hit->payload, "near");
  EXPECT_NEAR(hit->similarity, 0.99, 1e-6);
}

TEST(ResponseCache, ExactMatchWinsOverSemantic) {
  ResponseCache cache;
  cache.store(key("q1"), "exact", at_cosine(0.5));
  cache.store(key("q2"), "similar", kAxis);
  const auto hit = cache.lookup(key("Q1?"), &kAxis);
  ASSERT_TRUE(hit.has_value());
  EXPECT_EQ(hit->payload, "exact");
  EXPECT_FALSE(hit->semantic);
}

TEST(ResponseCache, InvalidateDropsScopesWithPrefix) {
  ResponseCache cache;
  cache.store(key("q", "t1/docs/"), "a");
  cache.store(key("q", "t1/docs/", "{\"k\":5}"), "b");
  cache.store(key("q", "t1/docs2/"), "c");
  cache.store(key("q", "t2/docs/"), "d");
  cache.invalidate("t1/docs/");
  EXPECT_FALSE(cache.lookup(key("q", "t1/docs/")).has_value());
  EXPECT_FALSE(cache.lookup(key("q", "t1/docs/", "{\"k\":5}")).has_value());
  EXPECT_TRUE(cache.lookup(key("q", "t1/docs2/")).has_value());
  EXPECT_TRUE(cache.lookup(key("q", "t2/docs/")).has_value());
  EXPECT_EQ(cache.stats().entries, 2u);
  cache.invalidate("t");
  EXPECT_EQ(cache.stats().entries, 0u);
  EXPECT_EQ(cache.stats().bytes, 0u);
  cache.invalidate("nothing");
}

TEST(ResponseCache, EntriesExpireAfterTtl) {
  double now = 100;
  ResponseCacheOptions options;
  options.ttl_seconds = 10;
  options.clock = [&now] { return now; };
  ResponseCache cache(options);
  cache.store(key("q"), "a", kAxis);
  now = 109.5;
  EXPECT_TRUE(cache.lookup(key("q")).has_value());
  EXPECT_TRUE(cache.lookup(key("other"), &kAxis).has_value());
  now = 110;
  EXPECT_FALSE(cache.lookup(key("other"), &kAxis).has_value());
  EXPECT_FALSE(cache.lookup(key("q")).has_value());
  EXPECT_EQ(cache.stats().entries, 0u);
  cache.store(key("q"), "b");  // a fresh time to live
  now = 119;
  EXPECT_EQ(cache.lookup(key("q"))->payload, "b");
  EXPECT_EQ(cache.stats().evictions, 0u);
}

TEST(ResponseCache, NonPositiveTtlNeverExpires) {
  double now = 0;
  ResponseCacheOptions options;
  options.ttl_seconds = 0;
  options.clock = [&now] { return now; };
  ResponseCache cache(options);
  cache.store(key("q"), "a");
  now = 1e12;
  EXPECT_TRUE(cache.lookup(key("q")).has_value());
}

TEST(ResponseCache, EvictsLeastRecentlyUsedByEntryCount) {
  ResponseCacheOptions options;
  options.max_entries = 2;
  ResponseCache cache(options);
  cache.store(key("a"), "A");
  cache.store(key("b"), "B");
  ASSERT_TRUE(cache.lookup(key("a")).has_value());  // b is now the least recently used
  cache.store(key("c"), "C");
  EXPECT_TRUE(cache.lookup(key("a")).has_value());
  EXPECT_FALSE(cache.lookup(key("b")).has_value());
  EXPECT_TRUE(cache.lookup(key("c")).has_value());
  EXPECT_EQ(cache.stats().entries, 2u);
  EXPECT_EQ(cache.stats().evictions, 1u);
}

TEST(ResponseCache, EvictsByBytesAndRefusesOversizedEntries) {
  ResponseCacheOptions options;
  options.max_bytes = 3000;
  ResponseCache cache(options);
  cache.store(key("a"), std::string(1000, 'a'));
  cache.store(key("b"), std::string(1000, 'b'));
  EXPECT_EQ(cache.stats().entries, 2u);
  cache.store(key("c"), std::string(1000, 'c'));  // three would exceed 3000 with overhead
  EXPECT_FALSE(cache.lookup(key("a")).has_value());
  EXPECT_TRUE(cache.lookup(key("b")).has_value());
  EXPECT_TRUE(cache.lookup(key("c")).has_value());
  EXPECT_LE(cache.stats().bytes, 3000u);
  EXPECT_EQ(cache.stats().evictions, 1u);

  cache.store(key("b"), std::string(5000, 'x'));  // too large alone: dropped, old b too
  EXPECT_FALSE(cache.lookup(key("b")).has_value());
  EXPECT_TRUE(cache.lookup(key("c")).has_value());
  EXPECT_EQ(cache.stats().entries, 1u);
}

TEST(ResponseCache, StoringTheSameKeyReplacesTheEntry) {
  ResponseCache cache;
  cache.store(key("What is X?"), "old");
  const uint64_t bytes = cache.stats().bytes;
  cache.store(key("what is x"), "new");
  EXPECT_EQ(cache.lookup(key("what is x"))->payload, "new");
  EXPECT_EQ(cache.stats().entries, 1u);
  EXPECT_EQ(cache.stats().bytes, bytes);
}

TEST(ResponseCache, CountsHitsAndMisses) {
  ResponseCache cache;
  cache.store(key("a"), "A", kAxis);
  (void)cache.lookup(key("a"));
  (void)cache.lookup(key("A?"));
  (void)cache.lookup(key("b"), &kAxis);
  (void)cache.lookup(key("b"));
  (void)cache.lookup(key("a", "elsewhere"));
  const ResponseCache::Stats s = cache.stats();
  EXPECT_EQ(s.exact_hits, 2u);
  EXPECT_EQ(s.semantic_hits, 1u);
  EXPECT_EQ(s.misses, 2u);
  EXPECT_EQ(s.entries, 1u);
  EXPECT_GT(s.bytes, 1u);
  EXPECT_EQ(s.evictions, 0u);
}

TEST(ResponseCache, ConcurrentStoresLookupsAndInvalidations) {
  ResponseCacheOptions options;
  options.max_entries = 64;
  ResponseCache cache(options);
  constexpr int kThreads = 8;
  constexpr int kIterations = 500;
  std::atomic<uint64_t> lookups{0};
  std::atomic<uint64_t> wrong{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kIterations; ++i) {
        const std::string scope = "t" + std::to_string(t % 3) + "/";
        const std::string question = "q" + std::to_string(i % 40);
        const std::vector<float> embedding = at_cosine((i % 40) / 40.0);
        cache.store(key(question, scope), scope + question, embedding);
        const auto hit = cache.lookup(key(question, scope), &embedding);
        ++lookups;
        if (hit && hit->payload.rfind(scope, 0) != 0) ++wrong;
        if (i % 97 == 0) cache.invalidate(scope);
      }
    });
  }
  for (auto& thread : threads) thread.join();
  const ResponseCache::Stats s = cache.stats();
  EXPECT_EQ(wrong.load(), 0u);
  EXPECT_EQ(s.exact_hits + s.semantic_hits + s.misses, lookups.load());
  EXPECT_LE(s.entries, 64u);
}

}  // namespace
}  // namespace ragd::server
