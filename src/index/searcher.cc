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
  float weight = 0;
  float bound = 0;    // upper bound of this term's score in the segment
  uint32_t term = 0;  // index into the query terms
};

class SegmentSearch {
 public:
  SegmentSearch(const SegmentState& state, const LengthNorms& norms, float k1, TopK* top,
                std::vector<float>* contrib)
      : state_(state),
        seg_(*state.segment),
        norms_(norms),
        k1_(k1),
        top_(top),
        contrib_(*contrib) {}

  float bound(const BlockMeta& m, float weight) const {
    float tb = m.max_tf_body == kSaturated16 ? kUnbounded : m.max_tf_body;
    float tt = m.max_tf_title == kSaturated16 ? kUnbounded : m.max_tf_title;
    float x = tb * norms_.body(m.min_len_body) + tt * norms_.title(m.min_len_title);
    return bm25_saturate(weight, x, k1_) * kSlack;
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

  template <bool kCheckLive, bool kFilter>
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
  std::vector<float>& contrib_;
};

template <bool kCheckLive, bool kFilter>
void SegmentSearch::run(std::vector<TermCursor>& cur, const SegmentFilter* filter) {
  constexpr uint32_t kEnd = PostingCursor::kEnd;
  const size_t m = cur.size();
  std::vector<uint32_t> order(m);
  std::iota(order.begin(), order.end(), 0);
  std::sort(order.begin(), order.end(),
            [&](uint32_t a, uint32_t b) { return cur[a].bound < cur[b].bound; });
  std::vector<TermCursor*> c(m);
  std::vector<float> cum(m);
  float sum = 0;
  for (size_t i = 0; i < m; ++i) {
    c[i] = &cur[order[i]];
    sum += c[i]->bound;
    cum[i] = sum;
  }
  std::vector<uint32_t> touched;
  touched.reserve(m);

  float theta = top_->threshold();
  size_t ne = 0;  // c[0, ne) are non-essential
  auto update_essential = [&] {
    while (ne < m && cum[ne] < theta) ++ne;
  };
  update_essential();
  bool window_valid = false;
  uint32_t window_end = 0;
  float window_ub = 0;
  size_t window_ne = 0;

  while (ne < m) {
    uint32_t d = kEnd;
    for (size_t i = ne; i < m; ++i) d = std::min(d, c[i]->cursor.doc());
    if (d == kEnd) break;

    if (ne > 0 || theta > -kUnbounded) {
      // Block-max check of the window [d, nearest block end of an essential cursor]. Inside
      // the window no essential cursor changes block, so its bound holds for every doc in
      // it and is computed once per window (and again if the essential set changes).
      if (!window_valid || d > window_end || window_ne != ne) {
        window_end = kEnd;
        for (size_t i = ne; i < m; ++i) {
          if (c[i]->cursor.doc() != kEnd) window_end = std::min(window_end, c[i]->cursor.block_last());
        }
        window_ub = ne > 0 ? cum[ne - 1] : 0.0f;
        for (size_t i = ne; i < m; ++i) {
          if (c[i]->cursor.doc() <= window_end) {
            window_ub += bound(c[i]->cursor.block_meta(), c[i]->weight);
          }
        }
        window_ne = ne;
        window_valid = true;
      }
      if (window_ub < theta) {
        for (size_t i = ne; i < m; ++i) c[i]->cursor.advance(window_end + 1);
        window_valid = false;
        continue;
      }
    }

    bool moved = false;
    for (size_t i = ne; i < m; ++i) {
      PostingCursor& pc = c[i]->cursor;
      if (pc.doc() == d && !pc.decoded()) {
        pc.ensure_decoded();
        moved |= pc.doc() != d;
      }
    }
    if (moved) continue;

    bool pass = true;
    if constexpr (kCheckLive) pass = state_.is_live(d);
    if constexpr (kFilter) pass = pass && filter->matches(d);
    if (!pass) {
      for (size_t i = ne; i < m; ++i) {
        if (c[i]->cursor.doc() == d) c[i]->cursor.next();
      }
      continue;
    }

    float s = 0;
    touched.clear();
    for (size_t i = ne; i < m; ++i) {
      TermCursor& tc = *c[i];
      if (tc.cursor.doc() != d) continue;
      float v = score(tc, d);
      contrib_[tc.term] = v;
      touched.push_back(tc.term);
      s += v;
      tc.cursor.next();
    }
    bool reject = false;
    for (size_t j = ne; j-- > 0;) {
      if (s + cum[j] < theta) {
        reject = true;
        break;
      }
      TermCursor& tc = *c[j];
      tc.cursor.advance(d);
      if (tc.cursor.doc() > d) continue;
      float rest = j > 0 ? cum[j - 1] : 0.0f;
      if (s + bound(tc.cursor.block_meta(), tc.weight) + rest < theta) {
        reject = true;
        break;
      }
      tc.cursor.ensure_decoded();
      if (tc.cursor.doc() != d) continue;
      float v = score(tc, d);
      contrib_[tc.term] = v;
      touched.push_back(tc.term);
      s += v;
    }
    if (!reject) {
      std::sort(touched.begin(), touched.end());
      float total = 0;
      for (uint32_t t : touched) total += contrib_[t];
      if (total > 0 && top_->push(total, seg_.chunk_ids[d])) {
        theta = top_->threshold();
        update_essential();
      }
    }
  }
}

void SegmentSearch::run_exhaustive(std::vector<TermCursor>& cur, const SegmentFilter* filter) {
  constexpr uint32_t kEnd = PostingCursor::kEnd;
  thread_local std::vector<float> acc;
  thread_local std::vector<uint32_t> touched;
  if (acc.size() < seg_.doc_count) acc.assign(seg_.doc_count, 0.0f);
  touched.clear();
  for (TermCursor& tc : cur) {
    PostingCursor& pc = tc.cursor;
    for (pc.ensure_decoded(); pc.doc() != kEnd; pc.next(), pc.ensure_decoded()) {
      uint32_t d = pc.doc();
      float v = score(tc, d);
      if (acc[d] == 0.0f) touched.push_back(d);
      acc[d] += v;
    }
  }
  const bool check_live = state_.deleted != nullptr;
  for (uint32_t d : touched) {
    float total = acc[d];
    acc[d] = 0.0f;  // leave the scratch space clean for the next segment or query
    if (check_live && !state_.is_live(d)) continue;
    if (filter != nullptr && !filter->matches(d)) continue;
    top_->push(total, seg_.chunk_ids[d]);
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
  std::vector<float> contrib(nterms, 0.0f);
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

    SegmentSearch search(st, snap.norms, p.k1, &top, &contrib);
    std::vector<TermCursor> cursors(present);  // not resized again: cursors must not move
    size_t i = 0;
    for (size_t t = 0; t < nterms; ++t) {
      int64_t ord = ordinals[s * nterms + t];
      if (ord < 0 || terms[t].weight <= 0) continue;
      const TermInfo& info = st.segment->terms[static_cast<size_t>(ord)];
      TermCursor& tc = cursors[i++];
      tc.cursor.init(*st.segment, info);
      tc.weight = terms[t].weight;
      tc.bound = search.term_bound(info, tc.weight);
      tc.term = static_cast<uint32_t>(t);
    }
    const bool exhaustive = strategy == SearchStrategy::kExhaustive ||
                            (strategy == SearchStrategy::kAuto && postings <= kExhaustivePostings);
    if (exhaustive) {
      search.run_exhaustive(cursors, filtered ? &seg_filter : nullptr);
      continue;
    }
    bool live = st.deleted != nullptr;
    if (live && filtered) {
      search.run<true, true>(cursors, &seg_filter);
    } else if (live) {
      search.run<true, false>(cursors, nullptr);
    } else if (filtered) {
      search.run<false, true>(cursors, &seg_filter);
    } else {
      search.run<false, false>(cursors, nullptr);
    }
  }
  return top.take_sorted();
}

}  // namespace ragd::lex
