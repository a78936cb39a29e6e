// HttpEmbeddingProvider: an EmbeddingProvider backed by any OpenAI-compatible embeddings
// endpoint (POST {base}/v1/embeddings: Ollama, TEI, vLLM, OpenAI, ...).
//
// Texts are sent in batches of batch_size ({"model", "input": [...], "encoding_format":
// "float"}); rows are put back in input order by each item's `index`. A failed batch is
// retried (timeouts, connection errors, 429 honouring Retry-After, 5xx) with the backoff
// of net/backoff.h. The dimension is learnt from the first response (or fixed by the
// options) and every later vector must have it. Vectors are L2-normalised here when the
// server did not (an all-zero vector stays zero). Invalid UTF-8 in texts is replaced with
// U+FFFD and empty texts are sent as " ", which some servers otherwise refuse.
// model_id() is "http:<base-url>#<model>".
//
// Thread-safety: embed() may be called from many threads at once.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

#include "common/status.h"
#include "embed/embedding_provider.h"
#include "net/backoff.h"
#include "net/http_client.h"

namespace ragd {

struct HttpEmbeddingOptions {
  std::string base_url;  // "http://host:port" or a URL ending in /v1
  std::string model;
  std::string api_key;  // "Authorization: Bearer ..." when non-empty
  size_t batch_size = 64;
  size_t dimension = 0;        // expected dimension; 0: learnt from the first response
  std::string query_prefix;    // prepended to kQuery texts (e5: "query: ")
  std::string passage_prefix;  // prepended to kPassage texts (e5: "passage: ")
  BackoffPolicy retry;
  std::chrono::milliseconds connect_timeout{5'000};
  std::chrono::milliseconds response_timeout{60'000};  // until the response head
  std::chrono::milliseconds total_timeout{120'000};    // per batch attempt
  uint64_t max_response_bytes = 256u << 20;
  bool verify_tls = true;
  std::string ca_file;
  Sleeper* sleeper = nullptr;  // null: real sleeping; must outlive the provider
  UnitRandom random;           // empty: the default source
};

class HttpEmbeddingProvider final : public EmbeddingProvider {
 public:
  explicit HttpEmbeddingProvider(HttpEmbeddingOptions options);

  Result<std::vector<float>> embed(const std::vector<std::string_view>& texts,
                                   EmbedPurpose purpose = EmbedPurpose::kPassage) override;
  // 0 until the first successful response when the options did not fix it.
  size_t dimension() const override { return dimension_.load(); }
  const std::string& model_id() const override { return model_id_; }
  bool normalized() const override { return true; }

  // Embeds one short text to learn the dimension; returns it.
  Result<size_t> probe();
  const std::string& endpoint() const { return endpoint_; }

 private:
  // One batch, with retries; appends batch.size() rows to `out`.
  Status embed_batch(const std::vector<std::string>& batch, std::vector<float>& out);
  // One HTTP attempt. `retryable` says whether a failure is worth another try.
  Status attempt(const std::string& body, size_t count, std::vector<float>& rows, bool& retryable,
                 std::optional<std::chrono::milliseconds>& retry_after);

  HttpEmbeddingOptions options_;
  std::string endpoint_;
  std::string model_id_;
  HttpClient http_;
  Sleeper* sleeper_;
  UnitRandom random_;
  std::atomic<size_t> dimension_{0};
};

}  // namespace ragd
