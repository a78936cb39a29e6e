// search_snapshot: top-k BM25F retrieval over one snapshot with block-max MaxScore.
//
// Per segment, the query's term cursors are ordered by their exact maximum score; the
// "non-essential" prefix whose summed maxima cannot reach the current k-th score does not
// generate candidates, only completes them. Work proceeds in windows of 2,048 documents
// starting at the next essential posting: a window is skipped undecoded when the summed
// block maxima of all cursors there (exact, per snapshot; see snapshot.h) cannot reach the
// threshold; otherwise the essential cursors are scored term at a time into the window and
// each candidate is completed from the non-essential cursors unless its bound falls short.
// Each candidate is checked for deletion and the filter before it can enter the top k,
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
