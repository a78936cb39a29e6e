#include "index/merge_policy.h"

#include <algorithm>
#include <map>

namespace ragd::lex {

std::vector<std::vector<size_t>> plan_merges(const std::vector<MergeCandidate>& segments) {
  std::vector<std::vector<size_t>> groups;
  std::vector<bool> taken(segments.size(), false);
  std::map<int, std::vector<size_t>> tiers;
  for (size_t i = 0; i < segments.size(); ++i) {
    const MergeCandidate& s = segments[i];
    if (s.deleted_docs > s.live_docs) {
      groups.push_back({i});
      taken[i] = true;
      continue;
    }
    int tier = 0;
    for (uint64_t n = s.live_docs; n >= 10; n /= 10) ++tier;
    tiers[tier].push_back(i);
  }
  for (auto& [tier, members] : tiers) {
    if (members.size() < kMergeFactor) continue;
    std::sort(members.begin(), members.end(), [&](size_t a, size_t b) {
      return segments[a].live_docs < segments[b].live_docs;
    });
    groups.emplace_back(members.begin(), members.begin() + kMergeFactor);
  }
  return groups;
}

}  // namespace ragd::lex
