#include "store/embedding_store.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "store/store.h"
#include "store_test_support.h"

namespace ragd {
namespace {

using store_test::raw_exec;
using store_test::TempDir;

class EmbeddingStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(dir_.ok());
    auto store = Store::open(dir_.file("ragd.db"));
    ASSERT_TRUE(store.is_ok()) << store.status().to_string();
    store_ = std::move(*store);
    auto embeddings = EmbeddingStore::open(*store_);
    ASSERT_TRUE(embeddings.is_ok()) << embeddings.status().to_string();
    embeddings_ = std::move(*embeddings);
  }

  TempDir dir_;
  std::unique_ptr<Store> store_;
  std::unique_ptr<EmbeddingStore> embeddings_;
};

TEST(VectorBytes, LittleEndianFloat32RoundTrip) {
  std::vector<float> v = {1.0f, -2.5f, 0.0f, 3.25e-7f};
  std::string bytes = encode_vector(v.data(), v.size());
  ASSERT_EQ(bytes.size(), 16u);
  // 1.0f is 0x3f800000: little-endian bytes 00 00 80 3f.
  EXPECT_EQ(static_cast<unsigned char>(bytes[2]), 0x80);
  EXPECT_EQ(static_cast<unsigned char>(bytes[3]), 0x3f);
  EXPECT_EQ(decode_vector(bytes), v);
  EXPECT_TRUE(decode_vector("").empty());
}

TEST_F(EmbeddingStoreTest, PutThenGetByModelAndHash) {
  std::vector<float> vectors = {1, 2, 3, 4, 5, 6};
  ASSERT_TRUE(embeddings_->put("m1", {"h1", "h2"}, vectors, 3).is_ok());
  auto got = embeddings_->get("m1", {"h2", "missing", "h1"}, 3);
  ASSERT_TRUE(got.is_ok()) << got.status().to_string();
  ASSERT_EQ(got->size(), 3u);
  EXPECT_EQ((*got)[0], (std::vector<float>{4, 5, 6}));
  EXPECT_FALSE((*got)[1].has_value());
  EXPECT_EQ((*got)[2], (std::vector<float>{1, 2, 3}));
  // Another model never sees these vectors.
  auto other = embeddings_->get("m2", {"h1"}, 3);
  ASSERT_TRUE(other.is_ok());
  EXPECT_FALSE((*other)[0].has_value());
}

TEST_F(EmbeddingStoreTest, WrongDimensionReadsAsMissing) {
  ASSERT_TRUE(embeddings_->put("m", {"h"}, {1, 2, 3}, 3).is_ok());
  auto got = embeddings_->get("m", {"h"}, 4);
  ASSERT_TRUE(got.is_ok());
  EXPECT_FALSE((*got)[0].has_value());
}

TEST_F(EmbeddingStoreTest, PutReplacesAndCountsAndRemovesByModel) {
  ASSERT_TRUE(embeddings_->put("m", {"a", "b"}, {1, 1, 2, 2}, 2).is_ok());
  ASSERT_TRUE(embeddings_->put("m", {"a"}, {9, 9}, 2).is_ok());
  ASSERT_TRUE(embeddings_->put("other", {"a"}, {7, 7}, 2).is_ok());
  EXPECT_EQ(*embeddings_->count("m"), 2);
  EXPECT_EQ((*embeddings_->get("m", {"a"}, 2))[0], (std::vector<float>{9, 9}));
  auto removed = embeddings_->remove_model("m");
  ASSERT_TRUE(removed.is_ok());
  EXPECT_EQ(*removed, 2);
  EXPECT_EQ(*embeddings_->count("m"), 0);
  EXPECT_EQ(*embeddings_->count("other"), 1);
}

TEST_F(EmbeddingStoreTest, MismatchedSizesAreRefused) {
  EXPECT_FALSE(embeddings_->put("m", {"a", "b"}, {1, 2, 3}, 2).is_ok());
  EXPECT_EQ(*embeddings_->count("m"), 0);
}

TEST_F(EmbeddingStoreTest, PutJoinsTheCallersTransaction) {
  Status status = store_->in_transaction([&]() -> Status {
    RAGD_RETURN_IF_ERROR(embeddings_->put("m", {"a"}, {1, 2}, 2));
    return Status::invalid("roll back");
  });
  EXPECT_FALSE(status.is_ok());
  EXPECT_EQ(*embeddings_->count("m"), 0);
  ASSERT_TRUE(store_->in_transaction([&] { return embeddings_->put("m", {"a"}, {1, 2}, 2); })
                  .is_ok());
  EXPECT_EQ(*embeddings_->count("m"), 1);
}

TEST_F(EmbeddingStoreTest, VectorsSurviveReopen) {
  ASSERT_TRUE(embeddings_->put("m", {"a"}, {0.5f, -0.25f}, 2).is_ok());
  embeddings_.reset();
  store_.reset();
  auto store = Store::open(dir_.file("ragd.db"));
  ASSERT_TRUE(store.is_ok());
  auto embeddings = EmbeddingStore::open(**store);
  ASSERT_TRUE(embeddings.is_ok());
  EXPECT_EQ((*(*embeddings)->get("m", {"a"}, 2))[0], (std::vector<float>{0.5f, -0.25f}));
}

TEST_F(EmbeddingStoreTest, DamagedRowReadsAsMissing) {
  ASSERT_TRUE(embeddings_->put("m", {"a"}, {1, 2}, 2).is_ok());
  ASSERT_EQ(raw_exec(dir_.file("ragd.db"), "UPDATE embeddings SET vector = x'0102'"), 0);
  auto got = embeddings_->get("m", {"a"}, 2);
  ASSERT_TRUE(got.is_ok());
  EXPECT_FALSE((*got)[0].has_value());
}

TEST_F(EmbeddingStoreTest, UpdateCollectionSettings) {
  auto collection = store_->get_or_create_collection("c");
  ASSERT_TRUE(collection.is_ok());
  ASSERT_TRUE(store_->update_collection_settings(collection->id, R"({"x":1})").is_ok());
  EXPECT_EQ(store_->find_collection("c")->settings_json, R"({"x":1})");
  EXPECT_EQ(store_->update_collection_settings(999, "{}").code(), ErrorCode::kNotFound);
}

}  // namespace
}  // namespace ragd
