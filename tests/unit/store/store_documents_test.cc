#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

#include "store/store.h"
#include "store_test_support.h"

namespace ragd {
namespace {

using store_test::make_document;
using store_test::TempDir;

class StoreDocuments : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(dir_.ok());
    auto store = Store::open(dir_.file("ragd.db"));
    ASSERT_TRUE(store.is_ok()) << store.status().to_string();
    store_ = std::move(*store);
    auto collection = store_->get_or_create_collection("kb");
    ASSERT_TRUE(collection.is_ok()) << collection.status().to_string();
    collection_ = collection->id;
  }

  int64_t put(const std::string& key, const std::vector<std::string>& paragraphs,
              const std::string& hash = "") {
    auto doc = make_document(key, paragraphs, hash);
    auto id = store_->replace_document(collection_, doc.document, doc.chunks);
    EXPECT_TRUE(id.is_ok()) << id.status().to_string();
    return id.is_ok() ? *id : 0;
  }

  std::vector<int64_t> chunk_ids(int64_t document_id) {
    auto chunks = store_->document_chunks(document_id);
    EXPECT_TRUE(chunks.is_ok());
    std::vector<int64_t> ids;
    if (chunks.is_ok()) {
      for (const auto& chunk : *chunks) ids.push_back(chunk.id);
    }
    return ids;
  }

  std::vector<std::string> listed_keys(const std::string& prefix) {
    auto documents = store_->list_documents(collection_, prefix);
    EXPECT_TRUE(documents.is_ok()) << documents.status().to_string();
    std::vector<std::string> keys;
    if (documents.is_ok()) {
      for (const auto& document : *documents) keys.push_back(document.key);
    }
    return keys;
  }

  TempDir dir_;
  std::unique_ptr<Store> store_;
  int64_t collection_ = 0;
};

TEST_F(StoreDocuments, CollectionsAreCreatedOnceAndListedByName) {
  auto again = store_->get_or_create_collection("kb");
  ASSERT_TRUE(again.is_ok());
  EXPECT_EQ(again->id, collection_);
  EXPECT_EQ(again->settings_json, "{}");
  EXPECT_GT(again->created_at, 0);

  auto other = store_->get_or_create_collection("archive");
  ASSERT_TRUE(other.is_ok());
  EXPECT_NE(other->id, collection_);

  auto missing = store_->find_collection("nope");
  ASSERT_FALSE(missing.is_ok());
  EXPECT_EQ(missing.status().code(), ErrorCode::kNotFound);
  EXPECT_FALSE(store_->get_or_create_collection("").is_ok());

  put("a.md", {"one", "two"});
  put("b.md", {"three"});
  auto list = store_->list_collections();
  ASSERT_TRUE(list.is_ok());
  ASSERT_EQ(list->size(), 2u);
  EXPECT_EQ((*list)[0].name, "archive");
  EXPECT_EQ((*list)[0].document_count, 0);
  EXPECT_EQ((*list)[1].name, "kb");
  EXPECT_EQ((*list)[1].document_count, 2);
  EXPECT_EQ((*list)[1].chunk_count, 3);
}

TEST_F(StoreDocuments, DeleteCollectionRemovesEverythingAndLogsIt) {
  const int64_t a = put("a.md", {"one", "two"});
  const std::vector<int64_t> ids = chunk_ids(a);
  auto other = store_->get_or_create_collection("other");
  ASSERT_TRUE(other.is_ok());
  auto kept = make_document("kept.md", {"stays"});
  ASSERT_TRUE(store_->replace_document(other->id, kept.document, kept.chunks).is_ok());

  const int64_t before = store_->last_change_seq();
  ASSERT_TRUE(store_->delete_collection(collection_).is_ok());
  EXPECT_EQ(store_->find_collection("kb").status().code(), ErrorCode::kNotFound);
  auto document = store_->get_document(a);
  ASSERT_TRUE(document.is_ok());
  EXPECT_FALSE(document->has_value());
  auto chunks = store_->get_chunks(ids);
  ASSERT_TRUE(chunks.is_ok());
  EXPECT_TRUE(chunks->empty());

  auto changes = store_->changes_since(collection_, before, 100);
  ASSERT_TRUE(changes.is_ok());
  ASSERT_EQ(changes->size(), 2u);
  EXPECT_FALSE((*changes)[0].added);
  EXPECT_EQ((*changes)[0].chunk_id, ids[0]);
  EXPECT_EQ((*changes)[1].chunk_id, ids[1]);

  auto survivor = store_->find_collection("other");
  ASSERT_TRUE(survivor.is_ok());
  EXPECT_EQ(survivor->document_count, 1);
  EXPECT_EQ(store_->delete_collection(collection_).code(), ErrorCode::kNotFound);

  // A collection made again under the old name is a new collection.
  auto recreated = store_->get_or_create_collection("kb");
  ASSERT_TRUE(recreated.is_ok());
  EXPECT_GT(recreated->id, collection_);
  EXPECT_EQ(recreated->document_count, 0);
}

TEST_F(StoreDocuments, NewDocumentIsStoredWithItsChunks) {
  auto doc = make_document("guide/intro.md", {"First paragraph.", "Second one, longer."});
  doc.document.date.reset();
  doc.document.tags = {"wine", "club", "naïve"};
  auto id = store_->replace_document(collection_, doc.document, doc.chunks);
  ASSERT_TRUE(id.is_ok()) << id.status().to_string();

  auto found = store_->find_document(collection_, "guide/intro.md");
  ASSERT_TRUE(found.is_ok());
  ASSERT_TRUE(found->has_value());
  const DocumentInfo& info = **found;
  EXPECT_EQ(info.id, *id);
  EXPECT_EQ(info.collection_id, collection_);
  EXPECT_EQ(info.source_path, "/data/guide/intro.md");
  EXPECT_EQ(info.title, "Title of guide/intro.md");
  EXPECT_EQ(info.domain, "domain");
  EXPECT_EQ(info.tags, (std::vector<std::string>{"wine", "club", "naïve"}));
  EXPECT_FALSE(info.date.has_value());
  EXPECT_EQ(info.content_hash, "hash:guide/intro.md");
  EXPECT_GT(info.ingested_at, 0);
  EXPECT_EQ(info.chunk_count, 2);
  EXPECT_EQ(info.text_bytes, static_cast<int64_t>(doc.document.text.size()));

  auto by_id = store_->get_document(*id);
  ASSERT_TRUE(by_id.is_ok() && by_id->has_value());
  EXPECT_EQ((*by_id)->key, "guide/intro.md");

  auto chunks = store_->document_chunks(*id);
  ASSERT_TRUE(chunks.is_ok());
  ASSERT_EQ(chunks->size(), 2u);
  for (size_t i = 0; i < 2; ++i) {
    const ChunkRecord& chunk = (*chunks)[i];
    EXPECT_EQ(chunk.document_id, *id);
    EXPECT_EQ(chunk.chunk_key, doc.chunks[i].id);
    EXPECT_EQ(chunk.ordinal, static_cast<int>(i));
    EXPECT_EQ(chunk.text, doc.chunks[i].text);
    EXPECT_EQ(chunk.section_path, doc.chunks[i].section_path);
    EXPECT_EQ(chunk.token_count, static_cast<int64_t>(doc.chunks[i].token_count));
    EXPECT_EQ(doc.document.text.substr(chunk.begin, chunk.end - chunk.begin), chunk.text);
  }
  EXPECT_LT((*chunks)[0].id, (*chunks)[1].id);

  auto absent = store_->find_document(collection_, "guide/missing.md");
  ASSERT_TRUE(absent.is_ok());
  EXPECT_FALSE(absent->has_value());
}

TEST_F(StoreDocuments, ChangedDocumentKeepsItsIdAndGetsNewChunks) {
  const int64_t first = put("a.md", {"old one", "old two"}, "h1");
  const std::vector<int64_t> old_ids = chunk_ids(first);
  const int64_t second = put("a.md", {"new one", "new two", "new three"}, "h2");
  EXPECT_EQ(second, first);
  auto info = store_->get_document(first);
  ASSERT_TRUE(info.is_ok() && info->has_value());
  EXPECT_EQ((*info)->content_hash, "h2");
  EXPECT_EQ((*info)->chunk_count, 3);
  auto chunks = store_->document_chunks(first);
  ASSERT_TRUE(chunks.is_ok());
  ASSERT_EQ(chunks->size(), 3u);
  EXPECT_EQ((*chunks)[0].text, "new one");
  EXPECT_EQ((*chunks)[2].text, "new three");
  for (const auto& chunk : *chunks) EXPECT_GT(chunk.id, old_ids.back());
  auto old = store_->get_chunks(old_ids);
  ASSERT_TRUE(old.is_ok());
  EXPECT_TRUE(old->empty());
  auto list = store_->list_collections();
  ASSERT_TRUE(list.is_ok());
  EXPECT_EQ(list->front().document_count, 1);
  EXPECT_EQ(list->front().chunk_count, 3);
}

TEST_F(StoreDocuments, UnchangedDocumentIsStillReplacedWholesale) {
  // The store does not second-guess its caller: skipping unchanged content (same
  // content_hash) is the ingest job's decision, made with find_document() first.
  const int64_t first = put("a.md", {"same", "text"}, "h");
  const std::vector<int64_t> old_ids = chunk_ids(first);
  const int64_t before = store_->last_change_seq();
  EXPECT_EQ(put("a.md", {"same", "text"}, "h"), first);
  const std::vector<int64_t> new_ids = chunk_ids(first);
  ASSERT_EQ(new_ids.size(), 2u);
  EXPECT_GT(new_ids[0], old_ids[1]);
  auto changes = store_->changes_since(collection_, before, 100);
  ASSERT_TRUE(changes.is_ok());
  EXPECT_EQ(changes->size(), 4u);
  auto info = store_->find_document(collection_, "a.md");
  ASSERT_TRUE(info.is_ok() && info->has_value());
  EXPECT_EQ((*info)->content_hash, "h");
}

TEST_F(StoreDocuments, InvalidInputIsRefusedAndStoresNothing) {
  auto doc = make_document("bad.md", {"text"});
  doc.chunks[0].end = doc.document.text.size() + 1;
  auto out_of_range = store_->replace_document(collection_, doc.document, doc.chunks);
  ASSERT_FALSE(out_of_range.is_ok());
  EXPECT_EQ(out_of_range.status().code(), ErrorCode::kInvalidArgument);
  EXPECT_NE(out_of_range.status().message().find("bad.md"), std::string::npos);

  auto bad_tag = make_document("tag.md", {"text"});
  bad_tag.document.tags = {"ok", std::string("\xff\xfe", 2)};
  EXPECT_EQ(store_->replace_document(collection_, bad_tag.document, bad_tag.chunks).status().code(),
            ErrorCode::kInvalidArgument);

  auto no_key = make_document("", {"text"});
  EXPECT_FALSE(store_->replace_document(collection_, no_key.document, no_key.chunks).is_ok());

  auto orphan = make_document("orphan.md", {"text"});
  auto missing_collection =
      store_->replace_document(collection_ + 1000, orphan.document, orphan.chunks);
  ASSERT_FALSE(missing_collection.is_ok());
  EXPECT_EQ(missing_collection.status().code(), ErrorCode::kNotFound);

  EXPECT_TRUE(listed_keys("").empty());
  EXPECT_EQ(store_->last_change_seq(), 0);
}

TEST_F(StoreDocuments, DocumentWithoutChunksAndBinaryText) {
  auto doc = make_document("empty.md", {});
  doc.document.text = std::string("nul\0inside", 10);
  auto id = store_->replace_document(collection_, doc.document, doc.chunks);
  ASSERT_TRUE(id.is_ok()) << id.status().to_string();
  auto info = store_->get_document(*id);
  ASSERT_TRUE(info.is_ok() && info->has_value());
  EXPECT_EQ((*info)->chunk_count, 0);
  EXPECT_EQ((*info)->text_bytes, 10);
}

TEST_F(StoreDocuments, RemoveDocumentDeletesItAndOnlyIt) {
  const int64_t a = put("a.md", {"one", "two"});
  const int64_t b = put("b.md", {"three"});
  const std::vector<int64_t> a_ids = chunk_ids(a);
  ASSERT_TRUE(store_->remove_document(a).is_ok());
  auto gone = store_->get_document(a);
  ASSERT_TRUE(gone.is_ok());
  EXPECT_FALSE(gone->has_value());
  auto chunks = store_->get_chunks(a_ids);
  ASSERT_TRUE(chunks.is_ok());
  EXPECT_TRUE(chunks->empty());
  auto a_chunks = store_->document_chunks(a);
  ASSERT_TRUE(a_chunks.is_ok());
  EXPECT_TRUE(a_chunks->empty());
  EXPECT_EQ(chunk_ids(b).size(), 1u);
  EXPECT_EQ(listed_keys(""), (std::vector<std::string>{"b.md"}));
  EXPECT_EQ(store_->remove_document(a).code(), ErrorCode::kNotFound);
}

TEST_F(StoreDocuments, ListDocumentsMatchesWholePathSegments) {
  for (const char* key :
       {"docs", "docs/a.md", "docs/sub/b.md", "docs#1", "docs2/c.md", "docsx", "doc",
        "other/docs/a.md", "50%_off/x.md", "50%_off#2", "50%Xoff/y.md", "50a_off/z", "50%_offer",
        "a_b/c", "aXb/c", "café/menu.md", "cafe/menu.md"}) {
    put(key, {"text"});
  }
  EXPECT_EQ(listed_keys("docs"),
            (std::vector<std::string>{"docs", "docs#1", "docs/a.md", "docs/sub/b.md"}));
  EXPECT_EQ(listed_keys("docs/sub"), (std::vector<std::string>{"docs/sub/b.md"}));
  EXPECT_EQ(listed_keys("docs/a.md"), (std::vector<std::string>{"docs/a.md"}));
  EXPECT_EQ(listed_keys("50%_off"), (std::vector<std::string>{"50%_off#2", "50%_off/x.md"}));
  EXPECT_EQ(listed_keys("a_b"), (std::vector<std::string>{"a_b/c"}));
  EXPECT_EQ(listed_keys("%"), (std::vector<std::string>{}));
  EXPECT_EQ(listed_keys("_"), (std::vector<std::string>{}));
  EXPECT_EQ(listed_keys("café"), (std::vector<std::string>{"café/menu.md"}));
  EXPECT_EQ(listed_keys("do"), (std::vector<std::string>{}));
  EXPECT_EQ(listed_keys("nothing"), (std::vector<std::string>{}));
  std::vector<std::string> all = listed_keys("");
  EXPECT_EQ(all.size(), 17u);
  EXPECT_TRUE(std::is_sorted(all.begin(), all.end()));

  // Other collections' documents never show up.
  auto other = store_->get_or_create_collection("other");
  ASSERT_TRUE(other.is_ok());
  auto documents = store_->list_documents(other->id, "docs");
  ASSERT_TRUE(documents.is_ok());
  EXPECT_TRUE(documents->empty());
}

TEST_F(StoreDocuments, GetChunksKeepsRequestOrderAndSkipsMissing) {
  const int64_t a = put("a.md", {"one", "two", "three"});
  const std::vector<int64_t> ids = chunk_ids(a);
  ASSERT_EQ(ids.size(), 3u);
  auto chunks = store_->get_chunks({ids[2], 999999, ids[0]});
  ASSERT_TRUE(chunks.is_ok());
  ASSERT_EQ(chunks->size(), 2u);
  EXPECT_EQ((*chunks)[0].text, "three");
  EXPECT_EQ((*chunks)[1].text, "one");
  auto none = store_->get_chunks({});
  ASSERT_TRUE(none.is_ok());
  EXPECT_TRUE(none->empty());
}

TEST_F(StoreDocuments, ChunksForIndexCarryDocumentAttributes) {
  auto first = make_document("wine/red.md", {"Merlot notes.", "Cabernet notes."});
  first.document.title = "Red wines";
  first.document.domain = "wine";
  first.document.tags = {"red", "list"};
  first.document.date = "2023-10-01";
  auto second = make_document("club/join.md", {"How to join."});
  second.document.title = "Joining";
  second.document.domain = "club";
  second.document.tags = {};
  second.document.date.reset();
  auto first_id = store_->replace_document(collection_, first.document, first.chunks);
  auto second_id = store_->replace_document(collection_, second.document, second.chunks);
  ASSERT_TRUE(first_id.is_ok() && second_id.is_ok());
  const std::vector<int64_t> red = chunk_ids(*first_id);
  const std::vector<int64_t> club = chunk_ids(*second_id);

  auto payload = store_->chunks_for_index({red[1], club[0], 424242, red[0]});
  ASSERT_TRUE(payload.is_ok()) << payload.status().to_string();
  ASSERT_EQ(payload->size(), 3u);
  const ChunkForIndex& cabernet = (*payload)[0];
  EXPECT_EQ(cabernet.chunk_id, red[1]);
  EXPECT_EQ(cabernet.document_id, *first_id);
  EXPECT_EQ(cabernet.title, "Red wines");
  EXPECT_EQ(cabernet.section_path, "Section 1");
  EXPECT_EQ(cabernet.text, "Cabernet notes.");
  EXPECT_EQ(cabernet.domain, "wine");
  EXPECT_EQ(cabernet.tags, (std::vector<std::string>{"red", "list"}));
  EXPECT_EQ(cabernet.date, std::optional<std::string>("2023-10-01"));
  const ChunkForIndex& join = (*payload)[1];
  EXPECT_EQ(join.document_id, *second_id);
  EXPECT_EQ(join.title, "Joining");
  EXPECT_EQ(join.domain, "club");
  EXPECT_TRUE(join.tags.empty());
  EXPECT_FALSE(join.date.has_value());
  EXPECT_EQ((*payload)[2].text, "Merlot notes.");
  EXPECT_EQ((*payload)[2].tags, (std::vector<std::string>{"red", "list"}));
}

TEST_F(StoreDocuments, StateIsRememberedAcrossReopen) {
  auto missing = store_->get_state("ingest:kb");
  ASSERT_TRUE(missing.is_ok());
  EXPECT_FALSE(missing->has_value());
  ASSERT_TRUE(store_->set_state("ingest:kb", "{\"done\":1}").is_ok());
  ASSERT_TRUE(store_->set_state("ingest:kb", "{\"done\":2}").is_ok());
  ASSERT_TRUE(store_->set_state("binary", std::string("a\0b", 3)).is_ok());
  ASSERT_TRUE(store_->set_state("empty", "").is_ok());
  store_.reset();
  auto store = Store::open(dir_.file("ragd.db"));
  ASSERT_TRUE(store.is_ok());
  auto value = (*store)->get_state("ingest:kb");
  ASSERT_TRUE(value.is_ok() && value->has_value());
  EXPECT_EQ(**value, "{\"done\":2}");
  auto binary = (*store)->get_state("binary");
  ASSERT_TRUE(binary.is_ok() && binary->has_value());
  EXPECT_EQ(**binary, std::string("a\0b", 3));
  auto empty = (*store)->get_state("empty");
  ASSERT_TRUE(empty.is_ok() && empty->has_value());
  EXPECT_EQ(**empty, "");
}

}  // namespace
}  // namespace ragd

namespace ragd {
namespace {

TEST_F(StoreDocuments, ChunkDocumentKeysCoverOneCollectionInIdOrder) {
  const int64_t a = put("corpus.jsonl#d1", {"one", "two"});
  const int64_t b = put("corpus.jsonl#d2", {"three"});
  auto other = store_->get_or_create_collection("other");
  ASSERT_TRUE(other.is_ok());
  auto foreign = make_document("corpus.jsonl#d1", {"elsewhere"});
  ASSERT_TRUE(store_->replace_document(other->id, foreign.document, foreign.chunks).is_ok());
  auto keys = store_->chunk_document_keys(collection_);
  ASSERT_TRUE(keys.is_ok()) << keys.status().to_string();
  std::vector<std::pair<int64_t, std::string>> expected;
  for (int64_t id : chunk_ids(a)) expected.emplace_back(id, "corpus.jsonl#d1");
  for (int64_t id : chunk_ids(b)) expected.emplace_back(id, "corpus.jsonl#d2");
  EXPECT_EQ(*keys, expected);
}

}  // namespace
}  // namespace ragd
