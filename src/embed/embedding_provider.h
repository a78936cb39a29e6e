// EmbeddingProvider: turns texts into fixed-size vectors, whatever computes them (the native
// encoder in this process, or an OpenAI-compatible /v1/embeddings server).
//
// Contract for every implementation: embed() returns texts.size() * dimension() floats, row i
// being the vector of texts[i]; vectors are L2-normalised when normalized() is true (so inner
// product = cosine). model_id() names the model precisely enough that vectors from different
// ids are never mixed (it is stored with every vector and is part of every cache key).
// An empty input returns an empty vector. Errors are values; nothing throws.
//
// Thread-safety: implementations state their own; the native and HTTP providers allow
// concurrent embed() calls.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"

namespace ragd {

// Queries and passages may be embedded differently (e5 and bge prefix queries, say).
enum class EmbedPurpose { kPassage, kQuery };

class EmbeddingProvider {
 public:
  virtual ~EmbeddingProvider() = default;
  virtual Result<std::vector<float>> embed(const std::vector<std::string_view>& texts,
                                           EmbedPurpose purpose = EmbedPurpose::kPassage) = 0;
  virtual size_t dimension() const = 0;
  virtual const std::string& model_id() const = 0;
  virtual bool normalized() const { return true; }
};

}  // namespace ragd
