// Snapshot: one immutable, consistent view of the lexical index (segments, their deletions,
// collection statistics and length-normalisation tables). Searches hold a shared_ptr to the
// snapshot they started with; apply() builds a new one and swaps it in.
//
// Live document frequency: df over live documents is a segment's df minus the number of
// its deleted documents in the term's list. That count is computed lazily, the first time
// a query needs it after the segment's deletions changed, by intersecting the (sorted)
// deleted docs with the postings (only blocks holding a deleted doc are decoded), and is
// memoised in the segment state's DeletedDfCache; segments without deletions cost nothing.
// Merges drop deleted documents, which resets their cost.
//
// Exact block maxima: pruning needs, per block of a term's postings, an upper bound of the
// term's tf~ (the BM25F saturation input) there. BlockMeta's (max tf, min length) pair is
// always valid but loose, because it pairs the largest tf with the shortest length even
// when they belong to different documents. The exact per-block maximum under the
// snapshot's length norms is computed the first time a pruned search uses the term (one
// pass over its postings) and memoised in the snapshot's BlockMaxCache; a new snapshot
// (new statistics) starts a new cache.
//
// Thread-safety: immutable after finalize_snapshot(), except DeletedDfCache and
// BlockMaxCache, which are internally synchronised.
#pragma once

#include <cstdint>
#include <memory>
#include <mutex>
#include <unordered_map>
#include <vector>

#include "index/lexical_index.h"
#include "index/segment.h"

namespace ragd::lex {

struct DeletionSet {
  std::vector<uint64_t> bits;  // one bit per doc of the segment
  std::vector<uint32_t> docs;  // the same docs, ascending
  bool contains(uint32_t doc) const { return (bits[doc >> 6] >> (doc & 63)) & 1; }
};

class DeletedDfCache {
 public:
  bool find(uint32_t ordinal, uint32_t* count) const;
  void insert(uint32_t ordinal, uint32_t count);

 private:
  mutable std::mutex mu_;
  std::unordered_map<uint32_t, uint32_t> counts_;
};

// Per (segment, term): the exact maximum tf~ of each block of the term's postings.
class BlockMaxCache {
 public:
  using Maxima = std::shared_ptr<const std::vector<float>>;
  Maxima find(uint64_t key) const;
  Maxima insert(uint64_t key, Maxima maxima);  // returns the cached value

 private:
  mutable std::mutex mu_;
  std::unordered_map<uint64_t, Maxima> maxima_;
};

struct SegmentState {
  std::shared_ptr<const Segment> segment;
  std::shared_ptr<const DeletionSet> deleted;   // null when nothing is deleted
  std::shared_ptr<DeletedDfCache> deleted_df;   // null when nothing is deleted
  uint64_t live_docs = 0;
  uint64_t live_len_body = 0;
  uint64_t live_len_title = 0;
  bool is_live(uint32_t doc) const { return !deleted || !deleted->contains(doc); }
};

// Per-length BM25F normalisation factors for the current averages:
// body(l) = 1 / (1 - b_body + b_body * l / avg_body), title(l) = title_weight /
// (1 - b_title + b_title * l / avg_title). Tabulated up to the longest field, so a
// snapshot change costs O(longest field), not O(documents).
struct LengthNorms {
  float body(uint32_t len) const { return len < body_table.size() ? body_table[len] : body_at(len); }
  float title(uint32_t len) const {
    return len < title_table.size() ? title_table[len] : title_at(len);
  }
  float body_at(uint32_t len) const;
  float title_at(uint32_t len) const;

  Bm25Params params;
  double avg_body = 0, avg_title = 0;
  std::vector<float> body_table, title_table;
};

struct Snapshot {
  std::vector<SegmentState> segments;
  LengthNorms norms;
  std::shared_ptr<BlockMaxCache> block_max;  // replaced by finalize_snapshot()
  Bm25Params params;
  uint64_t live_docs = 0;
  uint64_t deleted_docs = 0;
  int64_t applied_seq = 0;
  uint64_t bytes_on_disk = 0;
};

// Recomputes the totals and length norms from `snap->segments` and `snap->params`.
void finalize_snapshot(Snapshot* snap);

// The exact maximum tf~ per block of term `ordinal` in segment number `segment_index` of
// `snap` (memoised in snap.block_max).
BlockMaxCache::Maxima block_maxima(const Snapshot& snap, size_t segment_index, uint32_t ordinal);

// Deleted docs of `state` that contain the term `ordinal` (memoised).
uint32_t deleted_postings(const SegmentState& state, uint32_t ordinal);

// A copy of `state` with `docs` (ordinals, live ones only counted) marked deleted.
SegmentState with_deletions(const SegmentState& state, const std::vector<uint32_t>& docs);

}  // namespace ragd::lex
