// HttpEmbeddingProvider against the fake OpenAI-compatible server (deterministic vectors
// from a hash of each text).
#include "embed/http_embedding_provider.h"

#include <gtest/gtest.h>

#include <cmath>
#include <mutex>
#include <nlohmann/json.hpp>
#include <thread>

#include "../../support/fake_server_process.h"

namespace ragd {
namespace {

using std::chrono::milliseconds;
using testing::shared_fake_server;

class CountingSleeper final : public Sleeper {
 public:
  bool sleep_for(milliseconds delay, const std::atomic<bool>*) override {
    std::lock_guard<std::mutex> lock(mutex_);
    delays.push_back(delay);
    return true;
  }
  std::vector<milliseconds> delays;

 private:
  std::mutex mutex_;
};

class HttpEmbeddingProviderTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_NE(shared_fake_server().port(), 0) << shared_fake_server().error();
  }
  HttpEmbeddingOptions options(const std::string& model) {
    HttpEmbeddingOptions o;
    o.base_url = shared_fake_server().base_url();
    o.model = model;
    o.batch_size = 3;
    o.connect_timeout = milliseconds(2000);
    o.response_timeout = milliseconds(2000);
    o.total_timeout = milliseconds(5000);
    o.sleeper = &sleeper_;
    o.random = [] { return 0.5; };
    return o;
  }
  static double dot(const float* a, const float* b, size_t n) {
    double s = 0;
    for (size_t i = 0; i < n; ++i) s += static_cast<double>(a[i]) * b[i];
    return s;
  }
  CountingSleeper sleeper_;
  const std::vector<std::string_view> texts_ = {"alpha",   "beta",  "gamma", "delta",
                                                "epsilon", "alpha", "",      "bad \xff utf8"};
};

TEST_F(HttpEmbeddingProviderTest, EmbedsInBatchesAndLearnsTheDimension) {
  HttpEmbeddingProvider provider(options("fake-embed"));
  EXPECT_EQ(provider.dimension(), 0u);
  EXPECT_EQ(provider.model_id(), "http:" + shared_fake_server().base_url() + "#fake-embed");
  Result<std::vector<float>> vectors = provider.embed(texts_);
  ASSERT_TRUE(vectors.is_ok()) << vectors.status().message();
  ASSERT_EQ(provider.dimension(), 384u);
  ASSERT_EQ(vectors->size(), texts_.size() * 384);
  const float* v = vectors->data();
  for (size_t i = 0; i < texts_.size(); ++i) {
    EXPECT_NEAR(dot(v + i * 384, v + i * 384, 384), 1.0, 1e-5) << i;
  }
  EXPECT_NEAR(dot(v, v + 5 * 384, 384), 1.0, 1e-6);  // "alpha" twice, different batches
  EXPECT_LT(dot(v, v + 384, 384), 0.5);
  // Row order is input order: each text alone gives its own row.
  Result<std::vector<float>> beta = provider.embed({"beta"});
  ASSERT_TRUE(beta.is_ok());
  EXPECT_NEAR(dot(beta->data(), v + 384, 384), 1.0, 1e-6);
}

TEST_F(HttpEmbeddingProviderTest, ReorderedResponsesAreSortedByIndex) {
  HttpEmbeddingProvider plain(options("fake-embed"));
  HttpEmbeddingProvider reversed(options("fake-embed-reversed"));
  Result<std::vector<float>> a = plain.embed(texts_);
  Result<std::vector<float>> b = reversed.embed(texts_);
  ASSERT_TRUE(a.is_ok() && b.is_ok());
  EXPECT_EQ(*a, *b);
}

TEST_F(HttpEmbeddingProviderTest, UnnormalisedVectorsAreNormalised) {
  HttpEmbeddingProvider raw(options("fake-embed-raw"));
  HttpEmbeddingProvider plain(options("fake-embed"));
  Result<std::vector<float>> a = raw.embed({"one", "two"});
  Result<std::vector<float>> b = plain.embed({"one", "two"});
  ASSERT_TRUE(a.is_ok() && b.is_ok());
  ASSERT_EQ(a->size(), b->size());
  for (size_t i = 0; i < a->size(); ++i) ASSERT_NEAR((*a)[i], (*b)[i], 1e-6);
}

TEST_F(HttpEmbeddingProviderTest, DimensionFixedOrChangedIsRefused) {
  HttpEmbeddingOptions fixed = options("fake-embed:16");
  fixed.dimension = 16;
  HttpEmbeddingProvider ok(fixed);
  Result<std::vector<float>> small = ok.embed({"x"});
  ASSERT_TRUE(small.is_ok()) << small.status().message();
  EXPECT_EQ(small->size(), 16u);

  fixed.dimension = 384;
  HttpEmbeddingProvider wrong(fixed);
  Result<std::vector<float>> refused = wrong.embed({"x"});
  ASSERT_FALSE(refused.is_ok());
  EXPECT_NE(refused.status().message().find("16-dimensional"), std::string::npos)
      << refused.status().message();

  shared_fake_server().control(R"({"reset": true})");
  HttpEmbeddingProvider changing(options("fake-embed-dimchange"));
  ASSERT_TRUE(changing.embed({"x"}).is_ok());
  Result<std::vector<float>> changed = changing.embed({"y"});
  ASSERT_FALSE(changed.is_ok());
  EXPECT_EQ(changed.status().code(), ErrorCode::kCorruption);
  EXPECT_EQ(changing.dimension(), 384u);
}

TEST_F(HttpEmbeddingProviderTest, TransientFailuresAreRetried) {
  shared_fake_server().control(R"({"reset": true})");
  HttpEmbeddingProvider provider(options("fake-503-then-ok:2"));
  Result<std::vector<float>> vectors = provider.embed({"a", "b"});
  ASSERT_TRUE(vectors.is_ok()) << vectors.status().message();
  EXPECT_EQ(sleeper_.delays, (std::vector<milliseconds>{milliseconds(50), milliseconds(100)}));
  nlohmann::json stats = nlohmann::json::parse(shared_fake_server().stats(), nullptr, false);
  EXPECT_EQ(stats["behaviours"]["fake-503-then-ok:2"], 3);
}

TEST_F(HttpEmbeddingProviderTest, RateLimitHonoursRetryAfterAndGivesUp) {
  HttpEmbeddingProvider provider(options("fake-429:2"));
  Result<std::vector<float>> vectors = provider.embed({"a"});
  ASSERT_FALSE(vectors.is_ok());
  EXPECT_EQ(vectors.status().code(), ErrorCode::kBusy);
  EXPECT_NE(vectors.status().message().find("after 3 attempts"), std::string::npos);
  EXPECT_EQ(sleeper_.delays, (std::vector<milliseconds>{milliseconds(2000), milliseconds(2000)}));
}

TEST_F(HttpEmbeddingProviderTest, PermanentAndMalformedFailures) {
  for (const char* model : {"fake-400", "fake-malformed", "fake-wrongtype"}) {
    HttpEmbeddingProvider provider(options(model));
    Result<std::vector<float>> vectors = provider.embed({"a"});
    EXPECT_FALSE(vectors.is_ok()) << model;
    EXPECT_FALSE(vectors.status().message().empty());
  }
  EXPECT_TRUE(sleeper_.delays.empty());  // none of these is worth a retry

  HttpEmbeddingOptions stalled = options("fake-stall-first:5000");
  stalled.response_timeout = milliseconds(200);
  stalled.retry.max_attempts = 1;
  HttpEmbeddingProvider slow(stalled);
  Result<std::vector<float>> timed_out = slow.embed({"a"});
  ASSERT_FALSE(timed_out.is_ok());
  EXPECT_EQ(timed_out.status().code(), ErrorCode::kIo);

  HttpEmbeddingOptions refused = options("fake-embed");
  refused.base_url = "http://127.0.0.1:1/v1/";
  HttpEmbeddingProvider nowhere(refused);
  EXPECT_EQ(nowhere.endpoint(), "http://127.0.0.1:1/v1/embeddings");
  EXPECT_FALSE(nowhere.embed({"a"}).is_ok());
  EXPECT_EQ(sleeper_.delays.size(), 2u);  // connection refused is retried
}

TEST_F(HttpEmbeddingProviderTest, EmptyInputAndPrefixes) {
  HttpEmbeddingOptions o = options("fake-embed");
  o.query_prefix = "query: ";
  HttpEmbeddingProvider provider(o);
  Result<std::vector<float>> none = provider.embed({});
  ASSERT_TRUE(none.is_ok());
  EXPECT_TRUE(none->empty());
  HttpEmbeddingProvider plain(options("fake-embed"));
  Result<std::vector<float>> query = provider.embed({"wine"}, EmbedPurpose::kQuery);
  Result<std::vector<float>> prefixed = plain.embed({"query: wine"});
  Result<std::vector<float>> passage = provider.embed({"wine"}, EmbedPurpose::kPassage);
  Result<std::vector<float>> bare = plain.embed({"wine"});
  ASSERT_TRUE(query.is_ok() && prefixed.is_ok() && passage.is_ok() && bare.is_ok());
  EXPECT_EQ(*query, *prefixed);
  EXPECT_EQ(*passage, *bare);
  EXPECT_NE(*query, *passage);
}

TEST_F(HttpEmbeddingProviderTest, ConcurrentCalls) {
  HttpEmbeddingProvider provider(options("fake-embed"));
  Result<std::vector<float>> reference = provider.embed(texts_);
  ASSERT_TRUE(reference.is_ok());
  std::vector<std::thread> threads;
  std::atomic<int> same{0};
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&] {
      Result<std::vector<float>> r = provider.embed(texts_);
      if (r.is_ok() && *r == *reference) ++same;
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(same.load(), 4);
}

}  // namespace
}  // namespace ragd
