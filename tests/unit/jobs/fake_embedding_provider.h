// A deterministic EmbeddingProvider for tests: a hashed bag of words (each lower-cased word
// adds 1 to one of `dimension` slots), L2-normalised, so texts sharing words are close.
// It counts the texts it embeds and can be told to fail after a number of calls.
// Not thread-safe (test fixture).
#pragma once

#include <cctype>
#include <cmath>
#include <string>
#include <string_view>
#include <vector>

#include "embed/embedding_provider.h"

namespace ragd::testing_support {

class FakeEmbeddingProvider : public EmbeddingProvider {
 public:
  explicit FakeEmbeddingProvider(std::string model_id = "fake-bow-16", size_t dimension = 16)
      : model_id_(std::move(model_id)), dimension_(dimension) {}

  Result<std::vector<float>> embed(const std::vector<std::string_view>& texts,
                                   EmbedPurpose purpose = EmbedPurpose::kPassage) override {
    if (fail_after_calls_ >= 0 && calls_ >= fail_after_calls_) {
      return Status::io("fake provider: told to fail");
    }
    ++calls_;
    std::vector<float> out;
    out.reserve(texts.size() * dimension_);
    for (std::string_view text : texts) {
      std::vector<float> v = vector_of(text);
      out.insert(out.end(), v.begin(), v.end());
    }
    if (purpose == EmbedPurpose::kPassage) passages_embedded_ += texts.size();
    return out;
  }
  size_t dimension() const override { return dimension_; }
  const std::string& model_id() const override { return model_id_; }

  std::vector<float> vector_of(std::string_view text) const {
    std::vector<float> v(dimension_, 0.0f);
    std::string word;
    auto flush = [&] {
      if (word.empty()) return;
      v[std::hash<std::string>{}(word) % dimension_] += 1.0f;
      word.clear();
    };
    for (char c : text) {
      if (std::isalnum(static_cast<unsigned char>(c))) {
        word.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
      } else {
        flush();
      }
    }
    flush();
    double norm = 0;
    for (float x : v) norm += static_cast<double>(x) * x;
    if (norm == 0) {
      v[0] = 1.0f;
      return v;
    }
    for (float& x : v) x = static_cast<float>(x / std::sqrt(norm));
    return v;
  }

  size_t passages_embedded() const { return passages_embedded_; }
  int calls() const { return calls_; }
  void fail_after_calls(int calls) { fail_after_calls_ = calls; }

 private:
  std::string model_id_;
  size_t dimension_;
  size_t passages_embedded_ = 0;
  int calls_ = 0;
  int fail_after_calls_ = -1;
};

}  // namespace ragd::testing_support
