// TopK: bounded collector of the best (score, chunk id) pairs: higher score first, ties by
// smaller chunk id. threshold() is the score a new candidate must reach (at least tie) to
// possibly enter once the collector is full. Not thread-safe; one per query.
#pragma once

#include <algorithm>
#include <cstddef>
#include <limits>
#include <vector>

#include "index/lexical_index.h"

namespace ragd::lex {

class TopK {
 public:
  explicit TopK(size_t k) : k_(k) { heap_.reserve(std::min<size_t>(k, 1 << 16)); }

  // True when `a` ranks below `b`.
  static bool worse(const ScoredChunk& a, const ScoredChunk& b) {
    return a.score < b.score || (a.score == b.score && a.chunk_id > b.chunk_id);
  }

  // Offers a candidate; returns true when the threshold may have changed.
  bool push(float score, int64_t chunk_id) {
    ScoredChunk c{chunk_id, score};
    if (heap_.size() < k_) {
      heap_.push_back(c);
      std::push_heap(heap_.begin(), heap_.end(), Greater);
      return heap_.size() == k_;
    }
    if (!worse(heap_.front(), c)) return false;
    std::pop_heap(heap_.begin(), heap_.end(), Greater);
    heap_.back() = c;
    std::push_heap(heap_.begin(), heap_.end(), Greater);
    return true;
  }

  float threshold() const {
    return heap_.size() < k_ ? -std::numeric_limits<float>::infinity() : heap_.front().score;
  }

  std::vector<ScoredChunk> take_sorted() {
    std::sort(heap_.begin(), heap_.end(),
              [](const ScoredChunk& a, const ScoredChunk& b) { return worse(b, a); });
    return std::move(heap_);
  }

 private:
  // Min-heap on rank: the worst kept candidate is at the front.
  static bool Greater(const ScoredChunk& a, const ScoredChunk& b) { return worse(b, a); }
  size_t k_;
  std::vector<ScoredChunk> heap_;
};

}  // namespace ragd::lex
