// Block codec of a term's postings. A posting is (doc, tf_body, tf_title); a term's list
// is cut into blocks of kBlockSize postings (the last one may be shorter). A block is
//   u8 width_doc, u8 width_tf_body, u8 width_tf_title,
//   bit-packed (doc - previous doc - 1), bit-packed tf_body, bit-packed tf_title
// where "previous doc" of a block's first posting is the previous block's last doc (-1
// for the first block). Lists with more than one block also have one BlockMeta per block
// (kept apart from the payload, so skipping never touches payload bytes), holding the
// block's last doc, payload offset and the maxima that bound any score inside it.
// Pure functions, thread-safe.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace ragd::lex {

inline constexpr uint32_t kBlockSize = 128;
// A saturated u16 maximum in a BlockMeta: the true value may be larger (treat as unbounded).
inline constexpr uint16_t kSaturated16 = 0xffff;

// Persisted as 16 little-endian bytes in this field order.
struct BlockMeta {
  uint32_t last_doc = 0;
  uint32_t offset = 0;     // payload offset relative to the term's first block
  uint16_t max_tf_body = 0;   // saturates at kSaturated16 (then: unbounded)
  uint16_t max_tf_title = 0;  // saturates at kSaturated16 (then: unbounded)
  uint16_t min_len_body = 0;  // saturates at 0xffff (still a valid lower bound)
  uint16_t min_len_title = 0;
};
static_assert(sizeof(BlockMeta) == 16);

inline uint16_t saturate16(uint32_t v) { return v > 0xffff ? 0xffff : static_cast<uint16_t>(v); }

// Maxima over a whole term list (kept in the term dictionary, unsaturated).
struct TermBounds {
  uint32_t max_tf_body = 0;
  uint32_t max_tf_title = 0;
  uint32_t min_len_body = UINT32_MAX;
  uint32_t min_len_title = UINT32_MAX;
};

// Encodes the whole list (docs strictly increasing). `len_body`/`len_title` are indexed by
// doc. Appends payload to `payload`, and, when the list has more than one block, its
// BlockMetas to `metas`. Returns the list's bounds.
TermBounds encode_postings(const uint32_t* docs, const uint32_t* tf_body,
                           const uint32_t* tf_title, size_t n, const uint32_t* len_body,
                           const uint32_t* len_title, std::string* payload,
                           std::vector<BlockMeta>* metas);

// Decodes one block of `n` postings starting at `p`, of which `avail` bytes belong to the
// list (and at least 8 readable padding bytes follow them). Returns the bytes consumed, or
// 0 when the block would overrun `avail`. `*last` receives the last doc computed without
// wrap-around, so the caller can reject a block that decodes past its expected range.
size_t decode_block(const uint8_t* p, size_t avail, uint32_t n, int64_t prev_doc, uint32_t* docs,
                    uint32_t* tf_body, uint32_t* tf_title, uint64_t* last);

// Number of blocks of a list of `df` postings.
inline uint32_t block_count(uint32_t df) { return (df + kBlockSize - 1) / kBlockSize; }

}  // namespace ragd::lex
