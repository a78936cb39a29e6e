#include "embed/http_embedding_provider.h"

#include <algorithm>
#include <cmath>
#include <nlohmann/json.hpp>

#include "net/retry_after.h"
#include "text/normalize.h"

namespace ragd {

using nlohmann::json;

namespace {

std::string trim_slashes(std::string base) {
  while (!base.empty() && base.back() == '/') base.pop_back();
  return base;
}

std::string make_endpoint(const std::string& base) {
  if (base.size() >= 3 && base.compare(base.size() - 3, 3, "/v1") == 0) {
    return base + "/embeddings";
  }
  return base + "/v1/embeddings";
}

std::string error_excerpt(const std::string& body) {
  json parsed = json::parse(body, nullptr, false);
  if (parsed.is_object()) {
    auto error = parsed.find("error");
    if (error != parsed.end()) {
      if (error->is_string()) return error->get<std::string>();
      if (error->is_object() && error->contains("message") && (*error)["message"].is_string()) {
        return (*error)["message"].get<std::string>();
      }
    }
  }
  return repair_utf8(std::string_view(body).substr(0, 200));
}

}  // namespace

HttpEmbeddingProvider::HttpEmbeddingProvider(HttpEmbeddingOptions options)
    : options_(std::move(options)),
      endpoint_(make_endpoint(trim_slashes(options_.base_url))),
      model_id_("http:" + trim_slashes(options_.base_url) + "#" + options_.model),
      http_(HttpClientOptions{.verify_tls = options_.verify_tls, .ca_file = options_.ca_file}),
      sleeper_(options_.sleeper != nullptr ? options_.sleeper : &RealSleeper::instance()),
      random_(options_.random ? options_.random : default_unit_random()),
      dimension_(options_.dimension) {
  if (options_.batch_size == 0) options_.batch_size = 1;
}

Result<size_t> HttpEmbeddingProvider::probe() {
  Result<std::vector<float>> vector = embed({"dimension probe"}, EmbedPurpose::kQuery);
  if (!vector) return vector.status();
  return dimension();
}

Result<std::vector<float>> HttpEmbeddingProvider::embed(const std::vector<std::string_view>& texts,
                                                        EmbedPurpose purpose) {
  std::vector<float> out;
  if (texts.empty()) return out;
  const std::string& prefix =
      purpose == EmbedPurpose::kQuery ? options_.query_prefix : options_.passage_prefix;
  std::vector<std::string> batch;
  for (size_t begin = 0; begin < texts.size(); begin += options_.batch_size) {
    const size_t end = std::min(texts.size(), begin + options_.batch_size);
    batch.clear();
    for (size_t i = begin; i < end; ++i) {
      std::string text = prefix + repair_utf8(texts[i]);
      batch.push_back(text.empty() ? " " : std::move(text));
    }
    RAGD_RETURN_IF_ERROR(embed_batch(batch, out));
  }
  return out;
}

Status HttpEmbeddingProvider::embed_batch(const std::vector<std::string>& batch,
                                          std::vector<float>& out) {
  json request;
  request["model"] = options_.model;
  request["input"] = batch;
  request["encoding_format"] = "float";
  const std::string body = request.dump(-1, ' ', false, json::error_handler_t::replace);
  const int max_attempts = std::max(1, options_.retry.max_attempts);
  for (int n = 1;; ++n) {
    std::vector<float> rows;
    bool retryable = false;
    std::optional<std::chrono::milliseconds> retry_after;
    Status status = attempt(body, batch.size(), rows, retryable, retry_after);
    if (status.is_ok()) {
      out.insert(out.end(), rows.begin(), rows.end());
      return status;
    }
    if (!retryable || n >= max_attempts) {
      if (n > 1) {
        return Status::error(status.code(),
                             status.message() + " (after " + std::to_string(n) + " attempts)");
      }
      return status;
    }
    sleeper_->sleep_for(backoff_delay(options_.retry, n, random_(), retry_after), nullptr);
  }
}

Status HttpEmbeddingProvider::attempt(const std::string& body, size_t count,
                                      std::vector<float>& rows, bool& retryable,
                                      std::optional<std::chrono::milliseconds>& retry_after) {
  HttpRequest request{
      .method = "POST",
      .url = endpoint_,
      .headers = {{"Content-Type", "application/json"}, {"Accept", "application/json"}},
      .body = body};
  if (!options_.api_key.empty()) {
    request.headers.push_back({"Authorization", "Bearer " + options_.api_key});
  }
  HttpCallOptions call;
  call.connect_timeout = options_.connect_timeout;
  call.first_byte_timeout = options_.response_timeout;
  call.total_timeout = options_.total_timeout;
  call.max_response_bytes = options_.max_response_bytes;
  HttpResult result = http_.fetch(request, call);
  const std::string where = "embedding server " + endpoint_;
  if (!result.ok()) {
    const NetError& error = result.error();
    retryable = error.is_timeout() || error.kind == NetErrorKind::kConnect ||
                error.kind == NetErrorKind::kConnectionLost || error.kind == NetErrorKind::kDns;
    return Status::error(error.to_status().code(), where + ": " + error.message);
  }
  const HttpResponse& response = result.value();
  if (response.status != 200) {
    retryable = response.status == 429 || (response.status >= 500 && response.status <= 599);
    if (response.status == 429) {
      if (auto header = response.header("Retry-After")) {
        retry_after = parse_retry_after(*header, std::chrono::system_clock::now());
      }
    }
    return Status::error(response.status == 429 ? ErrorCode::kBusy : ErrorCode::kIo,
                         where + " answered HTTP " + std::to_string(response.status) + ": " +
                             error_excerpt(response.body));
  }
  json parsed = json::parse(response.body, nullptr, false);
  auto malformed = [&](const std::string& why) {
    return Status::io(where + " sent a malformed answer: " + why);
  };
  if (parsed.is_discarded() || !parsed.is_object()) return malformed("not a JSON object");
  auto data = parsed.find("data");
  if (data == parsed.end() || !data->is_array()) return malformed("no `data` array");
  if (data->size() != count) {
    return malformed(std::to_string(data->size()) + " embeddings for " + std::to_string(count) +
                     " inputs");
  }
  size_t dim = dimension_.load();
  std::vector<bool> seen(count, false);
  for (const json& item : *data) {
    if (!item.is_object()) return malformed("an item is not an object");
    auto index = item.find("index");
    auto embedding = item.find("embedding");
    if (index == item.end() || !index->is_number_unsigned() || index->get<uint64_t>() >= count) {
      return malformed("an item has no valid `index`");
    }
    const size_t row = static_cast<size_t>(index->get<uint64_t>());
    if (seen[row]) return malformed("index " + std::to_string(row) + " appears twice");
    seen[row] = true;
    if (embedding == item.end() || !embedding->is_array() || embedding->empty()) {
      return malformed("an item has no `embedding` array (is encoding_format supported?)");
    }
    if (dim == 0) {
      // The first response fixes the dimension for every caller.
      size_t unknown = 0;
      dimension_.compare_exchange_strong(unknown, embedding->size());
      dim = dimension_.load();
    }
    if (rows.empty()) rows.assign(count * dim, 0.0f);
    if (embedding->size() != dim) {
      return Status::corruption(where + " returned a " + std::to_string(embedding->size()) +
                                "-dimensional vector where " + std::to_string(dim) +
                                " was expected (did the server's model change? model id " +
                                model_id_ + ")");
    }
    float* target = rows.data() + row * dim;
    double norm = 0;
    for (size_t j = 0; j < dim; ++j) {
      const json& value = (*embedding)[j];
      if (!value.is_number()) return malformed("a vector holds a non-number");
      const double x = value.get<double>();
      if (!std::isfinite(x)) return malformed("a vector holds a non-finite number");
      target[j] = static_cast<float>(x);
      norm += x * x;
    }
    norm = std::sqrt(norm);
    if (norm > 0 && std::abs(norm - 1.0) > 1e-4) {
      const float scale = static_cast<float>(1.0 / norm);
      for (size_t j = 0; j < dim; ++j) target[j] *= scale;
    }
  }
  return Status::ok();
}

}  // namespace ragd
