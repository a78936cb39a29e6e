// Segment: one immutable, loaded segment of the lexical index: per-document attributes
// (chunk id, document id, domain, tags, date, field lengths), a sorted term dictionary with
// a hash lookup, block metadata and the compressed postings. Documents are ordered by
// chunk id, so a chunk is found by binary search.
//
// File format (little-endian), written by SegmentWriter, checked and loaded by parse():
//   header: "RAGDLSEG", u32 version, u32 reserved, u32 doc_count, u32 term_count,
//           u64 offsets of: strings, docs, dictionary, block metas, postings, end
//   strings:    varint count, then (varint size, bytes) each; the segment's domain and tag
//               names, referred to by index
//   docs:       per doc: zigzag delta chunk_id, zigzag delta document_id, varint domain,
//               zigzag delta date, varint title length, varint body length, varint tag
//               count, varint tag string ids
//   dictionary: per term in byte order: varint shared prefix with the previous term,
//               varint suffix size, suffix, varint df, varint postings bytes, varint
//               max tf body, max tf title, min body length, min title length
//   metas:      BlockMeta (16 bytes) per block of each term with more than one block
//   postings:   the block payloads of each term (postings_codec.h), in dictionary order
//   footer:     u64 checksum64 of everything before it
// Thread-safety: immutable after parse(); share freely.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "common/status.h"
#include "index/postings_codec.h"
#include "index/term_table.h"

namespace ragd::lex {

// Per-document field lengths, read for every scored posting: kept as 16-bit values when
// the segment's longest field fits (nearly always), halving the cache misses of scoring.
class LengthColumn {
 public:
  void assign(std::vector<uint32_t> values, uint32_t max_value) {
    if (max_value <= 0xffff) {
      narrow_.assign(values.begin(), values.end());
      wide_.clear();
    } else {
      wide_ = std::move(values);
      narrow_.clear();
    }
  }
  uint32_t operator[](size_t i) const { return wide_.empty() ? narrow_[i] : wide_[i]; }

 private:
  std::vector<uint16_t> narrow_;
  std::vector<uint32_t> wide_;
};

inline constexpr char kSegmentMagic[8] = {'R', 'A', 'G', 'D', 'L', 'S', 'E', 'G'};
inline constexpr uint32_t kSegmentVersion = 1;
inline constexpr size_t kSegmentHeaderSize = 8 + 4 * 4 + 6 * 8;

struct TermInfo {
  uint64_t postings_offset = 0;  // into the postings section
  uint64_t postings_bytes = 0;
  uint32_t df = 0;
  uint32_t meta_index = 0;  // first BlockMeta of the term when it has more than one block
  uint32_t text_offset = 0;
  uint32_t text_size = 0;
  TermBounds bounds;
};

struct Segment {
  // Checks and loads segment file bytes. Any inconsistency is kCorruption.
  static Result<std::shared_ptr<const Segment>> parse(uint64_t id, std::string bytes);

  std::string_view term(uint32_t ordinal) const {
    const TermInfo& t = terms[ordinal];
    return std::string_view(term_text).substr(t.text_offset, t.text_size);
  }
  // Ordinal of `term` (whose term_hash is `hash`), or -1.
  int64_t find_term(std::string_view term_bytes, uint64_t hash) const {
    return table.find(hash, [&](uint32_t ordinal) { return term(ordinal) == term_bytes; });
  }
  // Doc ordinal of a chunk, or -1.
  int64_t find_chunk(int64_t chunk_id) const;
  const uint8_t* postings(const TermInfo& t) const { return postings_base + t.postings_offset; }

  uint64_t id = 0;
  uint64_t file_size = 0;
  uint64_t checksum = 0;
  uint32_t doc_count = 0;

  std::vector<int64_t> chunk_ids;
  std::vector<int64_t> document_ids;
  std::vector<int32_t> dates;
  std::vector<uint32_t> domains;
  std::vector<uint32_t> tag_begin;  // doc_count + 1 offsets into tag_ids
  std::vector<uint32_t> tag_ids;
  LengthColumn len_body;
  LengthColumn len_title;
  uint64_t sum_len_body = 0;
  uint64_t sum_len_title = 0;
  uint32_t max_len_body = 0;
  uint32_t max_len_title = 0;

  std::vector<std::string> strings;
  std::unordered_map<std::string, uint32_t> string_ids;

  std::string term_text;
  std::vector<TermInfo> terms;
  TermTable table;
  std::vector<BlockMeta> metas;
  uint64_t total_postings = 0;

  std::string bytes;  // the file, plus zero padding that the block decoder may over-read
  const uint8_t* postings_base = nullptr;
  uint64_t postings_size = 0;
};

}  // namespace ragd::lex
