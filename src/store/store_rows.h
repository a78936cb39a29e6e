// Conversions between store rows and the structs of store.h: readers for the column lists
// of store_statements.cc, and the JSON encodings of tags and extra metadata. Stateless;
// thread-safe.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "common/status.h"
#include "sqlite/statement.h"
#include "store/store.h"

namespace ragd {

// Tags as a JSON array of strings; kInvalidArgument when a tag is not valid UTF-8.
Result<std::string> encode_tags(const std::vector<std::string>& tags);
// kCorruption when `json` is not an array of strings.
Result<std::vector<std::string>> decode_tags(const std::string& json);
// Extra metadata as a JSON object of strings; kInvalidArgument on invalid UTF-8.
Result<std::string> encode_extra(const std::map<std::string, std::string>& extra);

// The current row of a statement selecting the matching column list.
CollectionInfo read_collection(const Statement& row);
Result<DocumentInfo> read_document(const Statement& row);
ChunkRecord read_chunk(const Statement& row);

}  // namespace ragd
