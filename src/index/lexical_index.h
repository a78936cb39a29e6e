// LexicalIndex: ragd's own BM25F inverted index over the chunks of one collection.
//
// Structure (Lucene-like): a set of immutable segments, each holding compressed postings
// (block-encoded doc-id deltas and per-field term frequencies, with per-block maxima for
// dynamic pruning), per-document field lengths and filter attributes; plus per-segment
// deletion bitmaps. A manifest file names the live segments, their deletions and the
// change-log sequence number the index reflects; it is replaced atomically, so an index
// on disk is always a consistent snapshot, and a crash loses at most the changes since the
// last manifest, which the caller replays from the store's change log.
//
// Scoring: BM25F over two fields, title (document title + section path) and body, with
// per-field weights and length normalisation; idf from live-document statistics of the
// whole collection. Top-k uses block-max MaxScore pruning, or, where a query's postings in
// a segment are few, exhaustive term-at-a-time accumulation (cheaper than pruning there);
// filters are evaluated per candidate inside the search, so a selective filter still
// returns k results.
//
// Thread-safety: search() and stats() may run concurrently from many threads; apply() and
// compact() must be serialised by the caller, and may run concurrently with searches
// (readers keep the snapshot they started with).
#pragma once

#include <cstdint>
#include <limits>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"

namespace ragd {

struct Bm25Params {
  float k1 = 1.2f;
  float b_body = 0.75f;
  float b_title = 0.5f;
  float title_weight = 2.0f;  // BM25F field weight of the title field (body is 1)
};

inline constexpr int32_t kNoDate = std::numeric_limits<int32_t>::min();

// One chunk as the index sees it: analysed terms and filter attributes.
struct IndexDocument {
  int64_t chunk_id = 0;
  int64_t document_id = 0;
  std::vector<std::string> title_terms;
  std::vector<std::string> body_terms;
  std::string domain;
  std::vector<std::string> tags;
  int32_t date_days = kNoDate;  // days since 1970-01-01
};

// All present constraints must hold. Empty vectors / nullopt mean "no constraint".
struct SearchFilter {
  std::vector<std::string> domains;    // chunk's domain is any of these
  std::vector<int64_t> document_ids;   // chunk belongs to any of these documents
  std::vector<std::string> tags;       // chunk's document has every one of these tags
  std::optional<int32_t> date_from;    // inclusive, days since epoch; undated chunks fail
  std::optional<int32_t> date_to;      // inclusive
  bool empty() const {
    return domains.empty() && document_ids.empty() && tags.empty() && !date_from && !date_to;
  }
};

// How top-k is computed per segment. Both give identical results; they differ in speed.
enum class SearchStrategy {
  kAuto,        // exhaustive when the query's postings in a segment are few, else pruned
  kPruned,      // block-max MaxScore always
  kExhaustive,  // term-at-a-time accumulation always
};

struct ScoredChunk {
  int64_t chunk_id = 0;
  float score = 0;
};

struct LexicalIndexStats {
  uint64_t live_documents = 0;
  uint64_t deleted_documents = 0;  // still in segments, awaiting merge
  uint64_t segments = 0;
  uint64_t terms = 0;              // distinct terms over all segments
  uint64_t postings = 0;
  uint64_t bytes_on_disk = 0;
  int64_t applied_seq = 0;
};

class LexicalIndex {
 public:
  // Opens the index in folder `dir` (created when missing). A missing or empty folder is an
  // empty index with applied_seq 0. Files not named by the manifest are left-overs of an
  // interrupted write and are removed. A corrupt manifest or segment is kCorruption.
  //
  // With read_only, nothing on disk is created or removed (another process may be writing:
  // its new segment files are not in the manifest yet), and a segment that vanishes between
  // reading the manifest and reading the segment (a writer replaced both) is retried with the
  // new manifest. A read-only index may still apply(persist=false).
  static Result<std::unique_ptr<LexicalIndex>> open(const std::string& dir, Bm25Params params,
                                                    bool read_only = false);
  ~LexicalIndex();
  LexicalIndex(const LexicalIndex&) = delete;
  LexicalIndex& operator=(const LexicalIndex&) = delete;

  // Adds `adds` and removes the chunks in `removed_chunk_ids` (ids not in the index are
  // ignored; a chunk id that is both removed and added ends up added), then records
  // `applied_seq`. With persist=true the change is on disk (new segment files, then the
  // manifest) before this returns; with persist=false it is applied in memory only, for a
  // reader catching up with the change log. Searches see all of it or none of it. May
  // merge segments according to the merge policy.
  Status apply(std::vector<IndexDocument> adds, const std::vector<int64_t>& removed_chunk_ids,
               int64_t applied_seq, bool persist = true);

  // The top `k` live chunks for `query_terms` (analysed terms; a repeated term counts once
  // per occurrence), best first, ties broken by smaller chunk_id. Chunks with score 0 (no
  // query term) are never returned.
  std::vector<ScoredChunk> search(const std::vector<std::string>& query_terms, size_t k,
                                  const SearchFilter& filter = {}) const;

  // Chooses the top-k algorithm (kAuto by default); for benchmarks and tests. Not to be
  // called concurrently with search().
  void set_search_strategy(SearchStrategy strategy);

  // Merges all segments into one and drops deleted documents (persisted).
  Status compact();

  // BM25's idf of an analysed term over the live chunks, ln(1 + (N - df + 0.5) / (df + 0.5)):
  // collection statistics for callers that weigh terms (answer extraction, citation checks).
  double term_idf(std::string_view term) const;
  // The number of live chunks that contain the analysed term.
  uint64_t term_document_frequency(std::string_view term) const;

  LexicalIndexStats stats() const;
  int64_t applied_seq() const;
  const Bm25Params& params() const;

 private:
  struct Impl;
  explicit LexicalIndex(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace ragd
