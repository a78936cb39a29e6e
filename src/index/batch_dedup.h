// dedup_batch: turns one apply() call's adds and removals into what an index must do with
// them, the rule both LexicalIndex and VectorIndex follow.
//
// Contract, for any Entry with an `int64_t chunk_id` member:
//   - `adds` keeps one entry per chunk id, the last one given for it (a later add of the
//     same id replaces an earlier one), in ascending chunk id order.
//   - `gone` holds every id of `removed_chunk_ids` and every id of `adds`, sorted ascending
//     and without repeats: the chunks whose indexed copies the caller removes first, before
//     it adds `adds`. So adding an indexed chunk replaces it, and a chunk both removed and
//     added in one batch ends present with its added content. Ids not in the index are the
//     caller's to ignore.
//
// Thread-safety: a pure function of its arguments; safe to call from any thread.
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <utility>
#include <vector>

namespace ragd {

template <typename Entry>
struct DedupedBatch {
  std::vector<Entry> adds;    // one per chunk id, the last given, ascending by chunk id
  std::vector<int64_t> gone;  // removed and replaced chunk ids, ascending, unique
};

template <typename Entry>
DedupedBatch<Entry> dedup_batch(std::vector<Entry> adds,
                                const std::vector<int64_t>& removed_chunk_ids) {
  std::stable_sort(adds.begin(), adds.end(),
                   [](const Entry& a, const Entry& b) { return a.chunk_id < b.chunk_id; });
  DedupedBatch<Entry> batch;
  batch.adds.reserve(adds.size());
  for (size_t i = 0; i < adds.size(); ++i) {
    if (i + 1 < adds.size() && adds[i + 1].chunk_id == adds[i].chunk_id) continue;
    batch.adds.push_back(std::move(adds[i]));
  }
  batch.gone = removed_chunk_ids;
  batch.gone.reserve(removed_chunk_ids.size() + batch.adds.size());
  for (const Entry& e : batch.adds) batch.gone.push_back(e.chunk_id);
  std::sort(batch.gone.begin(), batch.gone.end());
  batch.gone.erase(std::unique(batch.gone.begin(), batch.gone.end()), batch.gone.end());
  return batch;
}

}  // namespace ragd
