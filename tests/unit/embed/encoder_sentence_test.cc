// SentenceEncoder end to end: files -> tokenizer -> model -> pooling, against the fixture, and
// its contracts (row order, batching, prefixes, pooling modes, errors, concurrency).
#include "embed/sentence_encoder.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <thread>

#include "embed/wordpiece_tokenizer.h"
#include "encoder_test_support.h"

namespace ragd {
namespace {

namespace fs = std::filesystem;

std::unique_ptr<SentenceEncoder> load_encoder(const std::string& dir, EncoderOptions options = {}) {
  options.model_dir = dir;
  if (options.threads == 0) options.threads = 2;
  auto encoder = SentenceEncoder::load(options);
  EXPECT_TRUE(encoder.is_ok()) << encoder.status().to_string();
  return encoder.is_ok() ? std::move(encoder).value() : nullptr;
}

std::vector<float> embed(SentenceEncoder& encoder, const std::vector<std::string>& texts,
                         EmbedPurpose purpose = EmbedPurpose::kPassage) {
  std::vector<std::string_view> views(texts.begin(), texts.end());
  auto out = encoder.embed(views, purpose);
  EXPECT_TRUE(out.is_ok()) << out.status().to_string();
  return out.is_ok() ? std::move(out).value() : std::vector<float>();
}

// A folder of symlinks to the model's files, so that one file can be replaced.
fs::path model_copy(const std::string& dir, const std::string& tag) {
  fs::path copy = fs::temp_directory_path() / ("ragd_encoder_" + tag + "_" + std::to_string(::getpid()));
  fs::remove_all(copy);
  fs::create_directories(copy);
  for (const auto& entry : fs::directory_iterator(dir)) {
    if (entry.is_regular_file()) fs::create_symlink(entry.path(), copy / entry.path().filename());
  }
  fs::create_directories(copy / "1_Pooling");
  fs::copy_file(fs::path(dir) / "1_Pooling" / "config.json", copy / "1_Pooling" / "config.json");
  return copy;
}

TEST(SentenceEncoder, TokenizerAndEncoderMatchTheFixture) {
  RAGD_REQUIRE_MINILM(dir);
  test::EncoderFixture fixture = test::load_encoder_fixture();
  ASSERT_GE(fixture.texts.size(), 1000u);
  auto tokenizer = WordPieceTokenizer::load(dir);
  ASSERT_TRUE(tokenizer.is_ok()) << tokenizer.status().to_string();
  size_t mismatched = 0;
  for (size_t i = 0; i < fixture.texts.size(); ++i) {
    if (tokenizer->encode(fixture.texts[i], 256) != fixture.ids[i]) {
      ++mismatched;
      ADD_FAILURE() << "token ids differ for sentence " << i << ": " << fixture.texts[i];
    }
  }
  EXPECT_EQ(mismatched, 0u);

  // Every model-level sentence is checked in encoder_model_test from these same ids; here a
  // slice of texts goes through the whole encoder (one in 8, so the sanitizer run stays short).
  auto encoder = load_encoder(dir);
  ASSERT_TRUE(encoder);
  EXPECT_EQ(encoder->dimension(), 384u);
  EXPECT_TRUE(encoder->normalized());
  std::vector<std::string> texts;
  std::vector<size_t> index;
  for (size_t i = 0; i < fixture.texts.size(); i += 8) {
    texts.push_back(fixture.texts[i]);
    index.push_back(i);
  }
  std::vector<float> got = embed(*encoder, texts);
  ASSERT_EQ(got.size(), texts.size() * 384);
  double min_cos = 1.0;
  for (size_t k = 0; k < texts.size(); ++k) {
    double c = test::cosine(got.data() + k * 384, fixture.reference.data() + index[k] * 384, 384);
    min_cos = std::min(min_cos, c);
    EXPECT_GE(c, 0.999) << "sentence " << index[k] << ": " << texts[k];
    double norm = test::cosine(got.data() + k * 384, got.data() + k * 384, 384);
    EXPECT_NEAR(norm, 1.0, 1e-6);
  }
  std::printf("[ encoder ] %zu texts: min cosine %.6f\n", texts.size(), min_cos);
}

TEST(SentenceEncoder, VectorDoesNotDependOnBatchCompanionsOrOrder) {
  RAGD_REQUIRE_MINILM(dir);
  EncoderOptions options;
  options.batch_size = 4;
  auto encoder = load_encoder(dir, options);
  ASSERT_TRUE(encoder);
  const std::string target = "Club members receive four shipments a year.";
  std::vector<float> alone = embed(*encoder, {target});
  std::vector<std::string> batch;
  std::string long_text;
  for (int i = 0; i < 60; ++i) long_text += "The barrel room seats many guests for events. ";
  for (int i = 0; i < 20; ++i) {
    batch.push_back(i % 3 == 0 ? long_text : "short " + std::to_string(i));
  }
  batch.insert(batch.begin() + 7, target);
  std::vector<float> together = embed(*encoder, batch);
  ASSERT_EQ(together.size(), batch.size() * 384);
  for (size_t c = 0; c < 384; ++c) {
    EXPECT_NEAR(alone[c], together[7 * 384 + c], 2e-5) << c;
  }
  // Rows follow the input order: reversing the input reverses the rows.
  std::vector<std::string> reversed(batch.rbegin(), batch.rend());
  std::vector<float> back = embed(*encoder, reversed);
  for (size_t i = 0; i < batch.size(); ++i) {
    double c = test::cosine(together.data() + i * 384,
                            back.data() + (batch.size() - 1 - i) * 384, 384);
    EXPECT_GT(c, 0.99999) << i;
  }
  EXPECT_TRUE(embed(*encoder, {}).empty());
}

TEST(SentenceEncoder, ConcurrentCallsAgree) {
  RAGD_REQUIRE_MINILM(dir);
  auto encoder = load_encoder(dir);
  ASSERT_TRUE(encoder);
  std::vector<std::string> texts;
  for (int i = 0; i < 24; ++i) texts.push_back("concurrent text number " + std::to_string(i));
  std::vector<float> first, second;
  std::thread t([&] { first = embed(*encoder, texts); });
  second = embed(*encoder, texts);
  t.join();
  ASSERT_EQ(first.size(), second.size());
  for (size_t i = 0; i < texts.size(); ++i) {
    EXPECT_GT(test::cosine(first.data() + i * 384, second.data() + i * 384, 384), 0.99999);
  }
}

TEST(SentenceEncoder, QueryAndPassagePrefixes) {
  RAGD_REQUIRE_MINILM(dir);
  EncoderOptions options;
  options.query_prefix = "query: ";
  options.passage_prefix = "passage: ";
  auto prefixed = load_encoder(dir, options);
  auto plain = load_encoder(dir);
  ASSERT_TRUE(prefixed && plain);
  EXPECT_NE(prefixed->model_id(), plain->model_id());
  std::vector<float> q = embed(*prefixed, {"wine club"}, EmbedPurpose::kQuery);
  std::vector<float> p = embed(*prefixed, {"wine club"}, EmbedPurpose::kPassage);
  std::vector<float> q_ref = embed(*plain, {"query: wine club"});
  std::vector<float> p_ref = embed(*plain, {"passage: wine club"});
  EXPECT_GT(test::cosine(q.data(), q_ref.data(), 384), 0.99999);
  EXPECT_GT(test::cosine(p.data(), p_ref.data(), 384), 0.99999);
  EXPECT_LT(test::cosine(q.data(), p.data(), 384), 0.9999);
}

TEST(SentenceEncoder, ClsPoolingFromThePoolingConfig) {
  RAGD_REQUIRE_MINILM(dir);
  fs::path copy = model_copy(dir, "cls");
  std::ofstream(copy / "1_Pooling" / "config.json")
      << R"({"word_embedding_dimension": 384, "pooling_mode_cls_token": true,
            "pooling_mode_mean_tokens": false})";
  auto cls = load_encoder(copy.string());
  auto mean = load_encoder(dir);
  ASSERT_TRUE(cls && mean);
  EXPECT_NE(cls->model_id(), mean->model_id());
  const std::vector<std::string> texts = {"Where is the tasting room?", "a", "Pinot noir and duck."};
  std::vector<float> c = embed(*cls, texts);
  std::vector<float> m = embed(*mean, texts);
  for (size_t i = 0; i < texts.size(); ++i) {
    EXPECT_NEAR(test::cosine(c.data() + i * 384, c.data() + i * 384, 384), 1.0, 1e-6);
    EXPECT_LT(test::cosine(c.data() + i * 384, m.data() + i * 384, 384), 0.99) << i;
  }
  fs::remove_all(copy);
}

TEST(SentenceEncoder, Int8IsMarkedAndClose) {
  RAGD_REQUIRE_MINILM(dir);
  EncoderOptions options;
  options.int8 = true;
  auto q = load_encoder(dir, options);
  auto f = load_encoder(dir);
  ASSERT_TRUE(q && f);
  EXPECT_NE(q->model_id().find(":int8"), std::string::npos) << q->model_id();
  EXPECT_EQ(f->model_id().find(":int8"), std::string::npos) << f->model_id();
  // Same files, same options: same id.
  EXPECT_EQ(f->model_id(), load_encoder(dir)->model_id());
  const std::vector<std::string> texts = {"The vineyard harvest begins in late September.",
                                          "How do I reset my password?"};
  std::vector<float> a = embed(*q, texts);
  std::vector<float> b = embed(*f, texts);
  for (size_t i = 0; i < texts.size(); ++i) {
    EXPECT_GT(test::cosine(a.data() + i * 384, b.data() + i * 384, 384), 0.98);
  }
}

TEST(SentenceEncoder, Int8QueriesLeavePassagesExactAndTheIdUnchanged) {
  RAGD_REQUIRE_MINILM(dir);
  EncoderOptions options;
  options.int8_queries = true;
  auto mixed = load_encoder(dir, options);
  auto f = load_encoder(dir);
  options.int8_queries = false;
  options.int8 = true;
  auto q = load_encoder(dir, options);
  ASSERT_TRUE(mixed && f && q);
  // The stored passage vectors are float32 ones: the id is the float32 model's.
  EXPECT_EQ(mixed->model_id(), f->model_id());
  const std::vector<std::string> texts = {"The vineyard harvest begins in late September.",
                                          "How do I reset my password?"};
  EXPECT_EQ(embed(*mixed, texts, EmbedPurpose::kPassage), embed(*f, texts, EmbedPurpose::kPassage));
  // Queries go through the int8 weights: the int8 encoder's vectors, close to float32.
  std::vector<float> query = embed(*mixed, texts, EmbedPurpose::kQuery);
  std::vector<float> int8 = embed(*q, texts, EmbedPurpose::kQuery);
  std::vector<float> exact = embed(*f, texts, EmbedPurpose::kQuery);
  for (size_t i = 0; i < texts.size(); ++i) {
    EXPECT_GT(test::cosine(query.data() + i * 384, int8.data() + i * 384, 384), 0.9999);
    EXPECT_GT(test::cosine(query.data() + i * 384, exact.data() + i * 384, 384), 0.98);
    EXPECT_LT(test::cosine(query.data() + i * 384, exact.data() + i * 384, 384), 1.0 - 1e-7)
        << "the query took the float32 path";
  }
}

TEST(SentenceEncoder, MissingOrUnusableModelsAreClearErrors) {
  EncoderOptions options;
  options.model_dir = "/nonexistent/ragd-model";
  auto missing = SentenceEncoder::load(options);
  ASSERT_FALSE(missing.is_ok());
  EXPECT_EQ(missing.status().code(), ErrorCode::kNotFound);

  RAGD_REQUIRE_MINILM(dir);
  fs::path copy = model_copy(dir, "noweights");
  fs::remove(copy / "model.safetensors");
  options.model_dir = copy.string();
  auto no_weights = SentenceEncoder::load(options);
  ASSERT_FALSE(no_weights.is_ok());
  EXPECT_EQ(no_weights.status().code(), ErrorCode::kNotFound);
  EXPECT_NE(no_weights.status().message().find("model.safetensors"), std::string::npos);

  std::ofstream(copy / "pytorch_model.bin") << "not really";
  auto bin_only = SentenceEncoder::load(options);
  EXPECT_EQ(bin_only.status().code(), ErrorCode::kUnsupported);

  fs::remove(copy / "pytorch_model.bin");
  std::ofstream(copy / "model.safetensors", std::ios::binary) << std::string(100, '\x01');
  auto corrupt = SentenceEncoder::load(options);
  EXPECT_EQ(corrupt.status().code(), ErrorCode::kCorruption) << corrupt.status().to_string();
  fs::remove_all(copy);
}

}  // namespace
}  // namespace ragd
