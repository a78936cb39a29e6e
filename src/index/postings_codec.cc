#include "index/postings_codec.h"

#include <algorithm>

#include "index/bitpack.h"

namespace ragd::lex {

TermBounds encode_postings(const uint32_t* docs, const uint32_t* tf_body,
                           const uint32_t* tf_title, size_t n, const uint32_t* len_body,
                           const uint32_t* len_title, std::string* payload,
                           std::vector<BlockMeta>* metas) {
  TermBounds bounds;
  uint32_t deltas[kBlockSize];
  size_t start = payload->size();
  int64_t prev = -1;
  bool multi = n > kBlockSize;
  for (size_t b = 0; b < n; b += kBlockSize) {
    size_t m = std::min<size_t>(kBlockSize, n - b);
    uint32_t max_delta = 0, max_tb = 0, max_tt = 0;
    uint32_t min_lb = UINT32_MAX, min_lt = UINT32_MAX;
    for (size_t i = 0; i < m; ++i) {
      uint32_t d = docs[b + i];
      deltas[i] = static_cast<uint32_t>(d - prev - 1);
      prev = d;
      max_delta = std::max(max_delta, deltas[i]);
      max_tb = std::max(max_tb, tf_body[b + i]);
      max_tt = std::max(max_tt, tf_title[b + i]);
      min_lb = std::min(min_lb, len_body[d]);
      min_lt = std::min(min_lt, len_title[d]);
    }
    if (multi) {
      BlockMeta meta;
      meta.last_doc = static_cast<uint32_t>(prev);
      meta.offset = static_cast<uint32_t>(payload->size() - start);
      meta.max_tf_body = saturate16(max_tb);
      meta.max_tf_title = saturate16(max_tt);
      meta.min_len_body = saturate16(min_lb);
      meta.min_len_title = saturate16(min_lt);
      metas->push_back(meta);
    }
    bounds.max_tf_body = std::max(bounds.max_tf_body, max_tb);
    bounds.max_tf_title = std::max(bounds.max_tf_title, max_tt);
    bounds.min_len_body = std::min(bounds.min_len_body, min_lb);
    bounds.min_len_title = std::min(bounds.min_len_title, min_lt);
    unsigned wd = bit_width_of(max_delta), wb = bit_width_of(max_tb), wt = bit_width_of(max_tt);
    payload->push_back(static_cast<char>(wd));
    payload->push_back(static_cast<char>(wb));
    payload->push_back(static_cast<char>(wt));
    bitpack_append(deltas, m, wd, payload);
    bitpack_append(tf_body + b, m, wb, payload);
    bitpack_append(tf_title + b, m, wt, payload);
  }
  return bounds;
}

size_t decode_block(const uint8_t* p, size_t avail, uint32_t n, int64_t prev_doc, uint32_t* docs,
                    uint32_t* tf_body, uint32_t* tf_title, uint64_t* last) {
  if (avail < 3) return 0;
  unsigned wd = p[0], wb = p[1], wt = p[2];
  if (wd > 32 || wb > 32 || wt > 32) return 0;
  size_t bd = packed_bytes(n, wd), bb = packed_bytes(n, wb), bt = packed_bytes(n, wt);
  size_t total = 3 + bd + bb + bt;
  if (total > avail) return 0;
  const uint8_t* q = p + 3;
  bitunpack(q, n, wd, docs);
  bitunpack(q + bd, n, wb, tf_body);
  bitunpack(q + bd + bb, n, wt, tf_title);
  uint64_t acc = static_cast<uint64_t>(prev_doc + 1);
  for (uint32_t i = 0; i < n; ++i) {
    acc += docs[i];
    docs[i] = static_cast<uint32_t>(acc);
    ++acc;
  }
  *last = acc - 1;
  return total;
}

}  // namespace ragd::lex
