// Store: the chunk change log and the payloads indexes build from it.
#include <algorithm>
#include <limits>
#include <string>

#include "sqlite/statement.h"
#include "store/store.h"
#include "store/store_rows.h"
#include "store/store_statements.h"

namespace ragd {

Result<std::vector<ChunkChange>> Store::changes_since(int64_t collection_id, int64_t after_seq,
                                                      size_t limit) {
  constexpr auto kMaxLimit = static_cast<size_t>(std::numeric_limits<int64_t>::max());
  Statement& list = statements_->changes_since;
  StatementReset reset(list);
  RAGD_RETURN_IF_ERROR(
      list.bind_all(collection_id, after_seq, static_cast<int64_t>(std::min(limit, kMaxLimit))));
  std::vector<ChunkChange> changes;
  for (;;) {
    auto row = list.step();
    if (!row) return row.status();
    if (!*row) return changes;
    ChunkChange change;
    change.seq = list.column_int64(0);
    change.chunk_id = list.column_int64(1);
    change.added = list.column_int64(2) != 0;
    changes.push_back(change);
  }
}

int64_t Store::last_change_seq() {
  Statement& last = statements_->last_change_seq;
  StatementReset reset(last);
  last.reset();
  auto row = last.step();
  if (!row || !*row) return -1;
  return last.column_int64(0);
}

Result<std::vector<ChunkForIndex>> Store::chunks_for_index(const std::vector<int64_t>& chunk_ids) {
  Statement& get = statements_->chunk_for_index;
  StatementReset reset(get);
  std::vector<ChunkForIndex> chunks;
  chunks.reserve(chunk_ids.size());
  // Chunks of one document usually come together; decode its tags once.
  int64_t tags_document = 0;
  std::vector<std::string> tags;
  for (int64_t id : chunk_ids) {
    RAGD_RETURN_IF_ERROR(get.bind_all(id));
    auto row = get.step();
    if (!row) return row.status();
    if (!*row) continue;
    ChunkForIndex chunk;
    chunk.chunk_id = get.column_int64(0);
    chunk.document_id = get.column_int64(1);
    chunk.title = get.column_text(2);
    chunk.section_path = get.column_text(3);
    chunk.text = get.column_text(4);
    chunk.domain = get.column_text(5);
    if (chunk.document_id != tags_document) {
      auto decoded = decode_tags(get.column_text(6));
      if (!decoded) {
        return Status::corruption("document " + std::to_string(chunk.document_id) + ": " +
                                  decoded.status().message());
      }
      tags = std::move(*decoded);
      tags_document = chunk.document_id;
    }
    chunk.tags = tags;
    chunk.date = get.column_optional_text(7);
    chunks.push_back(std::move(chunk));
  }
  return chunks;
}

}  // namespace ragd
