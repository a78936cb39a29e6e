// What search and chat share: reading a request's filters against the collection (a
// document key becomes its id), and the JSON of search hits.
// Thread-safety: functions of the calling worker's reader.
#pragma once

#include <nlohmann/json.hpp>

#include "retrieve/searcher.h"
#include "server/collection_readers.h"
#include "server/json_input.h"
#include "server/services.h"

namespace ragd::server {

// The filter with the `document` key resolved in `reader`'s store (404 when unknown).
SearchFilter resolve_filter(CollectionReader& reader, const ParsedFilters& filters);

// The reader of `collection` for this worker (404 when it does not exist, 503 otherwise).
CollectionReader& reader_for(Services& services, const Request& request, const std::string& collection);

nlohmann::json hit_json(const SearchHit& hit, size_t rank, const std::string& document_key);

}  // namespace ragd::server
