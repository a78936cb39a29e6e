#include "index/snapshot.h"

#include <algorithm>

#include "index/posting_cursor.h"

namespace ragd::lex {
namespace {

constexpr uint32_t kMaxTable = 1u << 16;

float norm(double b, double len, double avg, double weight) {
  double ratio = avg > 0 ? len / avg : 0;
  return static_cast<float>(weight / (1.0 - b + b * ratio));
}

}  // namespace

bool DeletedDfCache::find(uint32_t ordinal, uint32_t* count) const {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = counts_.find(ordinal);
  if (it == counts_.end()) return false;
  *count = it->second;
  return true;
}

BlockMaxCache::Maxima BlockMaxCache::find(uint64_t key) const {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = maxima_.find(key);
  return it == maxima_.end() ? nullptr : it->second;
}

BlockMaxCache::Maxima BlockMaxCache::insert(uint64_t key, Maxima maxima) {
  std::lock_guard<std::mutex> lock(mu_);
  return maxima_.emplace(key, std::move(maxima)).first->second;
}

void DeletedDfCache::insert(uint32_t ordinal, uint32_t count) {
  std::lock_guard<std::mutex> lock(mu_);
  counts_.emplace(ordinal, count);
}

float LengthNorms::body_at(uint32_t len) const {
  return norm(params.b_body, len, avg_body, 1.0);
}
float LengthNorms::title_at(uint32_t len) const {
  return norm(params.b_title, len, avg_title, params.title_weight);
}

void finalize_snapshot(Snapshot* snap) {
  uint64_t live = 0, deleted = 0, len_body = 0, len_title = 0;
  uint32_t max_body = 0, max_title = 0;
  for (const SegmentState& s : snap->segments) {
    live += s.live_docs;
    deleted += s.segment->doc_count - s.live_docs;
    len_body += s.live_len_body;
    len_title += s.live_len_title;
    max_body = std::max(max_body, s.segment->max_len_body);
    max_title = std::max(max_title, s.segment->max_len_title);
  }
  snap->live_docs = live;
  snap->deleted_docs = deleted;
  LengthNorms& n = snap->norms;
  n.params = snap->params;
  n.avg_body = live ? static_cast<double>(len_body) / static_cast<double>(live) : 0;
  n.avg_title = live ? static_cast<double>(len_title) / static_cast<double>(live) : 0;
  n.body_table.resize(std::min(max_body, kMaxTable - 1) + 1);
  n.title_table.resize(std::min(max_title, kMaxTable - 1) + 1);
  for (uint32_t l = 0; l < n.body_table.size(); ++l) n.body_table[l] = n.body_at(l);
  for (uint32_t l = 0; l < n.title_table.size(); ++l) n.title_table[l] = n.title_at(l);
  snap->block_max = std::make_shared<BlockMaxCache>();
}

BlockMaxCache::Maxima block_maxima(const Snapshot& snap, size_t segment_index, uint32_t ordinal) {
  const uint64_t key = (static_cast<uint64_t>(segment_index) << 32) | ordinal;
  if (auto cached = snap.block_max->find(key)) return cached;
  const Segment& seg = *snap.segments[segment_index].segment;
  const TermInfo& term = seg.terms[ordinal];
  auto maxima = std::make_shared<std::vector<float>>(block_count(term.df), 0.0f);
  PostingCursor cursor;
  cursor.init(seg, term);
  // Deleted documents are included: the bound stays valid, only a little looser.
  for (cursor.ensure_decoded(); cursor.doc() != PostingCursor::kEnd;
       cursor.next(), cursor.ensure_decoded()) {
    // The same expression, in the same order, as the searcher's score(), so the maximum
    // is exact in floating point too.
    uint32_t d = cursor.doc();
    float x = static_cast<float>(cursor.tf_body()) * snap.norms.body(seg.len_body[d]);
    uint32_t tt = cursor.tf_title();
    if (tt != 0) x += static_cast<float>(tt) * snap.norms.title(seg.len_title[d]);
    float& slot = (*maxima)[cursor.block()];
    slot = std::max(slot, x);
  }
  return snap.block_max->insert(key, std::move(maxima));
}

uint32_t deleted_postings(const SegmentState& state, uint32_t ordinal) {
  if (!state.deleted) return 0;
  uint32_t count = 0;
  if (state.deleted_df->find(ordinal, &count)) return count;
  PostingCursor cursor;
  cursor.init(*state.segment, state.segment->terms[ordinal]);
  for (uint32_t doc : state.deleted->docs) {
    cursor.advance(doc);
    if (cursor.doc() != doc) {
      if (cursor.doc() == PostingCursor::kEnd) break;
      if (cursor.doc() > doc) continue;
    }
    cursor.ensure_decoded();
    if (cursor.doc() == PostingCursor::kEnd) break;
    if (cursor.doc() == doc) ++count;
  }
  state.deleted_df->insert(ordinal, count);
  return count;
}

SegmentState with_deletions(const SegmentState& state, const std::vector<uint32_t>& docs) {
  const Segment& seg = *state.segment;
  auto set = std::make_shared<DeletionSet>();
  if (state.deleted) {
    *set = *state.deleted;
  } else {
    set->bits.assign((seg.doc_count + 63) / 64, 0);
  }
  SegmentState out = state;
  std::vector<uint32_t> added;
  for (uint32_t d : docs) {
    if (d >= seg.doc_count || set->contains(d)) continue;
    set->bits[d >> 6] |= 1ULL << (d & 63);
    added.push_back(d);
    out.live_docs -= 1;
    out.live_len_body -= seg.len_body[d];
    out.live_len_title -= seg.len_title[d];
  }
  if (added.empty()) return state;
  std::sort(added.begin(), added.end());
  std::vector<uint32_t> merged;
  merged.reserve(set->docs.size() + added.size());
  std::merge(set->docs.begin(), set->docs.end(), added.begin(), added.end(),
             std::back_inserter(merged));
  set->docs = std::move(merged);
  out.deleted = std::move(set);
  out.deleted_df = std::make_shared<DeletedDfCache>();
  return out;
}

}  // namespace ragd::lex
