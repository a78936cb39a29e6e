#include "jobs/embedding_factory.h"

#include <cstdlib>

#include "embed/http_embedding_provider.h"
#include "embed/model_locator.h"
#include "embed/sentence_encoder.h"

namespace ragd {

std::string no_default_model_note() {
  std::string looked;
  for (const std::string& candidate : default_model_candidates()) {
    looked += (looked.empty() ? "" : ", ") + candidate;
  }
  return "no embedding model found (looked in " + (looked.empty() ? std::string("-") : looked) +
         "); dense search is off, lexical only. Install one (make model) or set "
         "$RAGD_MODEL_DIR, then run `ragd reindex`";
}

Result<EmbeddingSetup> make_embedding_provider(const EmbeddingSettings& settings,
                                               size_t threads) {
  EmbeddingSetup setup;
  RAGD_RETURN_IF_ERROR(validate_embedding_settings(settings));
  if (settings.provider == "none") return setup;
  if (settings.provider == "http") {
    HttpEmbeddingOptions options;
    options.base_url = settings.url;
    options.model = settings.model;
    options.batch_size = settings.batch_size;
    options.query_prefix = settings.query_prefix;
    options.passage_prefix = settings.passage_prefix;
    // The key is a secret: it comes from the environment, never from the stored settings.
    if (const char* key = std::getenv("RAGD_EMBEDDING_API_KEY"); key != nullptr) {
      options.api_key = key;
    }
    auto provider = std::make_unique<HttpEmbeddingProvider>(std::move(options));
    auto dimension = provider->probe();  // the vector index needs the dimension up front
    if (!dimension.is_ok()) {
      return Status::error(dimension.status().code(),
                           "the embedding server " + settings.url + " (model '" + settings.model +
                               "') did not answer: " + dimension.status().message());
    }
    setup.provider = std::move(provider);
    return setup;
  }
  EncoderOptions options;
  options.model_dir = settings.model_dir;
  if (options.model_dir.empty()) {
    auto located = locate_default_model();
    if (!located) {
      setup.note = no_default_model_note();
      return setup;
    }
    options.model_dir = *located;
  }
  options.max_length = settings.max_length;
  options.threads = threads;
  options.batch_size = settings.batch_size;
  options.query_prefix = settings.query_prefix;
  options.passage_prefix = settings.passage_prefix;
  options.int8 = settings.int8;
  options.int8_queries = settings.int8_queries;
  auto encoder = SentenceEncoder::load(options);
  if (!encoder.is_ok()) {
    return Status::error(encoder.status().code(),
                         "cannot load the embedding model in '" + options.model_dir +
                             "': " + encoder.status().message());
  }
  setup.provider = std::move(encoder).value();
  return setup;
}

}  // namespace ragd
