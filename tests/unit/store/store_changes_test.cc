#include <gtest/gtest.h>

#include <atomic>
#include <string>
#include <thread>
#include <vector>

#include "store/store.h"
#include "store_test_support.h"

namespace ragd {
namespace {

using store_test::make_document;
using store_test::raw_exec;
using store_test::TempDir;

class StoreChanges : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(dir_.ok());
    path_ = dir_.file("ragd.db");
    reopen();
  }

  void reopen() {
    store_.reset();
    auto store = Store::open(path_);
    ASSERT_TRUE(store.is_ok()) << store.status().to_string();
    store_ = std::move(*store);
    auto collection = store_->get_or_create_collection("kb");
    ASSERT_TRUE(collection.is_ok());
    collection_ = collection->id;
  }

  Result<int64_t> put(const std::string& key, const std::vector<std::string>& paragraphs) {
    auto doc = make_document(key, paragraphs);
    return store_->replace_document(collection_, doc.document, doc.chunks);
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

  std::vector<std::string> chunk_texts(int64_t document_id) {
    auto chunks = store_->document_chunks(document_id);
    EXPECT_TRUE(chunks.is_ok());
    std::vector<std::string> texts;
    if (chunks.is_ok()) {
      for (const auto& chunk : *chunks) texts.push_back(chunk.text);
    }
    return texts;
  }

  std::vector<ChunkChange> all_changes() {
    auto changes = store_->changes_since(collection_, 0, 1000000);
    EXPECT_TRUE(changes.is_ok());
    return changes.is_ok() ? *changes : std::vector<ChunkChange>();
  }

  TempDir dir_;
  std::string path_;
  std::unique_ptr<Store> store_;
  int64_t collection_ = 0;
};

// (added, chunk id) pairs, for comparing logs.
std::vector<std::pair<bool, int64_t>> entries(const std::vector<ChunkChange>& changes) {
  std::vector<std::pair<bool, int64_t>> out;
  for (const auto& change : changes) out.emplace_back(change.added, change.chunk_id);
  return out;
}

TEST_F(StoreChanges, LogRecordsEveryChunkAdditionAndRemovalInOrder) {
  EXPECT_EQ(store_->last_change_seq(), 0);
  auto a = put("a.md", {"a1", "a2"});
  auto b = put("b.md", {"b1"});
  ASSERT_TRUE(a.is_ok() && b.is_ok());
  const std::vector<int64_t> a_old = chunk_ids(*a);
  const std::vector<int64_t> b_ids = chunk_ids(*b);
  ASSERT_TRUE(put("a.md", {"a3", "a4", "a5"}).is_ok());
  const std::vector<int64_t> a_new = chunk_ids(*a);
  ASSERT_TRUE(store_->remove_document(*b).is_ok());

  const std::vector<ChunkChange> changes = all_changes();
  const std::vector<std::pair<bool, int64_t>> expected = {
      {true, a_old[0]}, {true, a_old[1]}, {true, b_ids[0]}, {false, a_old[0]}, {false, a_old[1]},
      {true, a_new[0]}, {true, a_new[1]}, {true, a_new[2]}, {false, b_ids[0]}};
  EXPECT_EQ(entries(changes), expected);
  for (size_t i = 1; i < changes.size(); ++i) EXPECT_GT(changes[i].seq, changes[i - 1].seq);
  EXPECT_EQ(store_->last_change_seq(), changes.back().seq);

  // Paging: after_seq is exclusive and limit caps the batch.
  auto page = store_->changes_since(collection_, changes[2].seq, 3);
  ASSERT_TRUE(page.is_ok());
  ASSERT_EQ(page->size(), 3u);
  EXPECT_EQ((*page)[0].seq, changes[3].seq);
  EXPECT_EQ((*page)[2].seq, changes[5].seq);
  auto tail = store_->changes_since(collection_, changes.back().seq, 10);
  ASSERT_TRUE(tail.is_ok());
  EXPECT_TRUE(tail->empty());
  auto none = store_->changes_since(collection_, 0, 0);
  ASSERT_TRUE(none.is_ok());
  EXPECT_TRUE(none->empty());
}

TEST_F(StoreChanges, LogIsPerCollection) {
  auto other = store_->get_or_create_collection("other");
  ASSERT_TRUE(other.is_ok());
  ASSERT_TRUE(put("a.md", {"a1"}).is_ok());
  auto doc = make_document("x.md", {"x1", "x2"});
  ASSERT_TRUE(store_->replace_document(other->id, doc.document, doc.chunks).is_ok());
  ASSERT_TRUE(put("b.md", {"b1"}).is_ok());
  EXPECT_EQ(all_changes().size(), 2u);
  auto others = store_->changes_since(other->id, 0, 100);
  ASSERT_TRUE(others.is_ok());
  EXPECT_EQ(others->size(), 2u);
  EXPECT_EQ(store_->last_change_seq(), 4);  // the global maximum
}

TEST_F(StoreChanges, ChunkIdsAreNeverReused) {
  auto a = put("a.md", {"1", "2", "3"});
  ASSERT_TRUE(a.is_ok());
  const int64_t highest = chunk_ids(*a).back();
  // Removing the newest rows is exactly what makes plain rowids come back.
  ASSERT_TRUE(store_->remove_document(*a).is_ok());
  auto b = put("b.md", {"4"});
  ASSERT_TRUE(b.is_ok());
  const int64_t next = chunk_ids(*b).front();
  EXPECT_GT(next, highest);
  ASSERT_TRUE(store_->remove_document(*b).is_ok());
  reopen();
  auto c = put("c.md", {"5"});
  ASSERT_TRUE(c.is_ok());
  EXPECT_GT(chunk_ids(*c).front(), next);
  // Document ids are not reused either.
  EXPECT_GT(*c, *b);
  EXPECT_GT(*b, *a);
}

TEST_F(StoreChanges, BatchCommitsTogetherAndFailedWorkRollsBackEverything) {
  Status status = store_->in_transaction([&]() -> Status {
    for (int i = 0; i < 10; ++i) {
      auto id = put("doc" + std::to_string(i) + ".md", {"text"});
      if (!id.is_ok()) return id.status();
    }
    return Status::ok();
  });
  ASSERT_TRUE(status.is_ok()) << status.to_string();
  EXPECT_EQ(store_->find_collection("kb")->document_count, 10);
  const int64_t seq = store_->last_change_seq();

  status = store_->in_transaction([&]() -> Status {
    auto id = put("doc-late.md", {"text"});
    if (!id.is_ok()) return id.status();
    RAGD_RETURN_IF_ERROR(store_->set_state("progress", "late"));
    return Status::invalid("the caller gave up");
  });
  EXPECT_EQ(status.code(), ErrorCode::kInvalidArgument);
  EXPECT_EQ(store_->find_collection("kb")->document_count, 10);
  EXPECT_EQ(store_->last_change_seq(), seq);
  auto progress = store_->get_state("progress");
  ASSERT_TRUE(progress.is_ok());
  EXPECT_FALSE(progress->has_value());

  // Nesting works, and an exception from the work is contained.
  status = store_->in_transaction([&]() -> Status {
    return store_->in_transaction([&]() -> Status { return put("nested.md", {"n"}).status(); });
  });
  EXPECT_TRUE(status.is_ok()) << status.to_string();
  status = store_->in_transaction([&]() -> Status {
    (void)put("thrown.md", {"t"});
    throw std::runtime_error("boom");
  });
  EXPECT_EQ(status.code(), ErrorCode::kInternal);
  auto thrown = store_->find_document(collection_, "thrown.md");
  ASSERT_TRUE(thrown.is_ok());
  EXPECT_FALSE(thrown->has_value());
  EXPECT_EQ(store_->find_collection("kb")->document_count, 11);
}

TEST_F(StoreChanges, FailingDocumentInsideABatchRollsBackOnlyItself) {
  auto b = put("b.md", {"old b1", "old b2"});
  ASSERT_TRUE(b.is_ok());
  const std::vector<int64_t> b_ids = chunk_ids(*b);
  const int64_t seq = store_->last_change_seq();
  store_.reset();
  // A trigger that fails a chunk insert after the document's old chunks were already
  // logged, deleted and its row updated: the worst moment to fail.
  ASSERT_EQ(raw_exec(path_,
                     "CREATE TRIGGER poison BEFORE INSERT ON chunks WHEN NEW.text = 'poison' "
                     "BEGIN SELECT RAISE(ABORT, 'poisoned chunk'); END;"),
            0);
  reopen();

  Status failed_document;
  Status batch = store_->in_transaction([&]() -> Status {
    RAGD_RETURN_IF_ERROR(put("a.md", {"a1"}).status());
    failed_document = put("b.md", {"new b1", "poison"}).status();
    RAGD_RETURN_IF_ERROR(put("c.md", {"c1"}).status());
    return Status::ok();
  });
  ASSERT_TRUE(batch.is_ok()) << batch.to_string();
  ASSERT_FALSE(failed_document.is_ok());
  EXPECT_NE(failed_document.message().find("poisoned chunk"), std::string::npos);

  EXPECT_EQ(chunk_texts(*b), (std::vector<std::string>{"old b1", "old b2"}));
  EXPECT_EQ(chunk_ids(*b), b_ids);
  auto b_info = store_->get_document(*b);
  ASSERT_TRUE(b_info.is_ok() && b_info->has_value());
  EXPECT_EQ((*b_info)->text_bytes, static_cast<int64_t>(std::string("old b1\n\nold b2").size()));
  auto a = store_->find_document(collection_, "a.md");
  auto c = store_->find_document(collection_, "c.md");
  ASSERT_TRUE(a.is_ok() && a->has_value() && c.is_ok() && c->has_value());

  // The log holds exactly the additions of a and c: nothing of b's failed attempt.
  auto changes = store_->changes_since(collection_, seq, 100);
  ASSERT_TRUE(changes.is_ok());
  const std::vector<std::pair<bool, int64_t>> expected = {{true, chunk_ids((*a)->id)[0]},
                                                          {true, chunk_ids((*c)->id)[0]}};
  EXPECT_EQ(entries(*changes), expected);

  // Standalone, the same failure leaves the old version too.
  EXPECT_FALSE(put("b.md", {"poison"}).is_ok());
  EXPECT_EQ(chunk_texts(*b), (std::vector<std::string>{"old b1", "old b2"}));
}

TEST_F(StoreChanges, ConcurrentReaderSeesWholeDocumentsOnly) {
  // Version A has 3 chunks "A..", version B 5 chunks "B..": any mix is detectable from a
  // single read of the document row or of its chunks.
  auto write = [&](bool a) {
    std::vector<std::string> paragraphs;
    for (int i = 0; i < (a ? 3 : 5); ++i) paragraphs.push_back((a ? "A" : "B") + std::to_string(i));
    auto doc = make_document("doc.md", paragraphs, a ? "hash-a" : "hash-b");
    return store_->replace_document(collection_, doc.document, doc.chunks);
  };
  auto id = write(true);
  ASSERT_TRUE(id.is_ok());

  std::atomic<bool> writing{true};
  std::atomic<int> reads{0};
  std::vector<std::string> problems;
  std::thread reader([&] {
    auto store = Store::open(path_);
    if (!store.is_ok()) {
      problems.push_back("open: " + store.status().to_string());
      return;
    }
    while (writing.load() || reads.load() < 50) {
      auto info = (*store)->find_document(collection_, "doc.md");
      if (!info.is_ok() || !info->has_value()) {
        problems.push_back("find: " + info.status().to_string());
        break;
      }
      const DocumentInfo& document = **info;
      const bool a = document.content_hash == "hash-a";
      if (document.id != *id || document.chunk_count != (a ? 3 : 5)) {
        problems.push_back("document row " + document.content_hash + " with " +
                           std::to_string(document.chunk_count) + " chunks");
      }
      auto chunks = (*store)->document_chunks(*id);
      if (!chunks.is_ok()) {
        problems.push_back("chunks: " + chunks.status().to_string());
        break;
      }
      if (chunks->size() != 3 && chunks->size() != 5) {
        problems.push_back(std::to_string(chunks->size()) + " chunks");
      }
      for (const auto& chunk : *chunks) {
        if (chunk.text[0] != (chunks->size() == 3 ? 'A' : 'B')) {
          problems.push_back("mixed chunk " + chunk.text);
        }
      }
      reads.fetch_add(1);
      if (problems.size() > 10) break;
    }
  });
  for (int i = 0; i < 300; ++i) {
    auto written = write(i % 2 == 1);
    ASSERT_TRUE(written.is_ok()) << written.status().to_string();
    ASSERT_EQ(*written, *id);
  }
  writing.store(false);
  reader.join();
  EXPECT_TRUE(problems.empty()) << problems.front();
  EXPECT_GE(reads.load(), 50);
}

}  // namespace
}  // namespace ragd
