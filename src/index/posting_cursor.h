// PostingCursor: forward iterator over one term's postings in one segment, decoding a
// block only when a document inside it is actually needed. advance() may leave the cursor
// "undecoded": then doc() is only a lower bound of the next posting, and block_meta()
// bounds every posting of the current block; ensure_decoded() makes doc() exact. A block
// that does not decode consistently (corrupt file) ends the list. Not thread-safe; one
// cursor per query and term. Must not be copied or moved after init().
#pragma once

#include <algorithm>
#include <cstdint>

#include "index/postings_codec.h"
#include "index/segment.h"

namespace ragd::lex {

class PostingCursor {
 public:
  static constexpr uint32_t kEnd = UINT32_MAX;

  PostingCursor() = default;
  PostingCursor(const PostingCursor&) = delete;
  PostingCursor& operator=(const PostingCursor&) = delete;

  void init(const Segment& seg, const TermInfo& term) {
    data_ = seg.postings(term);
    bytes_ = term.postings_bytes;
    df_ = term.df;
    doc_count_ = seg.doc_count;
    nblocks_ = block_count(term.df);
    block_ = 0;
    if (nblocks_ > 1) {
      metas_ = seg.metas.data() + term.meta_index;
      decoded_ = false;
      cur_ = 0;
    } else {
      single_.offset = 0;
      single_.max_tf_body = saturate16(term.bounds.max_tf_body);
      single_.max_tf_title = saturate16(term.bounds.max_tf_title);
      single_.min_len_body = saturate16(term.bounds.min_len_body);
      single_.min_len_title = saturate16(term.bounds.min_len_title);
      single_.last_doc = kEnd - 1;
      metas_ = &single_;
      decoded_ = false;
      cur_ = 0;
      ensure_decoded();
      if (cur_ != kEnd) single_.last_doc = docs_[n_ - 1];
    }
  }

  uint32_t doc() const { return cur_; }
  bool decoded() const { return decoded_; }
  const BlockMeta& block_meta() const { return metas_[block_]; }
  uint32_t block_last() const { return metas_[block_].last_doc; }
  uint32_t block() const { return block_; }  // index of the current block
  uint32_t tf_body() const { return tf_body_[pos_]; }
  uint32_t tf_title() const { return tf_title_[pos_]; }

  void ensure_decoded() {
    if (decoded_ || cur_ == kEnd) return;
    if (!decode(block_)) {
      cur_ = kEnd;
      return;
    }
    decoded_ = true;
    pos_ = static_cast<uint32_t>(std::lower_bound(docs_, docs_ + n_, cur_) - docs_);
    if (pos_ == n_) {  // only reachable with inconsistent metas
      cur_ = kEnd;
      return;
    }
    cur_ = docs_[pos_];
  }

  // Calls f(doc, tf_body, tf_title) for every remaining posting, block by block, and leaves
  // the cursor at the end. The tight loop of term-at-a-time scoring.
  template <typename F>
  void drain(F&& f) {
    for (ensure_decoded(); cur_ != kEnd; ensure_decoded()) {
      for (uint32_t i = pos_; i < n_; ++i) f(docs_[i], tf_body_[i], tf_title_[i]);
      pos_ = n_ - 1;
      next();
    }
  }

  // Requires decoded() and doc() != kEnd.
  void next() {
    if (++pos_ < n_) {
      cur_ = docs_[pos_];
      return;
    }
    if (block_ + 1 >= nblocks_) {
      cur_ = kEnd;
      return;
    }
    cur_ = metas_[block_].last_doc + 1;
    ++block_;
    decoded_ = false;
  }

  // Moves to the first posting >= target (lazily: may leave the cursor undecoded).
  void advance(uint32_t target) {
    if (cur_ >= target) return;
    if (metas_[block_].last_doc >= target) {
      if (decoded_) {
        while (docs_[pos_] < target) ++pos_;
        cur_ = docs_[pos_];
      } else {
        cur_ = target;
      }
      return;
    }
    // Galloping search for the first block whose last doc >= target.
    uint32_t lo = block_ + 1, step = 1, hi = lo;
    while (hi < nblocks_ && metas_[hi].last_doc < target) {
      lo = hi + 1;
      hi += step;
      step <<= 1;
    }
    hi = std::min(hi, nblocks_);
    while (lo < hi) {
      uint32_t mid = lo + (hi - lo) / 2;
      if (metas_[mid].last_doc < target) {
        lo = mid + 1;
      } else {
        hi = mid;
      }
    }
    if (lo >= nblocks_) {
      cur_ = kEnd;
      return;
    }
    block_ = lo;
    decoded_ = false;
    cur_ = target;
  }

 private:
  bool decode(uint32_t b) {
    n_ = (b + 1 == nblocks_) ? df_ - b * kBlockSize : kBlockSize;
    uint64_t offset = metas_[b].offset;
    if (offset >= bytes_) return false;
    int64_t prev = b == 0 ? -1 : static_cast<int64_t>(metas_[b - 1].last_doc);
    uint64_t last;
    if (decode_block(data_ + offset, bytes_ - offset, n_, prev, docs_, tf_body_, tf_title_,
                     &last) == 0) {
      return false;
    }
    if (nblocks_ > 1) return last == metas_[b].last_doc;
    return last < doc_count_;
  }

  const uint8_t* data_ = nullptr;
  uint64_t bytes_ = 0;
  const BlockMeta* metas_ = nullptr;
  BlockMeta single_;
  uint32_t df_ = 0, doc_count_ = 0, nblocks_ = 0, block_ = 0, n_ = 0, pos_ = 0;
  uint32_t cur_ = kEnd;
  bool decoded_ = false;
  uint32_t docs_[kBlockSize];
  uint32_t tf_body_[kBlockSize];
  uint32_t tf_title_[kBlockSize];
};

}  // namespace ragd::lex
