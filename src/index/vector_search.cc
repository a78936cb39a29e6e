// Search over a VectorSnapshot: filter compilation, candidate enumeration for selective
// filters, exact scans, and a filtered beam search over the base's HNSW graph.
//
// The HNSW search is ragd's own walk of FAISS's graph (faiss::HNSW's neighbour tables)
// rather than IndexHNSW::search, for three reasons measured or read in FAISS 1.7.3: its
// SearchParametersHNSW::efSearch does not size the candidate queue (the index's own
// efSearch does), its IDSelector only filters the result heap, so a filter admitting 1% of
// the rows returned about half the requested results in a probe, and every call opens an
// OpenMP parallel region and allocates a visited table of ntotal bytes per thread. Here
// results count admitted rows only (as in hnswlib's filtered search): the walk goes on
// through rejected rows until ef admitted ones are found, and the visited table is reused
// per thread. No OpenMP is involved in searching.
#include <faiss/IndexFlat.h>
#include <faiss/IndexHNSW.h>
#include <faiss/impl/DistanceComputer.h>

#include <algorithm>
#include <queue>

#include "index/dot_product.h"
#include "index/top_k.h"
#include "index/vector_snapshot.h"

namespace ragd::vec {
namespace {

struct CompiledFilter {
  bool active = false;
  bool impossible = false;
  std::vector<int64_t> documents;  // ascending
  std::vector<uint32_t> domains;   // ascending
  std::vector<uint32_t> tags;
  bool dated = false;
  int32_t from = INT32_MIN, to = INT32_MAX;

  bool admits(const SegmentAttrs& a, uint32_t row) const {
    if (!active) return true;
    if (!documents.empty() &&
        !std::binary_search(documents.begin(), documents.end(), a.document_ids[row])) {
      return false;
    }
    if (!domains.empty() && !std::binary_search(domains.begin(), domains.end(), a.domains[row])) {
      return false;
    }
    for (uint32_t t : tags) {
      if (!a.has_tag(row, t)) return false;
    }
    if (dated) {
      int32_t d = a.dates[row];
      if (d == kNoDate || d < from || d > to) return false;
    }
    return true;
  }
};

CompiledFilter compile(const SearchFilter& f, const StringDict& dict) {
  CompiledFilter c;
  if (f.empty()) return c;
  c.active = true;
  c.documents = f.document_ids;
  std::sort(c.documents.begin(), c.documents.end());
  for (const std::string& d : f.domains) {
    uint32_t id = dict.find(d);
    if (id != StringDict::kMissing) c.domains.push_back(id);
  }
  if (!f.domains.empty() && c.domains.empty()) c.impossible = true;
  std::sort(c.domains.begin(), c.domains.end());
  for (const std::string& t : f.tags) {
    uint32_t id = dict.find(t);
    if (id == StringDict::kMissing) c.impossible = true;
    c.tags.push_back(id);
  }
  if (f.date_from || f.date_to) {
    c.dated = true;
    if (f.date_from) c.from = *f.date_from;
    if (f.date_to) c.to = *f.date_to;
    if (c.from > c.to) c.impossible = true;
  }
  return c;
}

// Appends the global rows of `attrs` (at `offset`) that are live and admitted. Returns false
// as soon as `out` reaches `limit`.
bool enumerate(const CompiledFilter& f, const SegmentAttrs& attrs, const SegmentLists& lists,
               uint64_t offset, const Tombstones& dead, size_t limit, std::vector<uint64_t>* out) {
  auto take = [&](uint32_t row) {
    if (dead.contains(offset + row) || !f.admits(attrs, row)) return true;
    out->push_back(offset + row);
    return out->size() < limit;
  };
  // The constraint with the fewest rows drives the enumeration.
  std::vector<const std::vector<uint32_t>*> driver;
  size_t best = SIZE_MAX;
  auto consider = [&](std::vector<const std::vector<uint32_t>*> lists_of, size_t n) {
    if (n < best) {
      best = n;
      driver = std::move(lists_of);
    }
  };
  if (!f.documents.empty()) {
    std::vector<const std::vector<uint32_t>*> ls;
    size_t n = 0;
    for (int64_t d : f.documents) {
      auto it = lists.by_document.find(d);
      if (it != lists.by_document.end()) {
        ls.push_back(&it->second);
        n += it->second.size();
      }
    }
    consider(std::move(ls), n);
  }
  if (!f.domains.empty()) {
    std::vector<const std::vector<uint32_t>*> ls;
    size_t n = 0;
    for (uint32_t d : f.domains) {
      auto it = lists.by_domain.find(d);
      if (it != lists.by_domain.end()) {
        ls.push_back(&it->second);
        n += it->second.size();
      }
    }
    consider(std::move(ls), n);
  }
  for (uint32_t t : f.tags) {
    auto it = lists.by_tag.find(t);
    if (it == lists.by_tag.end()) return true;  // no row of this segment has the tag
    consider({&it->second}, it->second.size());
  }
  if (best != SIZE_MAX) {
    for (const auto* l : driver) {
      for (uint32_t row : *l) {
        if (!take(row)) return false;
      }
    }
    return true;
  }
  for (uint32_t row = 0; row < attrs.size(); ++row) {
    if (!take(row)) return false;
  }
  return true;
}

// Similarity (inner product, higher is better) of the query with base rows.
class BaseScorer {
 public:
  BaseScorer(const Base& base, const float* query, size_t d) : floats_(base.floats), q_(query), d_(d) {
    if (!floats_) {
      const faiss::Index* storage = base.hnsw ? base.hnsw->storage : base.index.get();
      dc_.reset(storage->get_distance_computer());
      dc_->set_query(query);
    }
  }
  float operator()(uint64_t row) const {
    if (floats_) return dot_product(q_, floats_ + row * d_, d_);
    return (*dc_)(static_cast<faiss::Index::idx_t>(row));
  }

 private:
  const float* floats_;
  const float* q_;
  size_t d_;
  std::unique_ptr<faiss::DistanceComputer> dc_;
};

// Per-thread visited marks, reused across searches (cleared by bumping the epoch).
class Visited {
 public:
  void reset(size_t n) {
    if (marks_.size() < n) marks_.assign(n, 0), epoch_ = 0;
    if (++epoch_ == 0) {
      std::fill(marks_.begin(), marks_.end(), 0);
      epoch_ = 1;
    }
  }
  bool test_and_set(size_t i) {
    if (marks_[i] == epoch_) return true;
    marks_[i] = epoch_;
    return false;
  }

 private:
  std::vector<uint16_t> marks_;
  uint16_t epoch_ = 0;
};

using Scored = std::pair<float, uint32_t>;  // (similarity, base row)

// Filtered beam search on the base's HNSW graph; appends up to `ef` admitted rows.
template <typename Admit>
void hnsw_search(const faiss::HNSW& g, size_t ntotal, const BaseScorer& score, size_t ef,
                 const Admit& admit, std::vector<Scored>* out) {
  if (g.entry_point < 0 || ntotal == 0) return;
  thread_local Visited visited;
  visited.reset(ntotal);
  int cur = g.entry_point;
  float cur_s = score(static_cast<uint64_t>(cur));
  for (int level = g.max_level; level >= 1; --level) {
    for (bool moved = true; moved;) {
      moved = false;
      size_t begin, end;
      g.neighbor_range(cur, level, &begin, &end);
      for (size_t i = begin; i < end; ++i) {
        int nb = g.neighbors[i];
        if (nb < 0) break;
        float s = score(static_cast<uint64_t>(nb));
        if (s > cur_s) {
          cur_s = s;
          cur = nb;
          moved = true;
        }
      }
    }
  }
  std::priority_queue<Scored> candidates;  // best first
  std::priority_queue<Scored, std::vector<Scored>, std::greater<Scored>> results;  // worst first
  visited.test_and_set(static_cast<size_t>(cur));
  candidates.emplace(cur_s, static_cast<uint32_t>(cur));
  if (admit(static_cast<uint32_t>(cur))) results.emplace(cur_s, static_cast<uint32_t>(cur));
  while (!candidates.empty()) {
    Scored c = candidates.top();
    if (results.size() >= ef && c.first < results.top().first) break;
    candidates.pop();
    size_t begin, end;
    g.neighbor_range(c.second, 0, &begin, &end);
    for (size_t i = begin; i < end; ++i) {
      int nb = g.neighbors[i];
      if (nb < 0) break;
      if (visited.test_and_set(static_cast<size_t>(nb))) continue;
      float s = score(static_cast<uint64_t>(nb));
      if (results.size() < ef || s > results.top().first) {
        candidates.emplace(s, static_cast<uint32_t>(nb));
        if (admit(static_cast<uint32_t>(nb))) {
          results.emplace(s, static_cast<uint32_t>(nb));
          if (results.size() > ef) results.pop();
        }
      }
    }
  }
  while (!results.empty()) {
    out->push_back(results.top());
    results.pop();
  }
}

}  // namespace

std::vector<ScoredChunk> search_snapshot(const VectorSnapshot& snap, const float* query, size_t k,
                                         const SearchFilter& filter,
                                         const VectorIndexOptions& options) {
  if (k == 0 || snap.live() == 0) return {};
  const CompiledFilter f = compile(filter, *snap.dict);
  if (f.impossible) return {};
  const Tombstones& dead = *snap.tombstones;
  const size_t d = snap.dimension;
  const Base* base = snap.base.get();
  lex::TopK top(k);

  auto score_delta = [&](const Delta& delta, uint64_t local) {
    return dot_product(query, delta.vectors.data() + local * d, d);
  };

  // A selective filter: score exactly the rows it admits.
  const size_t ef = std::max<size_t>(options.hnsw_ef_search, k);
  if (f.active) {
    const size_t limit = std::max<size_t>({options.exact_filter_threshold, ef, 1});
    std::vector<uint64_t> rows;
    bool few = true;
    if (base) few = enumerate(f, base->attrs, base->lists, 0, dead, limit, &rows);
    for (size_t i = 0; few && i < snap.deltas.size(); ++i) {
      const Delta& delta = *snap.deltas[i];
      few = enumerate(f, delta.attrs, delta.lists, delta.first_row, dead, limit, &rows);
    }
    if (few) {
      std::sort(rows.begin(), rows.end());
      std::unique_ptr<BaseScorer> scorer;
      if (base) scorer = std::make_unique<BaseScorer>(*base, query, d);
      size_t di = 0;
      for (uint64_t row : rows) {
        if (row < snap.base_rows()) {
          top.push((*scorer)(row), base->attrs.chunk_ids[row]);
          continue;
        }
        while (row >= snap.deltas[di]->first_row + snap.deltas[di]->rows()) ++di;
        const Delta& delta = *snap.deltas[di];
        uint64_t local = row - delta.first_row;
        top.push(score_delta(delta, local), delta.attrs.chunk_ids[local]);
      }
      return top.take_sorted();
    }
  }

  if (base) {
    BaseScorer score(*base, query, d);
    const bool check_dead = dead.count > 0;
    auto admit = [&](uint32_t row) {
      return (!check_dead || !dead.contains(row)) && f.admits(base->attrs, row);
    };
    if (base->hnsw) {
      std::vector<Scored> found;
      found.reserve(ef);
      hnsw_search(base->hnsw->hnsw, base->rows(), score, ef, admit, &found);
      for (const Scored& s : found) top.push(s.first, base->attrs.chunk_ids[s.second]);
    } else {
      for (uint32_t row = 0; row < base->rows(); ++row) {
        if (admit(row)) top.push(score(row), base->attrs.chunk_ids[row]);
      }
    }
  }
  for (const auto& dp : snap.deltas) {
    const Delta& delta = *dp;
    for (uint32_t local = 0; local < delta.rows(); ++local) {
      if (dead.contains(delta.first_row + local) || !f.admits(delta.attrs, local)) continue;
      top.push(score_delta(delta, local), delta.attrs.chunk_ids[local]);
    }
  }
  return top.take_sorted();
}

}  // namespace ragd::vec
