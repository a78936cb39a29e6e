#include "jobs/collection_settings.h"

#include <gtest/gtest.h>

namespace ragd {
namespace {

TEST(CollectionSettings, EmptyObjectIsTheDefaults) {
  auto settings = CollectionSettings::from_json("{}");
  ASSERT_TRUE(settings.is_ok()) << settings.status().to_string();
  EXPECT_EQ(settings->analyzer.language, "english");
  EXPECT_TRUE(settings->analyzer.stem);
  EXPECT_EQ(settings->chunker.target_tokens, 384u);
  EXPECT_FLOAT_EQ(settings->bm25.k1, Bm25Params{}.k1);
}

TEST(CollectionSettings, RoundTripsThroughJson) {
  CollectionSettings s;
  s.analyzer.language = "french";
  s.analyzer.stem = false;
  s.analyzer.extra_stopwords = {"vin"};
  s.bm25.k1 = 0.9f;
  s.bm25.b_body = 0.4f;
  s.chunker.target_tokens = 128;
  s.chunker.overlap_tokens = 16;
  auto back = CollectionSettings::from_json(s.to_json());
  ASSERT_TRUE(back.is_ok()) << back.status().to_string();
  EXPECT_EQ(back->analyzer.language, "french");
  EXPECT_FALSE(back->analyzer.stem);
  EXPECT_EQ(back->analyzer.extra_stopwords, std::vector<std::string>{"vin"});
  EXPECT_FLOAT_EQ(back->bm25.k1, 0.9f);
  EXPECT_FLOAT_EQ(back->bm25.b_body, 0.4f);
  EXPECT_EQ(back->chunker.target_tokens, 128u);
  EXPECT_EQ(back->chunker.overlap_tokens, 16u);
}

TEST(CollectionSettings, BadSettingsNameTheProblem) {
  auto unknown = CollectionSettings::from_json(R"({"bm25": {"k3": 1}})");
  ASSERT_FALSE(unknown.is_ok());
  EXPECT_NE(unknown.status().message().find("bm25.k3"), std::string::npos);
  auto wrong_type = CollectionSettings::from_json(R"({"analyzer": {"stem": "yes"}})");
  ASSERT_FALSE(wrong_type.is_ok());
  EXPECT_NE(wrong_type.status().message().find("analyzer.stem"), std::string::npos);
  EXPECT_FALSE(CollectionSettings::from_json(R"({"bm25": {"b_body": 2}})").is_ok());
  EXPECT_FALSE(CollectionSettings::from_json(R"({"analyzer": {"language": "klingon"}})").is_ok());
  EXPECT_FALSE(CollectionSettings::from_json(R"({"chunker": {"target_tokens": 4}})").is_ok());
  EXPECT_FALSE(CollectionSettings::from_json("not json").is_ok());
  EXPECT_FALSE(CollectionSettings::from_json("[1, 2]").is_ok());
}

TEST(CollectionSettings, EmbeddingDefaultsToTheNativeDefaultModel) {
  auto settings = CollectionSettings::from_json("{}");
  ASSERT_TRUE(settings.is_ok());
  EXPECT_EQ(settings->embedding.provider, "native");
  EXPECT_TRUE(settings->embedding.model_dir.empty());
  EXPECT_TRUE(settings->embedding.enabled());
}

TEST(CollectionSettings, EmbeddingRoundTripsAndValidates) {
  CollectionSettings s;
  s.embedding.provider = "http";
  s.embedding.url = "http://localhost:11434";
  s.embedding.model = "nomic-embed-text";
  s.embedding.batch_size = 64;
  s.embedding.query_prefix = "query: ";
  auto back = CollectionSettings::from_json(s.to_json());
  ASSERT_TRUE(back.is_ok()) << back.status().to_string();
  EXPECT_EQ(back->embedding, s.embedding);
  EXPECT_FALSE(CollectionSettings::from_json(R"({"embedding": {"provider": "magic"}})").is_ok());
  auto no_url = CollectionSettings::from_json(R"({"embedding": {"provider": "http"}})");
  ASSERT_FALSE(no_url.is_ok());
  EXPECT_NE(no_url.status().message().find("--embedding-url"), std::string::npos);
  EXPECT_FALSE(CollectionSettings::from_json(R"({"embedding": {"batch_size": 0}})").is_ok());
  auto unknown = CollectionSettings::from_json(R"({"embedding": {"dims": 3}})");
  ASSERT_FALSE(unknown.is_ok());
  EXPECT_NE(unknown.status().message().find("embedding.dims"), std::string::npos);
  auto none = CollectionSettings::from_json(R"({"embedding": {"provider": "none"}})");
  ASSERT_TRUE(none.is_ok());
  EXPECT_FALSE(none->embedding.enabled());
}

}  // namespace
}  // namespace ragd
