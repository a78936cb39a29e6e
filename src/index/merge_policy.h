// Merge policy (tiered by order of magnitude): segments are grouped into tiers by the
// decimal order of magnitude of their live document count; when a tier holds
// kMergeFactor segments or more, its kMergeFactor smallest are merged into one (which
// lands one tier up). A segment with more deleted than live documents is rewritten on its
// own. Every document is thus rewritten about log10(collection size) times, and a
// collection of N chunks has at most ~9 * log10(N) segments. Pure function; thread-safe.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

namespace ragd::lex {

inline constexpr size_t kMergeFactor = 10;

struct MergeCandidate {
  uint64_t live_docs = 0;
  uint64_t deleted_docs = 0;
};

// Disjoint groups of indices into `segments`; each group is to be merged into one segment.
std::vector<std::vector<size_t>> plan_merges(const std::vector<MergeCandidate>& segments);

}  // namespace ragd::lex
