#include "store/store_rows.h"

#include <exception>
#include <nlohmann/json.hpp>

namespace ragd {
namespace {

// nlohmann::json::dump throws on invalid UTF-8; the store refuses such input rather than
// silently replacing bytes, so a caller learns which document was bad.
Result<std::string> dump_json(const nlohmann::json& value, const char* what) {
  try {
    return value.dump();
  } catch (const std::exception& e) {
    return Status::invalid(std::string(what) + " is not valid UTF-8: " + e.what());
  }
}

}  // namespace

Result<std::string> encode_tags(const std::vector<std::string>& tags) {
  return dump_json(nlohmann::json(tags), "a tag");
}

Result<std::vector<std::string>> decode_tags(const std::string& json) {
  nlohmann::json value = nlohmann::json::parse(json, nullptr, /*allow_exceptions=*/false);
  if (!value.is_array()) {
    return Status::corruption("stored tags are not a JSON array: " + json.substr(0, 200));
  }
  std::vector<std::string> tags;
  tags.reserve(value.size());
  for (const auto& tag : value) {
    if (!tag.is_string()) {
      return Status::corruption("stored tags hold a non-string: " + json.substr(0, 200));
    }
    tags.push_back(tag.get<std::string>());
  }
  return tags;
}

Result<std::string> encode_extra(const std::map<std::string, std::string>& extra) {
  return dump_json(nlohmann::json(extra), "a metadata field");
}

CollectionInfo read_collection(const Statement& row) {
  CollectionInfo info;
  info.id = row.column_int64(0);
  info.name = row.column_text(1);
  info.description = row.column_text(2);
  info.settings_json = row.column_text(3);
  info.created_at = row.column_int64(4);
  info.document_count = row.column_int64(5);
  info.chunk_count = row.column_int64(6);
  return info;
}

Result<DocumentInfo> read_document(const Statement& row) {
  DocumentInfo info;
  info.id = row.column_int64(0);
  info.collection_id = row.column_int64(1);
  info.key = row.column_text(2);
  info.source_path = row.column_text(3);
  info.title = row.column_text(4);
  info.domain = row.column_text(5);
  auto tags = decode_tags(row.column_text(6));
  if (!tags) {
    return Status::corruption("document " + std::to_string(info.id) + ": " +
                              tags.status().message());
  }
  info.tags = std::move(*tags);
  info.date = row.column_optional_text(7);
  info.content_hash = row.column_text(8);
  info.ingested_at = row.column_int64(9);
  info.chunk_count = row.column_int64(10);
  info.text_bytes = row.column_int64(11);
  return info;
}

ChunkRecord read_chunk(const Statement& row) {
  ChunkRecord chunk;
  chunk.id = row.column_int64(0);
  chunk.document_id = row.column_int64(1);
  chunk.chunk_key = row.column_text(2);
  chunk.ordinal = static_cast<int>(row.column_int64(3));
  chunk.begin = row.column_int64(4);
  chunk.end = row.column_int64(5);
  chunk.section_path = row.column_text(6);
  chunk.text = row.column_text(7);
  chunk.token_count = row.column_int64(8);
  return chunk;
}

}  // namespace ragd
