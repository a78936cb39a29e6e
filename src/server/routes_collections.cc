// Collections: create, list, get, update (description, domains), delete.
#include <filesystem>

#include "chat/collection_pipeline.h"
#include "common/file_io.h"
#include "chat/domain_config.h"
#include "jobs/collection_settings.h"
#include "server/api_error.h"
#include "server/api_exception.h"
#include "server/json_input.h"
#include "server/quota_support.h"
#include "server/request_gate.h"
#include "server/routes.h"
#include "server/tenant_scope.h"

namespace ragd::server {

namespace {

// The domains field as ragd's domains.json text (validated by the domain config parser).
std::string domains_json_of(const nlohmann::json& body) {
  const nlohmann::json& domains = body["domains"];
  if (!domains.is_array()) fail_field("domains", "must be an array of domain objects");
  if (domains.size() > 100) fail_field("domains", "has more than 100 domains");
  for (const auto& d : domains) {
    if (!d.is_object()) fail_field("domains", "must contain objects");
    reject_unknown_fields(d, {"name", "description", "keywords", "related"});
    required_string(d, "name", 200);
    optional_string(d, "description", 2000);
    string_list(d, "keywords", 500);
    string_list(d, "related", 100);
  }
  std::string text = nlohmann::json({{"domains", domains}}).dump();
  auto parsed = parse_domain_configs(text);
  if (!parsed.is_ok()) fail_field("domains", parsed.status().message());
  return serialize_domain_configs(*parsed);
}

// `c` is stored under its scoped name; clients see `public_name`.
nlohmann::json collection_json(Services& services, const CollectionInfo& c, Store& store,
                               const std::string& public_name) {
  auto settings = CollectionSettings::from_json(c.settings_json);
  nlohmann::json embedding_model = "none";
  nlohmann::json chunking = nlohmann::json::object();
  if (settings.is_ok()) {
    if (settings->embedding.enabled()) {
      embedding_model = settings->embedding.provider == "http" ? settings->embedding.model
                        : settings->embedding.model_dir.empty() ? std::string("default")
                                                                : settings->embedding.model_dir;
    }
    chunking = {{"max_tokens", settings->chunker.target_tokens},
                {"overlap_tokens", settings->chunker.overlap_tokens}};
  }
  nlohmann::json domains = nlohmann::json::array();
  auto stored = store.get_state(domains_state_key(c.id));
  if (stored.is_ok() && stored->has_value()) {
    auto parsed = nlohmann::json::parse(**stored, nullptr, false);
    if (parsed.is_object() && parsed.contains("domains")) domains = parsed["domains"];
    else if (parsed.is_array()) domains = parsed;
  }
  return {{"name", public_name},
          {"description", c.description},
          {"created_at", c.created_at},
          {"document_count", c.document_count},
          {"chunk_count", c.chunk_count},
          {"size_bytes", folder_bytes(services.data.collection_index_path(c.id))},
          {"embedding_model", embedding_model},
          {"chunking", chunking},
          {"domains", domains},
          {"version", services.catalog.version(c.name)}};
}

std::unique_ptr<Store> open_store(Services& services) {
  auto store = Store::open(services.data.store_path());
  if (!store.is_ok()) {
    throw ApiException(503, error_code::kUnavailable, "the store is not available");
  }
  return std::move(store).value();
}

nlohmann::json find_collection_json(Services& services, const Request& request,
                                    const std::string& name) {
  auto store = open_store(services);
  auto found = store->find_collection(scoped_collection(request.principal, name));
  if (!found.is_ok()) {
    if (found.status().code() == ErrorCode::kNotFound) {
      throw ApiException(404, error_code::kNotFound, "no collection '" + name + "'");
    }
    throw ApiException(503, error_code::kUnavailable, "the store is not available");
  }
  return collection_json(services, *found, *store, name);
}

// Store messages name the scoped collection; the client's own name replaces it.
void throw_status(const Status& status, const std::string& name) {
  switch (status.code()) {
    case ErrorCode::kNotFound: throw ApiException(404, error_code::kNotFound, "no collection '" + name + "'");
    case ErrorCode::kAlreadyExists:
      throw ApiException(409, error_code::kConflict, "a collection named '" + name + "' exists");
    case ErrorCode::kInvalidArgument: throw ApiException(422, error_code::kValidation, status.message());
    case ErrorCode::kBusy:
      throw ApiException(503, error_code::kUnavailable,
                         "another process is writing this data folder; retry in a moment");
    default: throw ApiException(500, error_code::kInternal, "the change could not be made");
  }
}

}  // namespace

void add_collection_routes(Router& router, Services& services) {
  using platform::Permission;
  router.add("POST", "/v1/collections", secured(services, needs(Permission::kOrganizationUpdate), [&services](Request& request, ResponseWriter& w) {
    nlohmann::json body = parse_json_body(request);
    reject_unknown_fields(body, {"name", "description", "domains", "embedding_model", "chunking"});
    NewCollection c;
    const std::string name = checked_collection_name(required_string(body, "name", 64), "name");
    c.name = scoped_collection(request.principal, name);
    c.description = optional_string(body, "description", 4000).value_or("");
    CollectionSettings settings;
    if (auto model = optional_string(body, "embedding_model", 4096)) {
      if (*model == "none") {
        settings.embedding.provider = "none";
      } else if (*model != "default" && *model != "all-MiniLM-L6-v2") {
        fail_field("embedding_model", "must be \"default\" (all-MiniLM-L6-v2) or \"none\"");
      }
    }
    if (body.contains("chunking") && !body["chunking"].is_null()) {
      const nlohmann::json& chunking = body["chunking"];
      if (!chunking.is_object()) fail_field("chunking", "must be an object");
      reject_unknown_fields(chunking, {"max_tokens", "overlap_tokens"});
      if (auto t = optional_int(chunking, "max_tokens", 16, 8192)) settings.chunker.target_tokens = *t;
      if (auto o = optional_int(chunking, "overlap_tokens", 0, 4096)) settings.chunker.overlap_tokens = *o;
      if (Status valid = settings.chunker.validate(); !valid.is_ok()) {
        fail_field("chunking", valid.message());
      }
    }
    if (body.contains("domains") && !body["domains"].is_null()) c.domains_json = domains_json_of(body);
    c.settings_json = settings.to_json();
    auto created = services.writer.create_collection(c);
    if (!created.is_ok()) throw_status(created.status(), name);
    audit_request(services, request, "collection.create", name, "success");
    w.respond(json_response(find_collection_json(services, request, name), 201));
  }));

  router.add("GET", "/v1/collections", secured(services, needs(Permission::kSearchExecuteBasic), [&services](Request& request, ResponseWriter& w) {
    auto store = open_store(services);
    auto collections = store->list_collections();
    if (!collections.is_ok()) throw ApiException(503, error_code::kUnavailable, "the store is not available");
    nlohmann::json data = nlohmann::json::array();
    for (const CollectionInfo& c : *collections) {
      if (auto name = visible_collection(request.principal, c.name)) {
        data.push_back(collection_json(services, c, *store, *name));
      }
    }
    w.respond(json_response({{"data", data}}));
  }));

  router.add("GET", "/v1/collections/{name}", secured(services, needs(Permission::kSearchExecuteBasic), [&services](Request& request, ResponseWriter& w) {
    std::string name = checked_collection_name(request.params["name"], "name");
    w.respond(json_response(find_collection_json(services, request, name)));
  }));

  router.add("PATCH", "/v1/collections/{name}", secured(services, needs(Permission::kOrganizationUpdate), [&services](Request& request, ResponseWriter& w) {
    std::string name = checked_collection_name(request.params["name"], "name");
    nlohmann::json body = parse_json_body(request);
    reject_unknown_fields(body, {"description", "domains"});
    std::optional<std::string> description = optional_string(body, "description", 4000);
    std::optional<std::string> domains;
    if (body.contains("domains") && !body["domains"].is_null()) domains = domains_json_of(body);
    Status status = services.writer.update_collection(scoped_collection(request.principal, name), description, domains);
    if (!status.is_ok()) throw_status(status, name);
    w.respond(json_response(find_collection_json(services, request, name)));
  }));

  router.add("DELETE", "/v1/collections/{name}", secured(services, needs(Permission::kOrganizationUpdate), [&services](Request& request, ResponseWriter& w) {
    std::string name = checked_collection_name(request.params["name"], "name");
    const std::string stored = scoped_collection(request.principal, name);
    const auto uploaded = static_cast<int64_t>(folder_bytes(services.upload_root(stored)));
    Status status = services.writer.delete_collection(stored);
    if (!status.is_ok()) throw_status(status, name);
    release_storage(services, request, uploaded);
    services.readers().forget(stored);
    audit_request(services, request, "collection.delete", name, "success");
    w.respond(no_content());
  }));
}

}  // namespace ragd::server
