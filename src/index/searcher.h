// search_snapshot: top-k BM25F retrieval over one snapshot with block-max MaxScore.
//
// Per segment, the query's term cursors are ordered by their score upper bound; the
// "non-essential" prefix whose summed bounds cannot reach the current k-th score does not
// generate candidates, only scores them. Candidates come from the essential cursors; a
// window up to the nearest block end is skipped without decoding when the block maxima
// (BlockMeta, evaluated for the current collection statistics) cannot reach the
// threshold. Each candidate is checked for deletion and the filter before it is scored,
// so a selective filter still fills k results. Scores are summed in query-term order, so
// equal documents tie exactly and the chunk-id tie-break is deterministic. The threshold
// carries over from segment to segment.
//
// Where a segment holds few postings of the query's terms (kAuto: at most
// kExhaustivePostings), pruning costs more than it saves: those segments are scored term at
// a time into a dense accumulator, summing in the same query-term order, so both paths give
// bit-identical scores. Thread-safe (reads only the snapshot; scratch space is per thread).
#pragma once

#include <string>
#include <vector>

#include "index/lexical_index.h"
#include "index/snapshot.h"

namespace ragd::lex {

inline constexpr uint64_t kExhaustivePostings = 32768;

std::vector<ScoredChunk> search_snapshot(const Snapshot& snap,
                                         const std::vector<std::string>& query_terms, size_t k,
                                         const SearchFilter& filter,
                                         SearchStrategy strategy = SearchStrategy::kAuto);

}  // namespace ragd::lex
