// Documents and ingestion jobs: upload (multipart file or JSON text) -> a job; job status;
// list with filters and paging; get with chunks; delete.
//
// Uploads are spooled to disk by the server, split by the streaming multipart reader into
// files on disk, and kept as <data>/uploads/<collection>/[<domain>/]<name>: the ingestion of
// that folder gives the domain, and the document's key in the API is its path under the
// folder (<domain>/<name>), so uploading the same name again replaces the document.
// Documents ingested by the CLI keep their own keys.
#include <filesystem>
#include <fstream>

#include "common/dates.h"
#include "net/multipart_reader.h"
#include "server/api_error.h"
#include "server/api_exception.h"
#include "server/json_input.h"
#include "server/quota_support.h"
#include "server/request_gate.h"
#include "server/routes.h"
#include "server/tenant_scope.h"
#include "store/session_store.h"
#include "text/normalize.h"

namespace ragd::server {

namespace {

namespace fs = std::filesystem;

// Moves `from` to <upload root>/<key> atomically (through a ".part" name the ingestion skips).
void place_upload(const std::string& from, const std::string& root, const std::string& key) {
  std::error_code ec;
  fs::path target = fs::path(root) / key;
  fs::create_directories(target.parent_path(), ec);
  fs::path part = target;
  part += ".part";
  fs::rename(from, part, ec);
  if (ec) {
    fs::copy_file(from, part, fs::copy_options::overwrite_existing, ec);
    fs::remove(from);
  }
  if (!ec) fs::rename(part, target, ec);
  if (ec) throw ApiException(503, error_code::kUnavailable, "the upload could not be stored");
}

uint64_t file_size_or_zero(const fs::path& path) {
  std::error_code ec;
  uint64_t size = fs::file_size(path, ec);
  return ec ? 0 : size;
}

// place_upload under the organisation's storage quota: the new file's size is reserved
// first (429 QUOTA_EXCEEDED when it would pass the plan), then the net change is committed.
void place_metered_upload(Services& services, const Request& request, const std::string& from,
                          const std::string& root, const std::string& key) {
  const int64_t incoming = static_cast<int64_t>(file_size_or_zero(from));
  const int64_t replaced = static_cast<int64_t>(file_size_or_zero(fs::path(root) / key));
  QuotaGrant grant = reserve_quota(services, request, platform::Meter::kStorageBytes, incoming);
  place_upload(from, root, key);
  if (grant.reservation.active()) grant.reservation.commit(incoming - replaced);
  record_usage(services, request, {{platform::Meter::kStorageBytes, incoming - replaced}});
}

std::string new_stage(const Services& services) {
  auto id = make_public_id("stage_");
  if (!id.is_ok()) throw ApiException(503, error_code::kUnavailable, "the upload could not be staged");
  std::string dir = services.data.spool_path() + "/" + *id;
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec) throw ApiException(503, error_code::kUnavailable, "the upload could not be staged");
  return dir;
}

std::string checked_domain(const std::optional<std::string>& domain) {
  if (!domain || domain->empty()) return "";
  auto safe = safe_upload_name(*domain);
  if (!safe || *safe != *domain || domain->size() > 100) {
    fail_field("domain", "a domain is one path segment (no '/', '\\', '..' or control characters)");
  }
  return *domain;
}

// YAML front matter value, double-quoted.
std::string yaml_quoted(const std::string& text) {
  std::string out = "\"";
  for (char c : text) {
    if (c == '"' || c == '\\') out += '\\';
    if (c == '\n' || c == '\r') {
      out += ' ';
      continue;
    }
    out += c;
  }
  return out + "\"";
}

std::string slug_of(const std::string& title) {
  std::string slug;
  for (unsigned char c : title) {
    if (std::isalnum(c)) slug += static_cast<char>(std::tolower(c));
    else if (!slug.empty() && slug.back() != '-') slug += '-';
    if (slug.size() >= 80) break;
  }
  while (!slug.empty() && slug.back() == '-') slug.pop_back();
  return slug.empty() ? "document" : slug;
}

bool is_markdown(const std::string& name) {
  auto ends = [&](const std::string& e) {
    return name.size() > e.size() && name.compare(name.size() - e.size(), e.size(), e) == 0;
  };
  return ends(".md") || ends(".markdown");
}

std::string front_matter(const std::optional<std::string>& title,
                         const std::vector<std::string>& tags, const std::optional<std::string>& date) {
  std::string out = "---\n";
  if (title) out += "title: " + yaml_quoted(*title) + "\n";
  if (!tags.empty()) {
    out += "tags: [";
    for (size_t i = 0; i < tags.size(); ++i) out += (i ? ", " : "") + yaml_quoted(tags[i]);
    out += "]\n";
  }
  if (date) out += "date: " + *date + "\n";
  return out + "---\n";
}

bool has_text_extension(const std::string& name) {
  auto ends = [&](const char* ext) {
    std::string e(ext);
    return name.size() > e.size() && name.compare(name.size() - e.size(), e.size(), e) == 0;
  };
  return ends(".md") || ends(".markdown") || ends(".txt");
}

// `key` is the key clients use (Services::public_key).
nlohmann::json document_json(const DocumentInfo& d, const std::string& key) {
  return {{"key", key},
          {"title", d.title},
          {"domain", d.domain},
          {"tags", d.tags},
          {"date", d.date ? nlohmann::json(*d.date) : nlohmann::json(nullptr)},
          {"source", fs::path(d.source_path).filename().string()},
          {"ingested_at", d.ingested_at},
          {"chunk_count", d.chunk_count},
          {"text_bytes", d.text_bytes}};
}


struct OpenCollection {
  std::unique_ptr<Store> store;
  CollectionInfo collection;
};

OpenCollection open_collection_store(Services& services, const std::string& name,
                                     const std::string& public_name) {
  auto store = Store::open(services.data.store_path());
  if (!store.is_ok()) throw ApiException(503, error_code::kUnavailable, "the store is not available");
  auto found = (*store)->find_collection(name);
  if (!found.is_ok()) {
    if (found.status().code() == ErrorCode::kNotFound) {
      throw ApiException(404, error_code::kNotFound, "no collection '" + public_name + "'");
    }
    throw ApiException(503, error_code::kUnavailable, "the store is not available");
  }
  return {std::move(store).value(), *found};
}

// The job as its owner sees it (the collection by its public name).
nlohmann::json public_job_json(const JobInfo& job, const std::string& public_collection) {
  nlohmann::json body = job_to_json(job);
  body["collection"] = public_collection;
  return body;
}

Response accepted(const JobInfo& job, const std::string& public_collection) {
  Response response = json_response({{"job", public_job_json(job, public_collection)}}, 202);
  response.headers.emplace_back("Location", "/v1/jobs/" + job.id);
  return response;
}

void upload_multipart(Services& services, Request& request, ResponseWriter& w,
                      const std::string& collection, const std::string& public_name) {
  std::string stage = new_stage(services);
  struct StageGuard {
    std::string dir;
    bool keep = false;
    ~StageGuard() {
      std::error_code ec;
      if (!keep) fs::remove_all(dir, ec);
    }
  } guard{stage};
  MultipartLimits limits;
  limits.max_file_bytes = services.config.max_upload_bytes;
  auto parts = read_multipart_file(request.body_file, request.header("content-type"),
                                   stage + "/.parts", limits);
  if (!parts.is_ok()) {
    if (parts.status().code() == ErrorCode::kTooLarge) {
      throw ApiException(413, error_code::kTooLarge, parts.status().message());
    }
    throw ApiException(400, error_code::kBadRequest,
                       "the multipart body is malformed: " + parts.status().message());
  }
  const MultipartPart* file = nullptr;
  std::optional<std::string> domain;
  std::optional<std::string> title;
  std::optional<std::string> tags;
  std::optional<std::string> date;
  for (const MultipartPart& part : *parts) {
    if (part.name == "file" && !part.file_path.empty()) {
      if (file != nullptr) fail_field("file", "send one file per upload");
      file = &part;
    } else if (part.name == "domain") {
      domain = part.value;
    } else if (part.name == "title") {
      title = part.value;
    } else if (part.name == "tags") {
      tags = part.value;
    } else if (part.name == "date") {
      date = part.value;
    } else {
      fail_field(part.name.substr(0, 100), "is not a known upload field (file, domain, title, tags, date)");
    }
  }
  if (file == nullptr) fail_field("file", "is required (a file part named \"file\")");
  auto name = safe_upload_name(file->filename);
  if (!name) fail_field("file", "the file name is not acceptable as a document name");
  std::string domain_dir = checked_domain(domain);
  std::string key = domain_dir.empty() ? *name : domain_dir + "/" + *name;
  std::string root = services.upload_root(collection);
  std::string source = file->file_path;
  if (title || tags || date) {
    if (!is_markdown(*name)) {
      fail_field("title", "title, tags and date apply to Markdown uploads (.md); other formats "
                          "carry their own metadata");
    }
    std::vector<std::string> tag_list;
    if (tags) {
      std::string item;
      for (char c : *tags + ",") {
        if (c == ',') {
          size_t b = item.find_first_not_of(' ');
          size_t e = item.find_last_not_of(' ');
          if (b != std::string::npos) tag_list.push_back(item.substr(b, e - b + 1));
          item.clear();
        } else {
          item += c;
        }
      }
    }
    if (date && !parse_iso_date(*date)) fail_field("date", "must be a date as YYYY-MM-DD");
    source = stage + "/with-metadata";
    std::ofstream out(source, std::ios::binary);
    out << front_matter(title, tag_list, date);
    std::ifstream in(file->file_path, std::ios::binary);
    out << in.rdbuf();
    out.close();
    if (!out) throw ApiException(503, error_code::kUnavailable, "the upload could not be stored");
  }
  place_metered_upload(services, request, source, root, key);
  JobInfo job = services.writer.submit_ingest(collection, key, root);
  audit_request(services, request, "document.upload", public_name + "/" + key, "success");
  w.respond(accepted(job, public_name));
}

void upload_json(Services& services, Request& request, ResponseWriter& w,
                 const std::string& collection, const std::string& public_name) {
  nlohmann::json body = parse_json_body(request);
  reject_unknown_fields(body, {"id", "title", "text", "domain", "tags", "date", "collection"});
  std::string text = required_string(body, "text", services.config.max_body_bytes);
  std::optional<std::string> title = optional_string(body, "title", 1000);
  std::optional<std::string> id = optional_string(body, "id", 255);
  std::vector<std::string> tags = string_list(body, "tags", 100);
  std::optional<std::string> date = optional_string(body, "date", 32);
  if (date && !parse_iso_date(*date)) fail_field("date", "must be a date as YYYY-MM-DD");
  std::string domain_dir = checked_domain(optional_string(body, "domain", 100));
  std::string name;
  if (id) {
    auto safe = safe_upload_name(*id);
    if (!safe || *safe != *id) fail_field("id", "a document id is one path segment (no '/', '\\' or '..')");
    name = has_text_extension(*id) ? *id : *id + ".md";
  } else {
    name = slug_of(title.value_or(text.substr(0, 80))) + ".md";
  }
  std::string stage = new_stage(services);
  struct StageGuard {
    std::string dir;
    ~StageGuard() {
      std::error_code ec;
      fs::remove_all(dir, ec);
    }
  } guard{stage};
  std::string staged_file = stage + "/document";
  std::ofstream out(staged_file, std::ios::binary);
  if (is_markdown(name)) out << front_matter(title, tags, date);
  out << text;
  out.close();
  if (!out) throw ApiException(503, error_code::kUnavailable, "the document could not be staged");
  std::string key = domain_dir.empty() ? name : domain_dir + "/" + name;
  std::string root = services.upload_root(collection);
  place_metered_upload(services, request, staged_file, root, key);
  JobInfo job = services.writer.submit_ingest(collection, key, root);
  audit_request(services, request, "document.upload", public_name + "/" + key, "success");
  w.respond(accepted(job, public_name));
}

}  // namespace

void add_document_routes(Router& router, Services& services) {
  using platform::Permission;
  router.add("POST", "/v1/collections/{name}/documents",
             secured(services, needs(Permission::kOrganizationUpdate), [&services](Request& request, ResponseWriter& w) {
               const std::string public_name = checked_collection_name(request.params["name"], "name");
               const std::string collection = scoped_collection(request.principal, public_name);
               std::string type = request.header("content-type");
               if (type.rfind("multipart/form-data", 0) == 0) {
                 upload_multipart(services, request, w, collection, public_name);
                 return;
               }
               // A JSON body was spooled to disk too (the route takes large files): read it
               // back within the JSON limit.
               if (request.body_bytes > services.config.max_body_bytes) {
                 throw ApiException(413, error_code::kTooLarge,
                                    "a JSON document body is limited to " +
                                        std::to_string(services.config.max_body_bytes) +
                                        " bytes; upload large files as multipart/form-data");
               }
               std::ifstream in(request.body_file, std::ios::binary);
               request.body.assign(std::istreambuf_iterator<char>(in), {});
               upload_json(services, request, w, collection, public_name);
             }),
             BodyMode::kSpooled);

  router.add("GET", "/v1/jobs/{id}", secured(services, needs(Permission::kSearchExecuteBasic), [&services](Request& request, ResponseWriter& w) {
    auto job = services.writer.job(request.params["id"]);
    std::optional<std::string> collection;
    if (job) collection = visible_collection(request.principal, job->collection);
    if (!collection) throw ApiException(404, error_code::kNotFound, "no job '" + request.params["id"].substr(0, 100) + "'");
    w.respond(json_response(public_job_json(*job, *collection)));
  }));

  router.add("GET", "/v1/collections/{name}/documents",
             secured(services, needs(Permission::kSearchExecuteBasic), [&services](Request& request, ResponseWriter& w) {
               const std::string public_name = checked_collection_name(request.params["name"], "name");
               const std::string name = scoped_collection(request.principal, public_name);
               int64_t limit = query_int(request, "limit", 50, 1, 1000);
               int64_t offset = query_int(request, "offset", 0, 0, INT64_MAX / 2);
               const std::string* prefix = request.query_param("prefix");
               const std::string* domain = request.query_param("domain");
               const std::string* tag = request.query_param("tag");
               OpenCollection c = open_collection_store(services, name, public_name);
               auto documents = c.store->list_documents(c.collection.id, "");
               if (!documents.is_ok()) throw ApiException(503, error_code::kUnavailable, "the store is not available");
               std::vector<const DocumentInfo*> matching;
               for (const DocumentInfo& d : *documents) {
                 if (prefix && services.public_key(name, d.key).rfind(*prefix, 0) != 0) continue;
                 if (domain && d.domain != *domain) continue;
                 if (tag && std::find(d.tags.begin(), d.tags.end(), *tag) == d.tags.end()) continue;
                 matching.push_back(&d);
               }
               nlohmann::json data = nlohmann::json::array();
               for (size_t i = static_cast<size_t>(offset);
                    i < matching.size() && data.size() < static_cast<size_t>(limit); ++i) {
                 data.push_back(document_json(*matching[i], services.public_key(name, matching[i]->key)));
               }
               size_t next = static_cast<size_t>(offset) + data.size();
               w.respond(json_response({{"data", data},
                                        {"total", matching.size()},
                                        {"next_offset", next < matching.size() ? nlohmann::json(next)
                                                                               : nlohmann::json(nullptr)}}));
             }));

  router.add("GET", "/v1/collections/{name}/documents/{key}",
             secured(services, needs(Permission::kSearchExecuteBasic), [&services](Request& request, ResponseWriter& w) {
               const std::string public_name = checked_collection_name(request.params["name"], "name");
               const std::string name = scoped_collection(request.principal, public_name);
               const std::string& key = request.params["key"];
               OpenCollection c = open_collection_store(services, name, public_name);
               std::string root = services.upload_root(name);
               auto document = c.store->find_document(c.collection.id, root + "/" + key);
               if (document.is_ok() && !document->has_value()) {
                 document = c.store->find_document(c.collection.id, key);
               }
               if (!document.is_ok()) throw ApiException(503, error_code::kUnavailable, "the store is not available");
               if (!document->has_value()) {
                 throw ApiException(404, error_code::kNotFound, "no document '" + key.substr(0, 300) + "'");
               }
               nlohmann::json body = document_json(**document, services.public_key(name, (*document)->key));
               auto chunks = c.store->document_chunks((*document)->id);
               nlohmann::json list = nlohmann::json::array();
               if (chunks.is_ok()) {
                 for (const ChunkRecord& chunk : *chunks) {
                   list.push_back({{"id", chunk.id},
                                   {"ordinal", chunk.ordinal},
                                   {"section", chunk.section_path},
                                   {"begin", chunk.begin},
                                   {"end", chunk.end},
                                   {"text", chunk.text}});
                 }
               }
               body["chunks"] = list;
               w.respond(json_response(body));
             }));

  router.add("DELETE", "/v1/collections/{name}/documents/{key}",
             secured(services, needs(Permission::kOrganizationUpdate), [&services](Request& request, ResponseWriter& w) {
               const std::string public_name = checked_collection_name(request.params["name"], "name");
               const std::string name = scoped_collection(request.principal, public_name);
               const std::string& key = request.params["key"];
               std::string root = services.upload_root(name);
               Status status = services.writer.delete_document(name, root + "/" + key);
               if (status.code() == ErrorCode::kNotFound) {
                 status = services.writer.delete_document(name, key);
               } else if (status.is_ok()) {
                 const int64_t freed = static_cast<int64_t>(file_size_or_zero(fs::path(root) / key));
                 std::error_code ec;
                 if (fs::remove(fs::path(root) / key, ec)) release_storage(services, request, freed);
               }
               if (!status.is_ok()) {
                 if (status.code() == ErrorCode::kNotFound) {
                   throw ApiException(404, error_code::kNotFound, "no document '" + key.substr(0, 300) + "'");
                 }
                 throw ApiException(503, error_code::kUnavailable, "the document could not be deleted");
               }
               audit_request(services, request, "document.delete", public_name + "/" + key, "success");
               w.respond(no_content());
             }));
}

}  // namespace ragd::server
