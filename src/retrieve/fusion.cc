#include "retrieve/fusion.h"

#include <algorithm>
#include <unordered_map>

namespace ragd {
namespace {

double weight_of(const std::vector<double>& weights, size_t list) {
  return list < weights.size() ? weights[list] : 1.0;
}

// Accumulates per-chunk scores in first-seen order, then sorts best first, ties by id.
class Accumulator {
 public:
  void add(int64_t chunk_id, double score) {
    auto [it, added] = slot_.emplace(chunk_id, fused_.size());
    if (added) fused_.push_back({chunk_id, 0});
    fused_[it->second].score += score;
  }
  std::vector<FusedChunk> ranked() && {
    std::sort(fused_.begin(), fused_.end(), [](const FusedChunk& a, const FusedChunk& b) {
      return a.score != b.score ? a.score > b.score : a.chunk_id < b.chunk_id;
    });
    return std::move(fused_);
  }

 private:
  std::unordered_map<int64_t, size_t> slot_;
  std::vector<FusedChunk> fused_;
};

}  // namespace

const char* fusion_method_name(FusionMethod method) {
  return method == FusionMethod::kRrf ? "rrf" : "weighted";
}

Result<FusionMethod> parse_fusion_method(const std::string& name) {
  if (name == "rrf") return FusionMethod::kRrf;
  if (name == "weighted") return FusionMethod::kWeighted;
  return Status::invalid("unknown fusion method '" + name + "'; use rrf or weighted");
}

std::vector<FusedChunk> reciprocal_rank_fusion(const std::vector<std::vector<ScoredChunk>>& lists,
                                               double k, const std::vector<double>& weights) {
  Accumulator acc;
  for (size_t l = 0; l < lists.size(); ++l) {
    const double w = weight_of(weights, l);
    for (size_t r = 0; r < lists[l].size(); ++r) {
      acc.add(lists[l][r].chunk_id, w / (k + static_cast<double>(r + 1)));
    }
  }
  return std::move(acc).ranked();
}

std::vector<FusedChunk> weighted_sum_fusion(const std::vector<std::vector<ScoredChunk>>& lists,
                                            const std::vector<double>& weights) {
  Accumulator acc;
  for (size_t l = 0; l < lists.size(); ++l) {
    const auto& list = lists[l];
    if (list.empty()) continue;
    auto [lo, hi] = std::minmax_element(list.begin(), list.end(),
                                        [](const ScoredChunk& a, const ScoredChunk& b) {
                                          return a.score < b.score;
                                        });
    const double min = lo->score;
    const double range = static_cast<double>(hi->score) - min;
    const double w = weight_of(weights, l);
    for (const ScoredChunk& hit : list) {
      double norm = range > 0 ? (static_cast<double>(hit.score) - min) / range : 1.0;
      acc.add(hit.chunk_id, w * norm);
    }
  }
  return std::move(acc).ranked();
}

std::vector<FusedChunk> fuse(const std::vector<std::vector<ScoredChunk>>& lists,
                             const FusionConfig& config) {
  return config.method == FusionMethod::kRrf
             ? reciprocal_rank_fusion(lists, config.rrf_k, config.weights)
             : weighted_sum_fusion(lists, config.weights);
}

std::vector<double> default_hybrid_weights(FusionMethod method) {
  return method == FusionMethod::kWeighted ? std::vector<double>{0.3, 0.7}
                                           : std::vector<double>{1.0, 1.0};
}

}  // namespace ragd
