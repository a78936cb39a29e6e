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
    replace_worst(c);
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

  // Puts `c` in place of the front and sifts it down: one pass instead of pop + push.
  void replace_worst(const ScoredChunk& c) {
    const size_t n = heap_.size();
    size_t i = 0;
    for (;;) {
      size_t child = 2 * i + 1;
      if (child >= n) break;
      if (child + 1 < n && worse(heap_[child + 1], heap_[child])) ++child;
      if (!worse(heap_[child], c)) break;
      heap_[i] = heap_[child];
      i = child;
    }
    heap_[i] = c;
  }
  size_t k_;
  std::vector<ScoredChunk> heap_;
};

}  // namespace ragd::lex
