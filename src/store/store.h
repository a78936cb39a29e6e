// The embedded store: SQLite in WAL mode holding collections, documents, chunks and the
// change log that lexical (and later vector) indexes replay.
//
// Concurrency: one writer and many readers. A Store object wraps one connection and is
// NOT thread-safe; open one Store per thread. Other processes may read while one writes
// (WAL); writers wait on each other via busy_timeout.
//
// Durability and atomicity: replace_document() and remove_document() are single
// transactions, so readers never see half a document and a crash (kill -9) leaves either
// the old or the new version. Every chunk insert/delete appends to the change log
// (chunk_changes) in the same transaction, with a monotonically increasing sequence number.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "common/status.h"
#include "ingest/chunker.h"
#include "ingest/document.h"

struct sqlite3;

namespace ragd {

struct CollectionInfo {
  int64_t id = 0;
  std::string name;
  std::string description;
  std::string settings_json;  // chunking/analyzer settings, "{}" by default
  int64_t created_at = 0;     // unix seconds
  int64_t document_count = 0;
  int64_t chunk_count = 0;
};

struct DocumentInfo {
  int64_t id = 0;
  int64_t collection_id = 0;
  std::string key;
  std::string source_path;
  std::string title;
  std::string domain;
  std::vector<std::string> tags;
  std::optional<std::string> date;
  std::string content_hash;
  int64_t ingested_at = 0;  // unix seconds
  int64_t chunk_count = 0;
  int64_t text_bytes = 0;
};

struct ChunkRecord {
  int64_t id = 0;  // store row id; the id lexical/vector indexes use
  int64_t document_id = 0;
  std::string chunk_key;  // Chunk::id (stable content/position hash)
  int ordinal = 0;
  int64_t begin = 0;
  int64_t end = 0;
  std::string section_path;
  std::string text;
  int64_t token_count = 0;
};

// Everything an index needs to add one chunk (chunk + its document's attributes).
struct ChunkForIndex {
  int64_t chunk_id = 0;
  int64_t document_id = 0;
  std::string title;         // document title
  std::string section_path;
  std::string text;
  std::string domain;
  std::vector<std::string> tags;
  std::optional<std::string> date;
};

struct ChunkChange {
  int64_t seq = 0;
  bool added = false;  // false: removed
  int64_t chunk_id = 0;
};

class Store {
 public:
  // Opens (creating when missing) the database at `path`, enables WAL, foreign keys and a
  // busy timeout, and applies pending migrations in order.
  static Result<std::unique_ptr<Store>> open(const std::string& path);
  ~Store();
  Store(const Store&) = delete;
  Store& operator=(const Store&) = delete;

  int schema_version() const;

  // Collections. get_or_create is idempotent.
  Result<CollectionInfo> get_or_create_collection(const std::string& name);
  Result<CollectionInfo> find_collection(const std::string& name);  // kNotFound if absent
  Result<std::vector<CollectionInfo>> list_collections();
  Status delete_collection(int64_t collection_id);  // documents, chunks; logs removals

  // Documents.
  Result<std::optional<DocumentInfo>> find_document(int64_t collection_id, const std::string& key);
  // Inserts or replaces the document with this key and all its chunks in one transaction.
  // Returns the document id.
  Result<int64_t> replace_document(int64_t collection_id, const Document& document,
                                   const std::vector<Chunk>& chunks);
  Status remove_document(int64_t document_id);
  // Documents of a collection whose key equals `prefix` or starts with `prefix` + "/" or
  // `prefix` + "#"; all documents when prefix is empty.
  Result<std::vector<DocumentInfo>> list_documents(int64_t collection_id, const std::string& prefix);
  Result<std::optional<DocumentInfo>> get_document(int64_t document_id);

  // Chunks.
  Result<std::vector<ChunkRecord>> get_chunks(const std::vector<int64_t>& chunk_ids);
  Result<std::vector<ChunkRecord>> document_chunks(int64_t document_id);
  // (chunk id, document key) of every chunk of a collection, in chunk id order; for
  // evaluations that map chunk hits to document ids without reading texts.
  Result<std::vector<std::pair<int64_t, std::string>>> chunk_document_keys(int64_t collection_id);

  // Change log, for index replay. Changes of `collection_id` with seq > after_seq, in
  // order, at most `limit`.
  Result<std::vector<ChunkChange>> changes_since(int64_t collection_id, int64_t after_seq,
                                                 size_t limit);
  int64_t last_change_seq();  // 0 when empty, -1 when the database cannot be read
  // Index payload for chunks that still exist (missing ids are skipped).
  Result<std::vector<ChunkForIndex>> chunks_for_index(const std::vector<int64_t>& chunk_ids);

  // Ingestion state: remembered per collection so `ragd ingest` can report and resume.
  Status set_state(const std::string& key, const std::string& value);
  Result<std::optional<std::string>> get_state(const std::string& key);

  // Runs `work` inside BEGIN IMMEDIATE ... COMMIT (ROLLBACK when it fails).
  Status in_transaction(const std::function<Status()>& work);
  // Runs `work` inside one read transaction, so every read it makes sees the same snapshot
  // of the database even while another connection commits. Nested calls join the outer one.
  Status in_read_snapshot(const std::function<Status()>& work);

  // Creates a collection with the given settings; kAlreadyExists when the name is taken.
  Result<CollectionInfo> create_collection(const std::string& name, const std::string& description,
                                           const std::string& settings_json);

  // Replaces a collection's settings JSON in one statement (kNotFound when the collection is
  // gone): readers see the old settings or the new, never a mix.
  Status update_collection_settings(int64_t collection_id, const std::string& settings_json);
  Status update_collection_description(int64_t collection_id, const std::string& description);

  // The SQLite connection, for the store's sibling classes (EmbeddingStore, SessionStore) that
  // share this connection and so its transactions. Not for use outside src/store/.
  sqlite3* connection() const { return db_; }

 private:
  explicit Store(sqlite3* db);
  struct Statements;
  sqlite3* db_;
  std::unique_ptr<Statements> statements_;
};

}  // namespace ragd
