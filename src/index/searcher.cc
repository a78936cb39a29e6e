#include "index/searcher.h"

#include <algorithm>
#include <memory>
#include <numeric>
#include <string_view>
#include <unordered_map>

#include "index/bm25f.h"
#include "index/posting_cursor.h"
#include "index/segment_filter.h"
#include "index/term_table.h"
#include "index/top_k.h"

namespace ragd::lex {
namespace {

// Upper bounds are inflated by this factor so float rounding in a bound can never prune a
// document whose exactly computed score would enter the top k.
constexpr float kSlack = 1.0001f;
constexpr float kUnbounded = 1e30f;

struct QueryTerm {
  std::string_view text;
  uint64_t hash = 0;
  uint32_t qtf = 0;
  float weight = 0;  // idf * qtf * (k1 + 1)
};

struct TermCursor {
  PostingCursor cursor;
  const float* block_max = nullptr;  // exact tf~ maximum per block, when computed
  float weight = 0;
  float bound = 0;    // upper bound of this term's score in the segment
  uint32_t term = 0;  // index into the query terms
};

class SegmentSearch {
 public:
  SegmentSearch(const SegmentState& state, const LengthNorms& norms, float k1, TopK* top,
                size_t query_terms)
      : state_(state),
        seg_(*state.segment),
        norms_(norms),
        k1_(k1),
        top_(top),
        nterms_(query_terms) {}

  float bound(const BlockMeta& m, float weight) const {
    float tb = m.max_tf_body == kSaturated16 ? kUnbounded : m.max_tf_body;
    float tt = m.max_tf_title == kSaturated16 ? kUnbounded : m.max_tf_title;
    float x = tb * norms_.body(m.min_len_body) + tt * norms_.title(m.min_len_title);
    return bm25_saturate(weight, x, k1_) * kSlack;
  }

  // Upper bound of the cursor's score anywhere in its current block.
  float bound(const TermCursor& tc) const {
    if (tc.block_max != nullptr) {
      return bm25_saturate(tc.weight, tc.block_max[tc.cursor.block()], k1_) * kSlack;
    }
    return bound(tc.cursor.block_meta(), tc.weight);
  }

  float term_bound(const TermInfo& t, float weight) const {
    float x = static_cast<float>(t.bounds.max_tf_body) * norms_.body(t.bounds.min_len_body) +
              static_cast<float>(t.bounds.max_tf_title) * norms_.title(t.bounds.min_len_title);
    return bm25_saturate(weight, x, k1_) * kSlack;
  }

  float score(const TermCursor& c, uint32_t doc) const {
    float x = static_cast<float>(c.cursor.tf_body()) * norms_.body(seg_.len_body[doc]);
    uint32_t tt = c.cursor.tf_title();
    if (tt != 0) x += static_cast<float>(tt) * norms_.title(seg_.len_title[doc]);
    return bm25_saturate(c.weight, x, k1_);
  }

  // Block-max MaxScore over windows of kWindow documents: essential cursors are scored
  // term at a time into per-term slots of the window, then each document of the window is
  // completed from the non-essential cursors unless its bound cannot reach the threshold.
  // Scores are summed in query-term order, as run_exhaustive() does.
  void run(std::vector<TermCursor>& cur, const SegmentFilter* filter);

  // Term-at-a-time: every posting of every cursor, accumulated per document. `cur` must be
  // in query-term order (the summation order of run()).
  void run_exhaustive(std::vector<TermCursor>& cur, const SegmentFilter* filter);

 private:
  const SegmentState& state_;
  const Segment& seg_;
  const LengthNorms& norms_;
  float k1_;
  TopK* top_;
  size_t nterms_;  // distinct query terms (TermCursor::term < nterms_)
};

void SegmentSearch::run(std::vector<TermCursor>& cur, const SegmentFilter* filter) {
  constexpr uint32_t kEnd = PostingCursor::kEnd;
  constexpr uint32_t kWindow = 2048;
  const size_t m = cur.size();
  const size_t nterms = nterms_;
  // Cursors by ascending bound; c[0, ne) are non-essential: their bounds together cannot
  // lift a document to the threshold, so they never start a candidate.
  std::vector<TermCursor*> c(m);
  for (size_t i = 0; i < m; ++i) c[i] = &cur[i];
  std::sort(c.begin(), c.end(), [](const TermCursor* a, const TermCursor* b) {
    return a->bound < b->bound || (a->bound == b->bound && a->term < b->term);
  });
  std::vector<float> cum(m);
  float sum = 0;
  for (size_t i = 0; i < m; ++i) cum[i] = sum += c[i]->bound;

  thread_local std::vector<float> slots;        // [term * kWindow + offset]
  thread_local std::vector<uint64_t> occupied;  // offsets of the window with a candidate
  if (slots.size() < nterms * kWindow) slots.assign(nterms * kWindow, 0.0f);
  occupied.assign(kWindow / 64, 0);

  float theta = top_->threshold();
  size_t ne = 0;
  auto update_essential = [&] {
    while (ne < m && cum[ne] < theta) ++ne;
  };
  update_essential();
  const bool check_live = state_.deleted != nullptr;

  while (ne < m) {
    uint32_t start = kEnd;
    for (size_t i = ne; i < m; ++i) start = std::min(start, c[i]->cursor.doc());
    if (start == kEnd) break;
    const uint32_t last = start > kEnd - kWindow ? kEnd - 1 : start + kWindow - 1;
    const size_t window_ne = ne;  // fixed for this window; theta may still rise in it

    // Window bound from every cursor's block maxima: skip the window when it cannot reach
    // the threshold (only meaningful once the collector is full).
    if (theta > -kUnbounded) {
      uint32_t block_end = last;
      for (size_t i = 0; i < m; ++i) {
        PostingCursor& pc = c[i]->cursor;
        pc.advance(start);
        if (pc.doc() != kEnd) block_end = std::min(block_end, pc.block_last());
      }
      float ub = 0;
      for (size_t i = 0; i < m; ++i) {
        if (c[i]->cursor.doc() <= block_end) ub += bound(*c[i]);
      }
      if (ub < theta) {
        for (size_t i = window_ne; i < m; ++i) c[i]->cursor.advance(block_end + 1);
        continue;
      }
    }

    // Essential cursors, term at a time, into the window's slots.
    for (size_t i = window_ne; i < m; ++i) {
      TermCursor& tc = *c[i];
      PostingCursor& pc = tc.cursor;
      float* row = &slots[static_cast<size_t>(tc.term) * kWindow];
      for (pc.ensure_decoded(); pc.doc() <= last; pc.next(), pc.ensure_decoded()) {
        uint32_t d = pc.doc();
        uint32_t off = d - start;
        row[off] = score(tc, d);
        occupied[off >> 6] |= uint64_t{1} << (off & 63);
      }
    }

    // Each candidate of the window, in document order.
    for (uint32_t word = 0; word < kWindow / 64; ++word) {
      uint64_t bits = occupied[word];
      occupied[word] = 0;
      while (bits != 0) {
        const uint32_t off = word * 64 + static_cast<uint32_t>(__builtin_ctzll(bits));
        bits &= bits - 1;
        const uint32_t d = start + off;
        bool keep = (!check_live || state_.is_live(d)) && (filter == nullptr || filter->matches(d));
        if (keep) {
          float s = 0;
          for (size_t i = window_ne; i < m; ++i) s += slots[c[i]->term * kWindow + off];
          for (size_t j = window_ne; j-- > 0;) {
            if (s + cum[j] < theta) {
              keep = false;
              break;
            }
            TermCursor& tc = *c[j];
            tc.cursor.advance(d);
            if (tc.cursor.doc() > d) continue;
            float rest = j > 0 ? cum[j - 1] : 0.0f;
            if (s + bound(tc) + rest < theta) {
              keep = false;
              break;
            }
            tc.cursor.ensure_decoded();
            if (tc.cursor.doc() != d) continue;
            float v = score(tc, d);
            slots[tc.term * kWindow + off] = v;
            s += v;
          }
        }
        float total = 0;
        for (size_t t = 0; t < nterms; ++t) {
          float& slot = slots[t * kWindow + off];
          total += slot;  // query-term order; absent terms add an exact 0
          slot = 0.0f;
        }
        // The chunk id is a random read into a large array: only fetched for a candidate
        // that can enter (a tie with the threshold is settled by chunk id).
        if (keep && total > 0 && total >= theta && top_->push(total, seg_.chunk_ids[d])) {
          theta = top_->threshold();
          update_essential();
        }
      }
    }
  }
}

void SegmentSearch::run_exhaustive(std::vector<TermCursor>& cur, const SegmentFilter* filter) {
  thread_local std::vector<float> acc;
  thread_local std::vector<uint32_t> touched;
  if (acc.size() < seg_.doc_count) acc.assign(seg_.doc_count, 0.0f);
  touched.clear();
  float* sums = acc.data();
  for (TermCursor& tc : cur) {
    // The same expression, in the same order, as score(): bit-identical to the pruned path.
    const float weight = tc.weight;
    tc.cursor.drain([&](uint32_t d, uint32_t tf_body, uint32_t tf_title) {
      float x = static_cast<float>(tf_body) * norms_.body(seg_.len_body[d]);
      if (tf_title != 0) x += static_cast<float>(tf_title) * norms_.title(seg_.len_title[d]);
      float v = bm25_saturate(weight, x, k1_);
      if (sums[d] == 0.0f) touched.push_back(d);
      sums[d] += v;
    });
  }
  const bool check_live = state_.deleted != nullptr;
  float theta = top_->threshold();
  for (uint32_t d : touched) {
    float total = acc[d];
    acc[d] = 0.0f;  // leave the scratch space clean for the next segment or query
    if (total < theta) continue;  // spares the chunk-id read (see run())
    if (check_live && !state_.is_live(d)) continue;
    if (filter != nullptr && !filter->matches(d)) continue;
    if (top_->push(total, seg_.chunk_ids[d])) theta = top_->threshold();
  }
}

}  // namespace

std::vector<ScoredChunk> search_snapshot(const Snapshot& snap,
                                         const std::vector<std::string>& query_terms, size_t k,
                                         const SearchFilter& filter, SearchStrategy strategy) {
  if (k == 0 || query_terms.empty() || snap.live_docs == 0) return {};

  // Distinct terms in first-occurrence order, with their query frequency.
  std::vector<QueryTerm> terms;
  {
    std::unordered_map<std::string_view, size_t> seen;
    for (const std::string& t : query_terms) {
      if (t.empty()) continue;
      auto [it, inserted] = seen.try_emplace(t, terms.size());
      if (inserted) terms.push_back({t, term_hash(t), 0, 0});
      terms[it->second].qtf += 1;
    }
  }
  if (terms.empty()) return {};

  const size_t nseg = snap.segments.size();
  const size_t nterms = terms.size();
  std::vector<int64_t> ordinals(nseg * nterms, -1);
  const Bm25Params& p = snap.params;
  const double n = static_cast<double>(snap.live_docs);
  for (size_t t = 0; t < nterms; ++t) {
    uint64_t df = 0;
    for (size_t s = 0; s < nseg; ++s) {
      const SegmentState& st = snap.segments[s];
      int64_t ord = st.segment->find_term(terms[t].text, terms[t].hash);
      ordinals[s * nterms + t] = ord;
      if (ord >= 0) {
        uint32_t o = static_cast<uint32_t>(ord);
        df += st.segment->terms[o].df - deleted_postings(st, o);
      }
    }
    if (df > 0) {
      terms[t].weight = static_cast<float>(bm25_idf(n, static_cast<double>(df)) * terms[t].qtf *
                                           (static_cast<double>(p.k1) + 1.0));
    }
  }

  std::vector<int64_t> sorted_docs;
  if (!filter.document_ids.empty()) {
    sorted_docs = filter.document_ids;
    std::sort(sorted_docs.begin(), sorted_docs.end());
  }
  const bool filtered = !filter.empty();

  TopK top(std::min<uint64_t>(k, snap.live_docs));
  for (size_t s = 0; s < nseg; ++s) {
    const SegmentState& st = snap.segments[s];
    if (st.live_docs == 0) continue;
    size_t present = 0;
    uint64_t postings = 0;
    for (size_t t = 0; t < nterms; ++t) {
      int64_t ord = ordinals[s * nterms + t];
      if (ord >= 0 && terms[t].weight > 0) {
        ++present;
        postings += st.segment->terms[static_cast<size_t>(ord)].df;
      }
    }
    if (present == 0) continue;
    SegmentFilter seg_filter;
    if (filtered && !seg_filter.compile(filter, *st.segment, sorted_docs)) continue;

    SegmentSearch search(st, snap.norms, p.k1, &top, nterms);
    const bool exhaustive = strategy == SearchStrategy::kExhaustive ||
                            (strategy == SearchStrategy::kAuto && postings <= kExhaustivePostings);
    std::vector<TermCursor> cursors(present);  // not resized again: cursors must not move
    std::vector<BlockMaxCache::Maxima> maxima;  // keeps the cursors' block_max alive
    size_t i = 0;
    for (size_t t = 0; t < nterms; ++t) {
      int64_t ord = ordinals[s * nterms + t];
      if (ord < 0 || terms[t].weight <= 0) continue;
      const TermInfo& info = st.segment->terms[static_cast<size_t>(ord)];
      TermCursor& tc = cursors[i++];
      tc.cursor.init(*st.segment, info);
      tc.weight = terms[t].weight;
      tc.term = static_cast<uint32_t>(t);
      if (exhaustive) continue;  // no bounds needed
      maxima.push_back(block_maxima(snap, s, static_cast<uint32_t>(ord)));
      tc.block_max = maxima.back()->data();
      float term_max = *std::max_element(maxima.back()->begin(), maxima.back()->end());
      tc.bound = std::min(search.term_bound(info, tc.weight),
                          bm25_saturate(tc.weight, term_max, p.k1) * kSlack);
    }
    if (exhaustive) {
      search.run_exhaustive(cursors, filtered ? &seg_filter : nullptr);
      continue;
    }
    search.run(cursors, filtered ? &seg_filter : nullptr);
  }
  return top.take_sorted();
}

}  // namespace ragd::lex
