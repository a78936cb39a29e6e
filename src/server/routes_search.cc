// POST /v1/search: ranked chunks with scores, highlights and the strategy that ran.
#include <chrono>

#include "server/api_error.h"
#include "server/api_exception.h"
#include "server/request_gate.h"
#include "server/routes.h"
#include "server/tenant_scope.h"
#include "server/search_support.h"

namespace ragd::server {

SearchFilter resolve_filter(CollectionReader& reader, const ParsedFilters& filters) {
  SearchFilter filter = filters.filter;
  if (filters.document_key) {
    auto document = reader.handle.store->find_document(reader.handle.collection.id, *filters.document_key);
    if (!document.is_ok()) throw ApiException(503, error_code::kUnavailable, "the store is not available");
    if (!document->has_value()) {
      throw ApiException(404, error_code::kNotFound,
                         "no document '" + filters.document_key->substr(0, 300) + "'");
    }
    filter.document_ids.push_back((*document)->id);
  }
  return filter;
}

CollectionReader& reader_for(Services& services, const Request& request, const std::string& collection) {
  auto reader = services.readers().get(scoped_collection(request.principal, collection));
  if (!reader.is_ok()) {
    if (reader.status().code() == ErrorCode::kNotFound) {
      throw ApiException(404, error_code::kNotFound, "no collection '" + collection + "'");
    }
    throw ApiException(503, error_code::kUnavailable, "the collection cannot be opened now");
  }
  return **reader;
}

nlohmann::json hit_json(const SearchHit& hit, size_t rank, const std::string& document_key) {
  nlohmann::json highlights = nlohmann::json::array();
  if (!hit.snippet.text.empty()) highlights.push_back(hit.snippet.text);
  return {{"rank", rank},
          {"chunk_id", hit.chunk_id},
          {"document", document_key},
          {"title", hit.title},
          {"section", hit.section_path},
          {"score", hit.score},
          {"text", hit.text},
          {"highlights", highlights},
          {"span", {{"begin", hit.begin}, {"end", hit.end}}}};
}

void add_search_routes(Router& router, Services& services) {
  using platform::Permission;
  router.add("POST", "/v1/search", secured(services, needs(Permission::kSearchExecuteBasic, RateClass::kSearch), [&services](Request& request, ResponseWriter& w) {
    auto start = std::chrono::steady_clock::now();
    nlohmann::json body = parse_json_body(request);
    reject_unknown_fields(body, {"query", "collection", "k", "mode", "filters"});
    SearchRequest search;
    search.query = required_string(body, "query", 10000);
    std::string collection = collection_or_default(optional_string(body, "collection", 64));
    search.k = static_cast<size_t>(optional_int(body, "k", 1, 100).value_or(10));
    if ((body.contains("mode") && body["mode"] != "auto") || body.contains("filters")) {
      require_permission(request, Permission::kSearchExecuteAdvanced);
    }
    std::string mode = optional_string(body, "mode", 16).value_or(services.config.mode);
    auto parsed_mode = parse_search_mode(mode);
    if (!parsed_mode.is_ok()) fail_field("mode", "must be one of auto, lexical, dense, hybrid");
    search.mode = *parsed_mode;
    ParsedFilters filters = parse_filters(body);
    CollectionReader& reader = reader_for(services, request, collection);
    search.filter = resolve_filter(reader, filters);
    auto response = reader.search(search);
    if (!response.is_ok()) {
      if (response.status().code() == ErrorCode::kInvalidArgument) {
        throw ApiException(422, error_code::kValidation, response.status().message());
      }
      throw ApiException(503, error_code::kUnavailable, "the search could not run");
    }
    double took = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
    services.metrics.retrieval_seconds.with({"search"}).observe(took / 1000);
    nlohmann::json results = nlohmann::json::array();
    for (size_t i = 0; i < response->hits.size(); ++i) results.push_back(hit_json(response->hits[i], i + 1, services.public_key(reader.handle.collection.name, response->hits[i].document_key)));
    w.respond(json_response({{"results", results},
                             {"strategy", response->strategy},
                             {"mode", response->mode},
                             {"took_ms", took},
                             {"query_terms", response->query_terms},
                             {"notes", response->notes}}));
  }));
}

}  // namespace ragd::server
