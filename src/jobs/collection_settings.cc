#include "jobs/collection_settings.h"

#include <nlohmann/json.hpp>

namespace ragd {
namespace {

using Json = nlohmann::json;

// Reads `object[key]` into `out` when present; a wrong type names the key.
template <typename T>
Status read_key(const Json& object, const char* section, const char* key, T& out) {
  auto it = object.find(key);
  if (it == object.end()) return Status::ok();
  try {
    out = it->get<T>();
  } catch (const Json::exception&) {
    return Status::invalid(std::string("collection setting ") + section + "." + key +
                           " has the wrong type");
  }
  return Status::ok();
}

Status check_keys(const Json& object, const char* section, std::initializer_list<const char*> keys) {
  if (!object.is_object()) {
    return Status::invalid(std::string("collection setting ") + section + " must be an object");
  }
  for (const auto& [key, value] : object.items()) {
    bool known = false;
    for (const char* k : keys) known |= key == k;
    if (!known) {
      return Status::invalid(std::string("unknown collection setting ") + section + "." + key);
    }
  }
  return Status::ok();
}

nlohmann::ordered_json embedding_settings_to_json(const EmbeddingSettings& e) {
  return {{"provider", e.provider},         {"model_dir", e.model_dir},
          {"url", e.url},                   {"model", e.model},
          {"batch_size", e.batch_size},     {"max_length", e.max_length},
          {"query_prefix", e.query_prefix}, {"passage_prefix", e.passage_prefix},
          {"int8", e.int8},                 {"int8_queries", e.int8_queries}};
}

}  // namespace

Result<CollectionSettings> CollectionSettings::from_json(std::string_view text) {
  CollectionSettings settings;
  Json json = Json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (json.is_discarded() || !json.is_object()) {
    return Status::corruption("collection settings are not a JSON object");
  }
  RAGD_RETURN_IF_ERROR(check_keys(json, "settings", {"analyzer", "bm25", "chunker", "embedding"}));
  if (auto it = json.find("analyzer"); it != json.end()) {
    RAGD_RETURN_IF_ERROR(check_keys(*it, "analyzer", {"language", "stem", "remove_stopwords",
                                                       "fold_accents", "extra_stopwords"}));
    AnalyzerConfig& a = settings.analyzer;
    RAGD_RETURN_IF_ERROR(read_key(*it, "analyzer", "language", a.language));
    RAGD_RETURN_IF_ERROR(read_key(*it, "analyzer", "stem", a.stem));
    RAGD_RETURN_IF_ERROR(read_key(*it, "analyzer", "remove_stopwords", a.remove_stopwords));
    RAGD_RETURN_IF_ERROR(read_key(*it, "analyzer", "fold_accents", a.fold_accents));
    RAGD_RETURN_IF_ERROR(read_key(*it, "analyzer", "extra_stopwords", a.extra_stopwords));
  }
  if (auto it = json.find("bm25"); it != json.end()) {
    RAGD_RETURN_IF_ERROR(check_keys(*it, "bm25", {"k1", "b_body", "b_title", "title_weight"}));
    Bm25Params& p = settings.bm25;
    RAGD_RETURN_IF_ERROR(read_key(*it, "bm25", "k1", p.k1));
    RAGD_RETURN_IF_ERROR(read_key(*it, "bm25", "b_body", p.b_body));
    RAGD_RETURN_IF_ERROR(read_key(*it, "bm25", "b_title", p.b_title));
    RAGD_RETURN_IF_ERROR(read_key(*it, "bm25", "title_weight", p.title_weight));
  }
  if (auto it = json.find("chunker"); it != json.end()) {
    RAGD_RETURN_IF_ERROR(check_keys(*it, "chunker", {"target_tokens", "overlap_tokens"}));
    RAGD_RETURN_IF_ERROR(read_key(*it, "chunker", "target_tokens", settings.chunker.target_tokens));
    RAGD_RETURN_IF_ERROR(read_key(*it, "chunker", "overlap_tokens", settings.chunker.overlap_tokens));
  }
  if (auto it = json.find("embedding"); it != json.end()) {
    RAGD_RETURN_IF_ERROR(check_keys(*it, "embedding",
                                    {"provider", "model_dir", "url", "model", "batch_size",
                                     "max_length", "query_prefix", "passage_prefix", "int8",
                                     "int8_queries"}));
    EmbeddingSettings& e = settings.embedding;
    RAGD_RETURN_IF_ERROR(read_key(*it, "embedding", "provider", e.provider));
    RAGD_RETURN_IF_ERROR(read_key(*it, "embedding", "model_dir", e.model_dir));
    RAGD_RETURN_IF_ERROR(read_key(*it, "embedding", "url", e.url));
    RAGD_RETURN_IF_ERROR(read_key(*it, "embedding", "model", e.model));
    RAGD_RETURN_IF_ERROR(read_key(*it, "embedding", "batch_size", e.batch_size));
    RAGD_RETURN_IF_ERROR(read_key(*it, "embedding", "max_length", e.max_length));
    RAGD_RETURN_IF_ERROR(read_key(*it, "embedding", "query_prefix", e.query_prefix));
    RAGD_RETURN_IF_ERROR(read_key(*it, "embedding", "passage_prefix", e.passage_prefix));
    RAGD_RETURN_IF_ERROR(read_key(*it, "embedding", "int8", e.int8));
    RAGD_RETURN_IF_ERROR(read_key(*it, "embedding", "int8_queries", e.int8_queries));
  }
  RAGD_RETURN_IF_ERROR(settings.validate());
  return settings;
}

std::string CollectionSettings::to_json() const {
  nlohmann::ordered_json json;
  json["analyzer"] = {{"language", analyzer.language},
                      {"stem", analyzer.stem},
                      {"remove_stopwords", analyzer.remove_stopwords},
                      {"fold_accents", analyzer.fold_accents},
                      {"extra_stopwords", analyzer.extra_stopwords}};
  json["bm25"] = {{"k1", bm25.k1},
                  {"b_body", bm25.b_body},
                  {"b_title", bm25.b_title},
                  {"title_weight", bm25.title_weight}};
  json["chunker"] = {{"target_tokens", chunker.target_tokens},
                     {"overlap_tokens", chunker.overlap_tokens}};
  json["embedding"] = embedding_settings_to_json(embedding);
  return json.dump();
}

Status validate_embedding_settings(const EmbeddingSettings& e) {
  if (e.provider != "native" && e.provider != "http" && e.provider != "none") {
    return Status::invalid("collection setting embedding.provider must be native, http or none, "
                           "not '" + e.provider + "'");
  }
  if (e.provider == "http" && (e.url.empty() || e.model.empty())) {
    return Status::invalid("the http embedding provider needs a URL and a model name "
                           "(--embedding-url and --embedding-model)");
  }
  if (e.batch_size < 1 || e.batch_size > 4096) {
    return Status::invalid("collection setting embedding.batch_size must be in [1, 4096]");
  }
  if (e.max_length == 1 || e.max_length > 8192) {
    return Status::invalid("collection setting embedding.max_length must be 0 (the model's) or "
                           "in [2, 8192]");
  }
  return Status::ok();
}

Status CollectionSettings::validate() const {
  RAGD_RETURN_IF_ERROR(validate_embedding_settings(embedding));
  RAGD_RETURN_IF_ERROR(Analyzer::check_config(analyzer));
  RAGD_RETURN_IF_ERROR(chunker.validate());
  auto in = [](float v, float lo, float hi) { return v >= lo && v <= hi; };
  if (!in(bm25.k1, 0, 10) || !in(bm25.b_body, 0, 1) || !in(bm25.b_title, 0, 1) ||
      !in(bm25.title_weight, 0, 100)) {
    return Status::invalid("BM25 settings out of range: k1 in [0, 10], b in [0, 1], "
                           "title weight in [0, 100]");
  }
  return Status::ok();
}

}  // namespace ragd
