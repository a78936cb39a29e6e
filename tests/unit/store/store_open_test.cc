#include <gtest/gtest.h>
#include <sqlite3.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <random>
#include <string>

#include "store/migrations.h"
#include "store/store.h"
#include "store_test_support.h"

namespace ragd {
namespace {

using store_test::make_document;
using store_test::raw_exec;
using store_test::TempDir;

void write_bytes(const std::string& path, const std::string& bytes) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
}

std::string random_bytes(size_t size, unsigned seed) {
  std::mt19937 rng(seed);
  std::string bytes(size, '\0');
  for (char& c : bytes) c = static_cast<char>(rng() & 0xff);
  return bytes;
}

int64_t count_rows(const std::string& path, const std::string& sql) {
  sqlite3* db = nullptr;
  int64_t count = -1;
  if (sqlite3_open(path.c_str(), &db) == SQLITE_OK) {
    sqlite3_stmt* statement = nullptr;
    if (sqlite3_prepare_v2(db, sql.c_str(), -1, &statement, nullptr) == SQLITE_OK &&
        sqlite3_step(statement) == SQLITE_ROW) {
      count = sqlite3_column_int64(statement, 0);
    }
    sqlite3_finalize(statement);
  }
  sqlite3_close(db);
  return count;
}

TEST(StoreOpen, CreatesAndMigratesAFreshDatabase) {
  TempDir dir;
  ASSERT_TRUE(dir.ok());
  const std::string path = dir.file("ragd.db");
  auto store = Store::open(path);
  ASSERT_TRUE(store.is_ok()) << store.status().to_string();
  EXPECT_EQ((*store)->schema_version(), latest_schema_version());
  EXPECT_GE(latest_schema_version(), 1);
  store->reset();
  EXPECT_EQ(count_rows(path, "SELECT COUNT(*) FROM schema_migrations"), latest_schema_version());
  for (const char* table :
       {"collections", "documents", "chunks", "chunk_changes", "ingest_state"}) {
    EXPECT_EQ(count_rows(path, std::string("SELECT COUNT(*) FROM sqlite_master WHERE type = "
                                           "'table' AND name = '") +
                                   table + "'"),
              1)
        << table;
  }
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(path.c_str(), &db), SQLITE_OK);
  sqlite3_stmt* statement = nullptr;
  ASSERT_EQ(sqlite3_prepare_v2(db, "PRAGMA journal_mode", -1, &statement, nullptr), SQLITE_OK);
  ASSERT_EQ(sqlite3_step(statement), SQLITE_ROW);
  EXPECT_STREQ(reinterpret_cast<const char*>(sqlite3_column_text(statement, 0)), "wal");
  sqlite3_finalize(statement);
  sqlite3_close(db);
}

TEST(StoreOpen, ReopenKeepsDataAndWritesNothing) {
  TempDir dir;
  ASSERT_TRUE(dir.ok());
  const std::string path = dir.file("ragd.db");
  {
    auto store = Store::open(path);
    ASSERT_TRUE(store.is_ok()) << store.status().to_string();
    auto collection = (*store)->get_or_create_collection("kb");
    ASSERT_TRUE(collection.is_ok());
    auto doc = make_document("a.md", {"one", "two"});
    ASSERT_TRUE((*store)->replace_document(collection->id, doc.document, doc.chunks).is_ok());
  }
  const int64_t applied_at_before =
      count_rows(path, "SELECT SUM(applied_at) FROM schema_migrations");

  // Another connection holds the write lock for the whole reopen: an open that tried to
  // migrate or otherwise write would wait out the busy timeout and fail.
  sqlite3* writer = nullptr;
  ASSERT_EQ(sqlite3_open(path.c_str(), &writer), SQLITE_OK);
  ASSERT_EQ(sqlite3_exec(writer, "BEGIN IMMEDIATE", nullptr, nullptr, nullptr), SQLITE_OK);
  {
    auto store = Store::open(path);
    ASSERT_TRUE(store.is_ok()) << store.status().to_string();
    EXPECT_EQ((*store)->schema_version(), latest_schema_version());
    auto collection = (*store)->find_collection("kb");
    ASSERT_TRUE(collection.is_ok()) << collection.status().to_string();
    EXPECT_EQ(collection->document_count, 1);
    EXPECT_EQ(collection->chunk_count, 2);
  }
  ASSERT_EQ(sqlite3_exec(writer, "ROLLBACK", nullptr, nullptr, nullptr), SQLITE_OK);
  sqlite3_close(writer);

  EXPECT_EQ(count_rows(path, "SELECT COUNT(*) FROM schema_migrations"), latest_schema_version());
  EXPECT_EQ(count_rows(path, "SELECT SUM(applied_at) FROM schema_migrations"), applied_at_before);
}

TEST(StoreOpen, RefusesADatabaseFromANewerVersion) {
  TempDir dir;
  ASSERT_TRUE(dir.ok());
  const std::string path = dir.file("ragd.db");
  ASSERT_TRUE(Store::open(path).is_ok());
  const int future = latest_schema_version() + 7;
  ASSERT_EQ(raw_exec(path, "INSERT INTO schema_migrations(version, name, applied_at) VALUES (" +
                               std::to_string(future) + ", 'from the future', 0)"),
            SQLITE_OK);
  auto store = Store::open(path);
  ASSERT_FALSE(store.is_ok());
  EXPECT_EQ(store.status().code(), ErrorCode::kUnsupported);
  EXPECT_NE(store.status().message().find(std::to_string(future)), std::string::npos);
  EXPECT_NE(store.status().message().find("newer ragd"), std::string::npos);
  EXPECT_NE(store.status().message().find(path), std::string::npos);
}

TEST(StoreOpen, GarbageFileIsACleanCorruptionError) {
  TempDir dir;
  ASSERT_TRUE(dir.ok());
  for (size_t size : {size_t{7}, size_t{100}, size_t{4096}, size_t{65536}}) {
    const std::string path = dir.file("garbage-" + std::to_string(size) + ".db");
    write_bytes(path, random_bytes(size, static_cast<unsigned>(size)));
    auto store = Store::open(path);
    ASSERT_FALSE(store.is_ok()) << size;
    EXPECT_EQ(store.status().code(), ErrorCode::kCorruption) << store.status().to_string();
    EXPECT_NE(store.status().message().find(path), std::string::npos) << store.status().to_string();
  }
}

TEST(StoreOpen, TextFileIsRefused) {
  TempDir dir;
  ASSERT_TRUE(dir.ok());
  const std::string path = dir.file("notes.txt");
  std::string text;
  for (int i = 0; i < 200; ++i) text += "these are notes, not a database\n";
  write_bytes(path, text);
  auto store = Store::open(path);
  ASSERT_FALSE(store.is_ok());
  EXPECT_EQ(store.status().code(), ErrorCode::kCorruption);
}

// Builds a database of `documents` documents with chunks of `chunk_bytes` bytes, then
// overwrites the file from byte `from` (a fraction of its size) to the end with garbage.
std::string damaged_database(const TempDir& dir, const std::string& name, int documents,
                             size_t chunk_bytes, double from) {
  const std::string path = dir.file(name);
  {
    auto store = Store::open(path);
    EXPECT_TRUE(store.is_ok());
    if (!store.is_ok()) return path;
    auto collection = (*store)->get_or_create_collection("kb");
    EXPECT_TRUE(collection.is_ok());
    for (int i = 0; i < documents; ++i) {
      auto doc = make_document("doc" + std::to_string(i) + ".md",
                               {std::string(chunk_bytes, 'a'), std::string(chunk_bytes, 'b')});
      EXPECT_TRUE((*store)->replace_document(collection->id, doc.document, doc.chunks).is_ok());
    }
  }
  const auto size = std::filesystem::file_size(path);
  const auto offset = std::max<uintmax_t>(4096, static_cast<uintmax_t>(size * from) / 4096 * 4096);
  std::fstream file(path, std::ios::binary | std::ios::in | std::ios::out);
  file.seekp(static_cast<std::streamoff>(offset));
  std::string garbage = random_bytes(size - offset, 42);
  file.write(garbage.data(), static_cast<std::streamsize>(garbage.size()));
  return path;
}

TEST(StoreOpen, DamagedSchemaPagesFailTheOpen) {
  TempDir dir;
  ASSERT_TRUE(dir.ok());
  // Page 1 (header, table list) survives; every table's pages are garbage.
  const std::string path = damaged_database(dir, "ragd.db", 20, 10, 0.0);
  auto store = Store::open(path);
  ASSERT_FALSE(store.is_ok());
  EXPECT_EQ(store.status().code(), ErrorCode::kCorruption) << store.status().to_string();
  EXPECT_NE(store.status().message().find(path), std::string::npos);
}

TEST(StoreOpen, DamagedDataPagesGiveErrorsNotCrashes) {
  TempDir dir;
  ASSERT_TRUE(dir.ok());
  const std::string path = damaged_database(dir, "ragd.db", 40, 3000, 0.5);
  auto store = Store::open(path);
  ASSERT_TRUE(store.is_ok()) << store.status().to_string();  // the schema pages come first
  int failures = 0;
  auto check = [&](const Status& status) {
    if (status.is_ok()) return;
    ++failures;
    EXPECT_EQ(status.code(), ErrorCode::kCorruption) << status.to_string();
  };
  check((*store)->list_collections().status());
  auto documents = (*store)->list_documents(1, "");
  check(documents.status());
  for (int64_t id = 1; id <= 40; ++id) {
    check((*store)->document_chunks(id).status());
    check((*store)->get_document(id).status());
  }
  check((*store)->chunks_for_index({1, 20, 40, 60, 80}).status());
  check((*store)->changes_since(1, 0, 1000).status());
  auto doc = make_document("new.md", {"text"});
  check((*store)->replace_document(1, doc.document, doc.chunks).status());
  EXPECT_GT(failures, 0);
}

TEST(StoreOpen, UnusablePathsAreErrors) {
  TempDir dir;
  ASSERT_TRUE(dir.ok());
  auto missing_folder = Store::open(dir.file("no/such/folder/ragd.db"));
  ASSERT_FALSE(missing_folder.is_ok());
  EXPECT_EQ(missing_folder.status().code(), ErrorCode::kIo);

  std::filesystem::create_directory(dir.file("a-folder"));
  EXPECT_FALSE(Store::open(dir.file("a-folder")).is_ok());

  auto empty = Store::open("");
  ASSERT_FALSE(empty.is_ok());
  EXPECT_EQ(empty.status().code(), ErrorCode::kInvalidArgument);
}

TEST(StoreOpen, EmptyFileBecomesADatabase) {
  TempDir dir;
  ASSERT_TRUE(dir.ok());
  const std::string path = dir.file("empty.db");
  write_bytes(path, "");
  auto store = Store::open(path);
  ASSERT_TRUE(store.is_ok()) << store.status().to_string();
  EXPECT_EQ((*store)->schema_version(), latest_schema_version());
}

}  // namespace
}  // namespace ragd
