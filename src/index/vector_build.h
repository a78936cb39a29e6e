// Building vector-index bases: a flat (exact) or HNSW FAISS index over given vectors, and a
// copy of an existing base extended with more rows (the base a snapshot holds is never
// modified, so searches on it may continue while the copy grows). FAISS parallelises HNSW
// construction with OpenMP: callers set the thread count for their thread (OmpThreads).
// Thread-safety: pure functions of their inputs.
#pragma once

#include <cstddef>
#include <memory>
#include <vector>

#include "common/status.h"
#include "index/vector_snapshot.h"

namespace ragd::vec {

// Sets the calling thread's OpenMP thread count for its lifetime. libgomp keeps this
// setting per thread (checked: a value set in one std::thread is not seen by others), so an
// apply() on one thread does not change the parallelism of anything else in the process.
class OmpThreads {
 public:
  explicit OmpThreads(size_t n);
  ~OmpThreads();
  OmpThreads(const OmpThreads&) = delete;
  OmpThreads& operator=(const OmpThreads&) = delete;

 private:
  int previous_;
};

// A new base of the given kind over `n` rows of `vectors` (row-major) with `attrs`.
// Throws (FAISS, allocation) on failure; callers convert.
std::shared_ptr<Base> build_base(BaseKind kind, const float* vectors, size_t n, SegmentAttrs attrs,
                                 const VectorIndexOptions& options, uint64_t id);

// A copy of `base` with `n` more rows appended (same kind; HNSW rows are inserted into a
// copy of the graph).
std::shared_ptr<Base> extend_base(const Base& base, const float* vectors, size_t n,
                                  const SegmentAttrs& attrs, size_t dimension, uint64_t id);

}  // namespace ragd::vec
