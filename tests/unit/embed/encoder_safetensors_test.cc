// SafetensorsFile on well-formed and hostile files: every defect is a Status, never a crash
// or an out-of-bounds read (the ASan build checks the latter).
#include "embed/safetensors.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <cstring>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <string>

#include "embed/bert_model.h"

namespace ragd {
namespace {

namespace fs = std::filesystem;

class SafetensorsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("ragd_safetensors_" + std::to_string(::getpid()) + "_" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }

  std::string write(const std::string& name, const std::string& bytes) {
    std::string path = (dir_ / name).string();
    std::ofstream(path, std::ios::binary).write(bytes.data(), static_cast<long>(bytes.size()));
    return path;
  }

  static std::string file_of(const std::string& header, const std::string& data) {
    std::string out(8, '\0');
    uint64_t n = header.size();
    for (int i = 0; i < 8; ++i) out[i] = static_cast<char>((n >> (8 * i)) & 0xff);
    return out + header + data;
  }

  static std::string floats(std::initializer_list<float> values) {
    std::string s(values.size() * 4, '\0');
    size_t i = 0;
    for (float v : values) std::memcpy(&s[4 * i++], &v, 4);
    return s;
  }

  fs::path dir_;
};

TEST_F(SafetensorsTest, ReadsF32F16AndBF16) {
  std::string data = floats({1.5f, -2.0f, 3.25f, 0.0f});
  data += std::string("\x00\x3c\x00\xc0", 4);  // F16 1.0, -2.0
  data += std::string("\xc0\x3f\x40\xc0", 4);  // BF16 1.5, -3.0
  nlohmann::json h = {{"__metadata__", {{"format", "pt"}}},
                      {"a", {{"dtype", "F32"}, {"shape", {2, 2}}, {"data_offsets", {0, 16}}}},
                      {"h", {{"dtype", "F16"}, {"shape", {2}}, {"data_offsets", {16, 20}}}},
                      {"b", {{"dtype", "BF16"}, {"shape", {2}}, {"data_offsets", {20, 24}}}}};
  auto file = SafetensorsFile::open(write("ok.safetensors", file_of(h.dump(), data)));
  ASSERT_TRUE(file.is_ok()) << file.status().to_string();
  auto a = file->read_f32("a", {2, 2});
  ASSERT_TRUE(a.is_ok()) << a.status().to_string();
  EXPECT_EQ(*a, (std::vector<float>{1.5f, -2.0f, 3.25f, 0.0f}));
  auto half = file->read_f32("h", {2});
  ASSERT_TRUE(half.is_ok());
  EXPECT_EQ(*half, (std::vector<float>{1.0f, -2.0f}));
  auto bf = file->read_f32("b", {2});
  ASSERT_TRUE(bf.is_ok());
  EXPECT_EQ(*bf, (std::vector<float>{1.5f, -3.0f}));
}

TEST_F(SafetensorsTest, MissingTensorAndWrongShapeAreClearErrors) {
  nlohmann::json h = {{"a", {{"dtype", "F32"}, {"shape", {2, 2}}, {"data_offsets", {0, 16}}}}};
  auto file = SafetensorsFile::open(write("m.safetensors", file_of(h.dump(), floats({1, 2, 3, 4}))));
  ASSERT_TRUE(file.is_ok());
  auto missing = file->read_f32("nope", {2, 2});
  EXPECT_EQ(missing.status().code(), ErrorCode::kNotFound);
  EXPECT_NE(missing.status().message().find("'nope'"), std::string::npos);
  auto shape = file->read_f32("a", {4});
  EXPECT_EQ(shape.status().code(), ErrorCode::kInvalidArgument);
  EXPECT_NE(shape.status().message().find("[2, 2]"), std::string::npos)
      << shape.status().message();
}

TEST_F(SafetensorsTest, NonFloatTensorIsRefused) {
  nlohmann::json h = {{"i", {{"dtype", "I64"}, {"shape", {1}}, {"data_offsets", {0, 8}}}}};
  auto file = SafetensorsFile::open(write("i.safetensors", file_of(h.dump(), std::string(8, '\0'))));
  ASSERT_TRUE(file.is_ok());
  EXPECT_EQ(file->read_f32("i", {1}).status().code(), ErrorCode::kInvalidArgument);
}

TEST_F(SafetensorsTest, HostileFilesAreRejectedWithStatus) {
  auto expect_corrupt = [&](const std::string& bytes, const std::string& why) {
    auto file = SafetensorsFile::open(write("bad.safetensors", bytes));
    EXPECT_FALSE(file.is_ok()) << why;
    if (!file.is_ok()) {
      EXPECT_EQ(file.status().code(), ErrorCode::kCorruption) << why;
    }
  };
  const std::string good_header =
      nlohmann::json{{"a", {{"dtype", "F32"}, {"shape", {2, 2}}, {"data_offsets", {0, 16}}}}}
          .dump();
  const std::string good = file_of(good_header, floats({1, 2, 3, 4}));
  expect_corrupt("", "empty file");
  expect_corrupt("\x05\x00\x00", "shorter than the length prefix");
  expect_corrupt(good.substr(0, good.size() - 1), "data truncated by one byte");
  expect_corrupt(good.substr(0, 20), "header truncated");
  expect_corrupt(std::string("\xff\xff\xff\xff\xff\xff\xff\xff", 8) + "{}", "huge header length");
  expect_corrupt(file_of("{not json", ""), "bad JSON");
  expect_corrupt(file_of("[1,2]", ""), "header not an object");
  auto with = [&](nlohmann::json entry) {
    return file_of(nlohmann::json{{"a", entry}}.dump(), floats({1, 2, 3, 4}));
  };
  expect_corrupt(with({{"dtype", "F32"}, {"shape", {2, 2}}, {"data_offsets", {0, 17}}}),
                 "end past the data");
  expect_corrupt(with({{"dtype", "F32"}, {"shape", {2, 2}}, {"data_offsets", {8, 4}}}),
                 "begin after end");
  expect_corrupt(with({{"dtype", "F32"}, {"shape", {3, 2}}, {"data_offsets", {0, 16}}}),
                 "shape larger than the byte range");
  expect_corrupt(with({{"dtype", "F32"}, {"shape", {-1, 2}}, {"data_offsets", {0, 16}}}),
                 "negative dimension");
  expect_corrupt(with({{"dtype", "F32"},
                       {"shape", {4294967296ull, 4294967296ull, 4}},
                       {"data_offsets", {0, 16}}}),
                 "element count overflows");
  expect_corrupt(with({{"dtype", "Q4"}, {"shape", {4}}, {"data_offsets", {0, 16}}}),
                 "unknown dtype");
  expect_corrupt(with({{"dtype", "F32"}, {"shape", {4}}}), "no offsets");
  expect_corrupt(with({{"dtype", "F32"}, {"shape", {4}}, {"data_offsets", {0, "16"}}}),
                 "offsets not integers");
  expect_corrupt(with("just a string"), "entry not an object");
}

TEST_F(SafetensorsTest, MissingFileIsNotFound) {
  auto file = SafetensorsFile::open((dir_ / "absent.safetensors").string());
  EXPECT_EQ(file.status().code(), ErrorCode::kNotFound);
}

TEST_F(SafetensorsTest, ModelLoadReportsTheMissingTensor) {
  BertConfig c;
  c.vocab_size = 4;
  c.hidden_size = 2;
  c.num_layers = 1;
  c.num_heads = 1;
  c.intermediate_size = 2;
  c.max_position_embeddings = 2;
  c.type_vocab_size = 1;
  nlohmann::json h = {{"embeddings.word_embeddings.weight",
                       {{"dtype", "F32"}, {"shape", {4, 2}}, {"data_offsets", {0, 32}}}}};
  auto file = SafetensorsFile::open(write("w.safetensors", file_of(h.dump(), std::string(32, '\0'))));
  ASSERT_TRUE(file.is_ok());
  auto model = BertModel::load(c, *file, WeightPrecision::kFloat32);
  ASSERT_FALSE(model.is_ok());
  EXPECT_EQ(model.status().code(), ErrorCode::kNotFound);
  EXPECT_NE(model.status().message().find("embeddings.position_embeddings.weight"),
            std::string::npos)
      << model.status().message();
  // The same tensor with a shape config.json does not imply.
  c.vocab_size = 5;
  auto wrong = BertModel::load(c, *file, WeightPrecision::kFloat32);
  ASSERT_FALSE(wrong.is_ok());
  EXPECT_EQ(wrong.status().code(), ErrorCode::kInvalidArgument);
}

TEST(BertConfigTest, ParsesMiniLmAndRejectsWhatItCannotRun) {
  auto ok = BertConfig::parse(
      R"({"hidden_size":384,"num_hidden_layers":6,"num_attention_heads":12,
          "intermediate_size":1536,"vocab_size":30522,"layer_norm_eps":1e-12,
          "hidden_act":"gelu","model_type":"bert","max_position_embeddings":512})");
  ASSERT_TRUE(ok.is_ok()) << ok.status().to_string();
  EXPECT_EQ(ok->hidden_size, 384u);
  EXPECT_FLOAT_EQ(ok->layer_norm_eps, 1e-12f);
  EXPECT_EQ(BertConfig::parse("nope").status().code(), ErrorCode::kInvalidArgument);
  EXPECT_EQ(BertConfig::parse(R"({"hidden_size":384})").status().code(),
            ErrorCode::kInvalidArgument);
  EXPECT_EQ(BertConfig::parse(R"({"hidden_size":384,"num_hidden_layers":6,
              "num_attention_heads":7,"intermediate_size":1536,"vocab_size":10})")
                .status()
                .code(),
            ErrorCode::kInvalidArgument);
  EXPECT_EQ(BertConfig::parse(R"({"hidden_size":384,"num_hidden_layers":6,
              "num_attention_heads":12,"intermediate_size":1536,"vocab_size":10,
              "hidden_act":"relu"})")
                .status()
                .code(),
            ErrorCode::kUnsupported);
  EXPECT_EQ(BertConfig::parse(R"({"hidden_size":384,"num_hidden_layers":6,
              "num_attention_heads":12,"intermediate_size":1536,"vocab_size":10,
              "model_type":"roberta"})")
                .status()
                .code(),
            ErrorCode::kUnsupported);
}

}  // namespace
}  // namespace ragd
