// Rank fusion: combines the ranked lists of several retrievers (lexical, dense) into one.
//
// - Reciprocal Rank Fusion (Cormack et al. 2009): score(d) = sum_i w_i / (k + rank_i(d)),
//   rank 1-based, a list that does not hold d contributes nothing. Scale-free, so it needs no
//   tuning across retrievers whose scores live on different scales; k = 60 by default.
// - Normalised weighted sum: each list's scores are min-max normalised to [0, 1] (a list
//   whose scores are all equal maps them to 1), then score(d) = sum_i w_i * norm_i(d), a list
//   that does not hold d contributing 0.
// Missing weights are 1. The result is best first; equal scores are ordered by
// smaller chunk id, so fusion is deterministic. Pure functions; thread-safe.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "common/status.h"
#include "index/lexical_index.h"  // ScoredChunk

namespace ragd {

enum class FusionMethod { kRrf, kWeighted };

const char* fusion_method_name(FusionMethod method);  // "rrf" | "weighted"
Result<FusionMethod> parse_fusion_method(const std::string& name);

// The weights a hybrid search uses with `method` when the caller names none, as
// {lexical, dense}: {0.3, 0.7} for the weighted sum, {1, 1} for RRF.
std::vector<double> default_hybrid_weights(FusionMethod method);

// Hybrid search's default: the weighted sum with lexical 0.3, dense 0.7. It beat RRF and
// both single retrievers on SciFact (nDCG@10 0.713 vs RRF 0.707) and on nq-open-oracle
// (0.957 vs RRF 0.932, dense 0.952); docs/benchmarks.md.
struct FusionConfig {
  FusionMethod method = FusionMethod::kWeighted;
  double rrf_k = 60;
  // One per list; missing entries are 1.
  std::vector<double> weights = default_hybrid_weights(FusionMethod::kWeighted);
};

struct FusedChunk {
  int64_t chunk_id = 0;
  double score = 0;
};

// Each list is best first and holds a chunk at most once.
std::vector<FusedChunk> reciprocal_rank_fusion(const std::vector<std::vector<ScoredChunk>>& lists,
                                               double k = 60,
                                               const std::vector<double>& weights = {});
std::vector<FusedChunk> weighted_sum_fusion(const std::vector<std::vector<ScoredChunk>>& lists,
                                            const std::vector<double>& weights = {});
std::vector<FusedChunk> fuse(const std::vector<std::vector<ScoredChunk>>& lists,
                             const FusionConfig& config);

}  // namespace ragd
