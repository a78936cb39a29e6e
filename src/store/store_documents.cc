// Store: documents and their chunks.
#include <sqlite3.h>

#include <ctime>
#include <string>

#include "sqlite/statement.h"
#include "store/store.h"
#include "store/store_rows.h"
#include "store/store_statements.h"

namespace ragd {
namespace {

// Chunk offsets must address the stored text: later features cut passages out of it.
Status check_chunk_ranges(const Document& document, const std::vector<Chunk>& chunks) {
  for (size_t i = 0; i < chunks.size(); ++i) {
    const Chunk& chunk = chunks[i];
    if (chunk.begin > chunk.end || chunk.end > document.text.size()) {
      return Status::invalid("chunk " + std::to_string(i) + " of document '" + document.key +
                             "' has byte range [" + std::to_string(chunk.begin) + ", " +
                             std::to_string(chunk.end) + ") outside its " +
                             std::to_string(document.text.size()) + "-byte text");
    }
  }
  return Status::ok();
}

// Runs a statement whose single-row result is optional.
template <typename T, typename Read>
Result<std::optional<T>> optional_row(Statement& statement, Read read) {
  auto row = statement.step();
  if (!row) return row.status();
  if (!*row) return std::optional<T>();
  auto value = read(statement);
  if (!value) return value.status();
  return std::optional<T>(std::move(*value));
}

Result<std::vector<DocumentInfo>> all_documents(Statement& statement) {
  std::vector<DocumentInfo> documents;
  for (;;) {
    auto row = statement.step();
    if (!row) return row.status();
    if (!*row) return documents;
    auto document = read_document(statement);
    if (!document) return document.status();
    documents.push_back(std::move(*document));
  }
}

}  // namespace

Result<std::optional<DocumentInfo>> Store::find_document(int64_t collection_id,
                                                         const std::string& key) {
  Statement& find = statements_->find_document;
  StatementReset reset(find);
  RAGD_RETURN_IF_ERROR(find.bind_all(collection_id, key));
  return optional_row<DocumentInfo>(find, read_document);
}

Result<std::optional<DocumentInfo>> Store::get_document(int64_t document_id) {
  Statement& get = statements_->get_document;
  StatementReset reset(get);
  RAGD_RETURN_IF_ERROR(get.bind_all(document_id));
  return optional_row<DocumentInfo>(get, read_document);
}

Result<int64_t> Store::replace_document(int64_t collection_id, const Document& document,
                                        const std::vector<Chunk>& chunks) {
  if (document.key.empty()) return Status::invalid("a document key must not be empty");
  RAGD_RETURN_IF_ERROR(check_chunk_ranges(document, chunks));
  auto tags_json = encode_tags(document.tags);
  if (!tags_json) {
    return Status::invalid("document '" + document.key + "': " + tags_json.status().message());
  }
  auto extra_json = encode_extra(document.extra);
  if (!extra_json) {
    return Status::invalid("document '" + document.key + "': " + extra_json.status().message());
  }
  const auto now = static_cast<int64_t>(std::time(nullptr));
  const auto text_bytes = static_cast<int64_t>(document.text.size());
  Statements& s = *statements_;
  int64_t document_id = 0;
  Status status = s.atomically(db_, [&]() -> Status {
    std::optional<int64_t> existing;
    {
      StatementReset reset(s.find_document_id);
      RAGD_RETURN_IF_ERROR(s.find_document_id.bind_all(collection_id, document.key));
      auto row = s.find_document_id.step();
      if (!row) return row.status();
      if (*row) existing = s.find_document_id.column_int64(0);
    }
    if (existing) {
      document_id = *existing;
      RAGD_RETURN_IF_ERROR(s.remove_chunks_logged(collection_id, document_id));
      StatementReset reset(s.update_document);
      RAGD_RETURN_IF_ERROR(s.update_document.bind_all(
          document_id, document.source_path, document.title, document.domain, *tags_json,
          document.date, *extra_json, document.content_hash, document.text, text_bytes, now));
      RAGD_RETURN_IF_ERROR(s.update_document.run());
    } else {
      {
        StatementReset reset(s.collection_exists);
        RAGD_RETURN_IF_ERROR(s.collection_exists.bind_all(collection_id));
        auto row = s.collection_exists.step();
        if (!row) return row.status();
        if (!*row) {
          return Status::not_found("cannot store document '" + document.key +
                                   "': no collection with id " + std::to_string(collection_id));
        }
      }
      StatementReset reset(s.insert_document);
      RAGD_RETURN_IF_ERROR(s.insert_document.bind_all(
          collection_id, document.key, document.source_path, document.title, document.domain,
          *tags_json, document.date, *extra_json, document.content_hash, document.text, text_bytes,
          now));
      RAGD_RETURN_IF_ERROR(s.insert_document.run());
      document_id = sqlite3_last_insert_rowid(db_);
    }
    for (const Chunk& chunk : chunks) {
      {
        StatementReset reset(s.insert_chunk);
        RAGD_RETURN_IF_ERROR(s.insert_chunk.bind_all(
            document_id, chunk.id, static_cast<int64_t>(chunk.ordinal),
            static_cast<int64_t>(chunk.begin), static_cast<int64_t>(chunk.end), chunk.section_path,
            chunk.text, static_cast<int64_t>(chunk.token_count)));
        RAGD_RETURN_IF_ERROR(s.insert_chunk.run());
      }
      const int64_t chunk_id = sqlite3_last_insert_rowid(db_);
      StatementReset reset(s.log_change);
      RAGD_RETURN_IF_ERROR(s.log_change.bind_all(collection_id, chunk_id, int64_t{1}));
      RAGD_RETURN_IF_ERROR(s.log_change.run());
    }
    return Status::ok();
  });
  if (!status) return status;
  return document_id;
}

Status Store::remove_document(int64_t document_id) {
  Statements& s = *statements_;
  return s.atomically(db_, [&]() -> Status {
    int64_t collection_id = 0;
    {
      StatementReset reset(s.document_collection);
      RAGD_RETURN_IF_ERROR(s.document_collection.bind_all(document_id));
      auto row = s.document_collection.step();
      if (!row) return row.status();
      if (!*row) return Status::not_found("no document with id " + std::to_string(document_id));
      collection_id = s.document_collection.column_int64(0);
    }
    RAGD_RETURN_IF_ERROR(s.remove_chunks_logged(collection_id, document_id));
    StatementReset reset(s.delete_document);
    RAGD_RETURN_IF_ERROR(s.delete_document.bind_all(document_id));
    return s.delete_document.run();
  });
}

Result<std::vector<DocumentInfo>> Store::list_documents(int64_t collection_id,
                                                        const std::string& prefix) {
  if (prefix.empty()) {
    Statement& list = statements_->list_all_documents;
    StatementReset reset(list);
    RAGD_RETURN_IF_ERROR(list.bind_all(collection_id));
    return all_documents(list);
  }
  Statement& list = statements_->list_documents_with_prefix;
  StatementReset reset(list);
  RAGD_RETURN_IF_ERROR(
      list.bind_all(collection_id, prefix, prefix + "/", prefix + "0", prefix + "#", prefix + "$"));
  return all_documents(list);
}

Result<std::vector<ChunkRecord>> Store::get_chunks(const std::vector<int64_t>& chunk_ids) {
  Statement& get = statements_->get_chunk;
  StatementReset reset(get);
  std::vector<ChunkRecord> chunks;
  chunks.reserve(chunk_ids.size());
  for (int64_t id : chunk_ids) {
    RAGD_RETURN_IF_ERROR(get.bind_all(id));
    auto row = get.step();
    if (!row) return row.status();
    if (*row) chunks.push_back(read_chunk(get));
  }
  return chunks;
}

Result<std::vector<std::pair<int64_t, std::string>>> Store::chunk_document_keys(
    int64_t collection_id) {
  auto list = Statement::prepare(
      db_, "SELECT c.id, d.key FROM chunks c JOIN documents d ON d.id = c.document_id "
           "WHERE d.collection_id = ?1 ORDER BY c.id");
  if (!list) return list.status();
  RAGD_RETURN_IF_ERROR(list->bind_all(collection_id));
  std::vector<std::pair<int64_t, std::string>> out;
  for (;;) {
    auto row = list->step();
    if (!row) return row.status();
    if (!*row) break;
    out.emplace_back(list->column_int64(0), list->column_text(1));
  }
  return out;
}

Result<std::vector<ChunkRecord>> Store::document_chunks(int64_t document_id) {
  Statement& list = statements_->document_chunks;
  StatementReset reset(list);
  RAGD_RETURN_IF_ERROR(list.bind_all(document_id));
  std::vector<ChunkRecord> chunks;
  for (;;) {
    auto row = list.step();
    if (!row) return row.status();
    if (!*row) return chunks;
    chunks.push_back(read_chunk(list));
  }
}

}  // namespace ragd
