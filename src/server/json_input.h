// Reading JSON request bodies strictly: the content type must be application/json (415),
// the bytes valid UTF-8 (400 invalid_utf8) and valid JSON (400 invalid_json) holding an
// object (422); fields are read with their types and ranges checked (422 naming the field),
// and unknown fields are refused where the caller asks (422).
// Thread-safety: pure functions; they throw ApiException (api_exception.h).
#pragma once

#include <cstdint>
#include <initializer_list>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "index/lexical_index.h"
#include "server/http_message.h"

namespace ragd::server {

nlohmann::json parse_json_body(const Request& request);

// 422 when `body` has a field outside `allowed`.
void reject_unknown_fields(const nlohmann::json& body, std::initializer_list<const char*> allowed);

std::optional<std::string> optional_string(const nlohmann::json& body, const char* field,
                                           size_t max_bytes = 1 << 20);
std::string required_string(const nlohmann::json& body, const char* field,
                            size_t max_bytes = 1 << 20);
std::optional<int64_t> optional_int(const nlohmann::json& body, const char* field, int64_t min,
                                    int64_t max);
std::optional<double> optional_number(const nlohmann::json& body, const char* field, double min,
                                      double max);
std::optional<bool> optional_bool(const nlohmann::json& body, const char* field);
// A string or an array of strings.
std::vector<std::string> string_list(const nlohmann::json& body, const char* field,
                                     size_t max_items = 100);

// An integer query parameter in [min, max]; `fallback` when absent; 422 naming it otherwise.
int64_t query_int(const Request& request, const char* name, int64_t fallback, int64_t min,
                  int64_t max);

// A collection name: [A-Za-z0-9][A-Za-z0-9_.-]{0,63}, not "." or ".."-like; 422 otherwise.
std::string checked_collection_name(const std::string& name, const char* field = "collection");

// `filters` of search and chat: {domain, tags, date_from, date_to, document}. Resolving
// `document` (a key) to ids needs the store, so it is returned separately.
struct ParsedFilters {
  SearchFilter filter;
  std::optional<std::string> document_key;
  std::string canonical;  // a stable serialisation (cache keys)
};
ParsedFilters parse_filters(const nlohmann::json& body);

}  // namespace ragd::server
