// VectorIndex: the dense counterpart of LexicalIndex for one collection and one embedding
// model: inner-product (cosine on normalised vectors) top-k over chunk vectors, built on FAISS.
//
// Structure: exact (flat) search while the index holds fewer than `hnsw_threshold` vectors,
// HNSW above it (built once the threshold is crossed), optionally with SQ8-compressed storage.
// Each vector carries the chunk's filter attributes (document, domain, tags, date), so filters
// are evaluated during the search (a FAISS IDSelector); when a filter admits few vectors
// (below `exact_filter_threshold`) the index scans exactly those instead, so a selective
// filter loses no recall. Deletions are tombstones excluded from every search and dropped
// when the index is rebuilt (compact(), or automatically when they exceed a quarter of it).
//
// Persistence mirrors LexicalIndex: files in one folder plus a manifest, replaced atomically,
// recording the change-log sequence number the index reflects; a crash loses at most the
// changes since the last manifest, which the caller replays from the store's change log.
//
// Thread-safety: search() and stats() may run concurrently from many threads; apply() and
// compact() must be serialised by the caller and may run concurrently with searches.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "common/status.h"
#include "index/lexical_index.h"  // SearchFilter, ScoredChunk, kNoDate

namespace ragd {

struct VectorIndexOptions {
  size_t dimension = 384;
  size_t hnsw_threshold = 50000;        // below: exact search
  size_t hnsw_m = 32;
  size_t hnsw_ef_construction = 200;
  size_t hnsw_ef_search = 128;
  bool sq8 = false;                      // 8-bit scalar-quantised storage
  size_t exact_filter_threshold = 20000; // filtered sets smaller than this are scanned exactly
  size_t threads = 1;                    // FAISS threads for build and search (OpenMP)
};

// One chunk's vector and filter attributes. `vector` has options.dimension floats.
struct VectorEntry {
  int64_t chunk_id = 0;
  int64_t document_id = 0;
  std::string domain;
  std::vector<std::string> tags;
  int32_t date_days = kNoDate;
  std::vector<float> vector;
};

struct VectorIndexStats {
  uint64_t live_vectors = 0;
  uint64_t deleted_vectors = 0;
  bool hnsw = false;
  uint64_t bytes_in_memory = 0;
  uint64_t bytes_on_disk = 0;
  int64_t applied_seq = 0;
};

class VectorIndex {
 public:
  // Opens the index in `dir` (created when missing, unless read_only). A missing or empty
  // folder is an empty index with applied_seq 0. kInvalidArgument when the folder holds an
  // index of another dimension; kCorruption when a file is damaged.
  static Result<std::unique_ptr<VectorIndex>> open(const std::string& dir,
                                                   VectorIndexOptions options,
                                                   bool read_only = false);
  ~VectorIndex();
  VectorIndex(const VectorIndex&) = delete;
  VectorIndex& operator=(const VectorIndex&) = delete;

  // Same contract as LexicalIndex::apply: removals first, then additions (a chunk both removed
  // and added ends up added; re-adding an existing id replaces its vector), then applied_seq.
  // kInvalidArgument when a vector has the wrong dimension (nothing is applied then).
  Status apply(std::vector<VectorEntry> adds, const std::vector<int64_t>& removed_chunk_ids,
               int64_t applied_seq, bool persist = true);

  // The top `k` live chunks by inner product with `query` (dimension floats), best first,
  // ties broken by smaller chunk_id, restricted by `filter`.
  std::vector<ScoredChunk> search(const float* query, size_t k,
                                  const SearchFilter& filter = {}) const;

  // Rebuilds without tombstones (persisted).
  Status compact();

  VectorIndexStats stats() const;
  int64_t applied_seq() const;
  const VectorIndexOptions& options() const;

 private:
  struct Impl;
  explicit VectorIndex(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace ragd
