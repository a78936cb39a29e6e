// Test data for the VectorIndex tests: clustered unit vectors with filter attributes, and a
// brute-force reference (same inner-product kernel as the index, so scores tie bit for bit).
#pragma once

#include <algorithm>
#include <cmath>
#include <random>
#include <string>
#include <unordered_map>
#include <vector>

#include "index/dot_product.h"
#include "index/vector_index.h"

namespace ragd::testing {

class VectorData {
 public:
  VectorData(size_t dim, size_t clusters, uint32_t seed) : dim_(dim), rng_(seed) {
    std::normal_distribution<float> g;
    for (size_t c = 0; c < clusters; ++c) {
      std::vector<float> v(dim);
      for (float& x : v) x = g(rng_);
      normalise(&v);
      centres_.push_back(v);
    }
  }
  std::vector<float> vector() {
    std::normal_distribution<float> g;
    std::uniform_int_distribution<size_t> pick(0, centres_.size() - 1);
    std::vector<float> v = centres_[pick(rng_)];
    for (float& x : v) x += 0.35f * g(rng_) / std::sqrt(static_cast<float>(dim_)) * 3;
    normalise(&v);
    return v;
  }
  VectorEntry entry(int64_t chunk_id) {
    VectorEntry e;
    e.chunk_id = chunk_id;
    e.document_id = chunk_id / 4;
    e.domain = "d" + std::to_string(chunk_id % 5);
    if (chunk_id % 2 == 0) e.tags.push_back("even");
    if (chunk_id % 3 == 0) e.tags.push_back("three");
    if (chunk_id % 97 == 0) e.tags.push_back("rare");
    e.date_days = chunk_id % 7 == 0 ? kNoDate : static_cast<int32_t>(chunk_id % 1000);
    e.vector = vector();
    return e;
  }
  std::vector<VectorEntry> entries(int64_t first, size_t n) {
    std::vector<VectorEntry> out;
    for (size_t i = 0; i < n; ++i) out.push_back(entry(first + static_cast<int64_t>(i)));
    return out;
  }

 private:
  static void normalise(std::vector<float>* v) {
    double n = 0;
    for (float x : *v) n += double(x) * x;
    for (float& x : *v) x = static_cast<float>(x / std::sqrt(n));
  }
  size_t dim_;
  std::mt19937 rng_;
  std::vector<std::vector<float>> centres_;
};

inline bool admits(const VectorEntry& e, const SearchFilter& f) {
  if (!f.domains.empty() && std::find(f.domains.begin(), f.domains.end(), e.domain) == f.domains.end()) {
    return false;
  }
  if (!f.document_ids.empty() &&
      std::find(f.document_ids.begin(), f.document_ids.end(), e.document_id) == f.document_ids.end()) {
    return false;
  }
  for (const std::string& t : f.tags) {
    if (std::find(e.tags.begin(), e.tags.end(), t) == e.tags.end()) return false;
  }
  if (f.date_from || f.date_to) {
    if (e.date_days == kNoDate) return false;
    if (f.date_from && e.date_days < *f.date_from) return false;
    if (f.date_to && e.date_days > *f.date_to) return false;
  }
  return true;
}

// The live chunks by id, as the index should hold them.
class Reference {
 public:
  void apply(const std::vector<VectorEntry>& adds, const std::vector<int64_t>& removed) {
    for (int64_t id : removed) live_.erase(id);
    for (const VectorEntry& e : adds) live_[e.chunk_id] = e;
  }
  std::vector<ScoredChunk> search(const float* q, size_t k, const SearchFilter& f = {}) const {
    std::vector<ScoredChunk> all;
    for (const auto& [id, e] : live_) {
      if (!admits(e, f)) continue;
      all.push_back({id, dot_product(q, e.vector.data(), e.vector.size())});
    }
    std::sort(all.begin(), all.end(), [](const ScoredChunk& a, const ScoredChunk& b) {
      return a.score > b.score || (a.score == b.score && a.chunk_id < b.chunk_id);
    });
    if (all.size() > k) all.resize(k);
    return all;
  }
  size_t size() const { return live_.size(); }
  const std::unordered_map<int64_t, VectorEntry>& live() const { return live_; }

 private:
  std::unordered_map<int64_t, VectorEntry> live_;
};

// Fraction of `truth`'s chunks found in `got`.
inline double recall(const std::vector<ScoredChunk>& got, const std::vector<ScoredChunk>& truth) {
  if (truth.empty()) return 1.0;
  size_t hit = 0;
  for (const ScoredChunk& t : truth) {
    for (const ScoredChunk& g : got) hit += g.chunk_id == t.chunk_id;
  }
  return double(hit) / double(truth.size());
}

}  // namespace ragd::testing
