#include "jobs/cached_embedder.h"

#include <algorithm>
#include <cstring>
#include <string_view>
#include <unordered_map>

#include "common/hash.h"

namespace ragd {

Result<EmbedBatchResult> CachedEmbedder::embed_passages(const std::vector<std::string>& texts,
                                                        const EmbedRequestOptions& options) {
  const size_t dim = provider_.dimension();
  const std::string& model = provider_.model_id();
  EmbedBatchResult out;
  out.vectors.assign(texts.size() * dim, 0.0f);
  out.present.assign(texts.size(), false);
  std::vector<std::string> hashes;
  hashes.reserve(texts.size());
  for (const std::string& text : texts) hashes.push_back(sha256_hex(text));
  auto cached = cache_.get(model, hashes, dim);
  if (!cached.is_ok()) return cached.status();

  std::vector<size_t> missing;
  for (size_t i = 0; i < texts.size(); ++i) {
    if ((*cached)[i]) {
      std::copy((*cached)[i]->begin(), (*cached)[i]->end(), out.vectors.begin() + i * dim);
      out.present[i] = true;
      ++out.cached;
    } else {
      missing.push_back(i);
    }
  }
  // The same text twice in one request is embedded once.
  std::vector<size_t> unique;
  std::vector<size_t> first_of(texts.size());
  {
    std::unordered_map<std::string_view, size_t> seen;
    for (size_t i : missing) {
      auto [it, added] = seen.emplace(hashes[i], i);
      first_of[i] = it->second;
      if (added) unique.push_back(i);
    }
  }
  if (unique.size() > options.max_new) unique.resize(options.max_new);

  for (size_t begin = 0; begin < unique.size(); begin += texts_per_call_) {
    size_t end = std::min(unique.size(), begin + texts_per_call_);
    std::vector<std::string_view> batch;
    std::vector<std::string> batch_hashes;
    for (size_t j = begin; j < end; ++j) {
      batch.emplace_back(texts[unique[j]]);
      batch_hashes.push_back(hashes[unique[j]]);
    }
    auto vectors = provider_.embed(batch, EmbedPurpose::kPassage);
    if (!vectors.is_ok()) return vectors.status();
    if (vectors->size() != batch.size() * dim) {
      return Status::internal("embedding provider '" + model + "' returned " +
                              std::to_string(vectors->size()) + " floats for " +
                              std::to_string(batch.size()) + " texts of dimension " +
                              std::to_string(dim));
    }
    if (options.store_new) RAGD_RETURN_IF_ERROR(cache_.put(model, batch_hashes, *vectors, dim));
    for (size_t j = begin; j < end; ++j) {
      size_t i = unique[j];
      std::memcpy(out.vectors.data() + i * dim, vectors->data() + (j - begin) * dim,
                  dim * sizeof(float));
      out.present[i] = true;
    }
    out.embedded += end - begin;
    if (options.on_embedded) options.on_embedded(out.embedded);
  }
  for (size_t i : missing) {
    size_t first = first_of[i];
    if (first == i || !out.present[first]) continue;
    std::memcpy(out.vectors.data() + i * dim, out.vectors.data() + first * dim, dim * sizeof(float));
    out.present[i] = true;
  }
  return out;
}

}  // namespace ragd
