// VectorSnapshot: one immutable, consistent view of the vector index: the base (a FAISS
// flat or HNSW index over rows 0..base_rows-1), deltas (recent additions kept as plain
// floats and scanned exactly, rows after the base's), the tombstoned rows and the string
// dictionary of domains and tags. Searches hold a shared_ptr to the snapshot they started
// with; apply() builds a new one (sharing unchanged parts) and swaps it in.
//
// Thread-safety: immutable once published; search_snapshot() may run from many threads.
#pragma once

#include <cstdint>
#include <memory>
#include <vector>

#include "index/vector_files.h"
#include "index/vector_index.h"
#include "index/vector_segment.h"

namespace faiss {
struct Index;
struct IndexHNSW;
}  // namespace faiss

namespace ragd::vec {

struct Base {
  uint64_t id = 0;  // file id
  BaseKind kind = BaseKind::kFlat;
  std::unique_ptr<faiss::Index> index;
  const faiss::IndexHNSW* hnsw = nullptr;  // index, when kind is kHnsw
  const float* floats = nullptr;           // row-major vectors when stored uncompressed
  SegmentAttrs attrs;
  SegmentLists lists;
  size_t rows() const { return attrs.size(); }
  uint64_t index_bytes() const;
  ~Base();
  // Fills `floats`/`hnsw` from `index` and builds `lists`.
  void finish();
  // Row `row`'s vector (decoded when compressed) into `out` (dimension floats).
  void vector(size_t row, float* out) const;
};

struct Delta {
  uint64_t id = 0;
  uint64_t first_row = 0;
  std::vector<float> vectors;
  SegmentAttrs attrs;
  SegmentLists lists;
  size_t rows() const { return attrs.size(); }
};

struct Tombstones {
  std::vector<uint64_t> bits;
  uint64_t count = 0;
  bool contains(uint64_t row) const {
    return (row >> 6) < bits.size() && ((bits[row >> 6] >> (row & 63)) & 1);
  }
  void set(uint64_t row) {
    if ((row >> 6) >= bits.size()) bits.resize((row >> 6) + 1, 0);
    if (!contains(row)) {
      bits[row >> 6] |= uint64_t{1} << (row & 63);
      ++count;
    }
  }
};

struct VectorSnapshot {
  size_t dimension = 0;
  std::shared_ptr<const Base> base;
  std::vector<std::shared_ptr<const Delta>> deltas;
  std::shared_ptr<const Tombstones> tombstones;
  std::shared_ptr<const StringDict> dict;
  uint64_t total_rows = 0;
  int64_t applied_seq = 0;
  uint64_t bytes_on_disk = 0;

  uint64_t base_rows() const { return base ? base->rows() : 0; }
  uint64_t delta_rows() const { return total_rows - base_rows(); }
  uint64_t live() const { return total_rows - tombstones->count; }
};

// Top `k` live chunks admitted by `filter`; see VectorIndex::search.
std::vector<ScoredChunk> search_snapshot(const VectorSnapshot& snap, const float* query, size_t k,
                                         const SearchFilter& filter,
                                         const VectorIndexOptions& options);

}  // namespace ragd::vec
