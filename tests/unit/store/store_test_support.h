// Shared helpers for the store tests: a self-deleting temporary folder and builders for
// documents whose chunks are their paragraphs. Not thread-safe (test fixtures only).
#pragma once

#include <sqlite3.h>

#include <filesystem>
#include <string>
#include <utility>
#include <vector>

#include "../test_temp_dir.h"
#include "ingest/chunker.h"
#include "ingest/document.h"

namespace ragd::store_test {

using test_support::TempDir;

struct DocumentWithChunks {
  Document document;
  std::vector<Chunk> chunks;
};

// A document whose text is `paragraphs` joined by "\n\n", one chunk per paragraph.
inline DocumentWithChunks make_document(const std::string& key,
                                        const std::vector<std::string>& paragraphs,
                                        const std::string& content_hash = "") {
  DocumentWithChunks result;
  Document& document = result.document;
  document.key = key;
  document.source_path = "/data/" + key;
  document.title = "Title of " + key;
  document.domain = "domain";
  document.tags = {"tag-one", "tag-two"};
  document.date = "2024-05-01";
  document.extra = {{"author", "someone"}};
  document.content_hash = content_hash.empty() ? "hash:" + key : content_hash;
  for (size_t i = 0; i < paragraphs.size(); ++i) {
    if (i > 0) document.text += "\n\n";
    Chunk chunk;
    chunk.id = key + ":" + std::to_string(i);
    chunk.ordinal = static_cast<int>(i);
    chunk.begin = document.text.size();
    document.text += paragraphs[i];
    chunk.end = document.text.size();
    chunk.section_path = "Section " + std::to_string(i);
    chunk.text = paragraphs[i];
    chunk.token_count = paragraphs[i].size() / 4 + 1;
    result.chunks.push_back(std::move(chunk));
  }
  return result;
}

// Runs one SQL script on a raw connection to `path`, for setting up states the Store API
// cannot produce (future schema versions, failure triggers). Returns SQLite's result code.
inline int raw_exec(const std::string& path, const std::string& sql) {
  sqlite3* db = nullptr;
  int rc = sqlite3_open(path.c_str(), &db);
  if (rc == SQLITE_OK) {
    sqlite3_busy_timeout(db, 10000);
    rc = sqlite3_exec(db, sql.c_str(), nullptr, nullptr, nullptr);
  }
  sqlite3_close(db);
  return rc;
}

}  // namespace ragd::store_test
