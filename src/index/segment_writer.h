// SegmentWriter: streams documents, then terms in byte order, into the bytes of one
// segment file (format in segment.h). Used both to build a segment from new chunks and to
// merge segments. Not thread-safe; one writer per segment being built.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "index/postings_codec.h"

namespace ragd::lex {

class SegmentWriter {
 public:
  // Id of `s` in the segment's string table (domains and tags).
  uint32_t intern(std::string_view s);

  // Documents in ascending chunk id order; their ordinals are 0, 1, 2, ...
  void add_doc(int64_t chunk_id, int64_t document_id, uint32_t domain, int32_t date,
               uint32_t len_title, uint32_t len_body, const uint32_t* tags, size_t tag_count);

  // After all documents: terms in strictly ascending byte order, each with its postings in
  // ascending doc order (n >= 1).
  void add_term(std::string_view term, const uint32_t* docs, const uint32_t* tf_body,
                const uint32_t* tf_title, size_t n);

  uint32_t doc_count() const { return static_cast<uint32_t>(len_body_.size()); }

  // The finished file bytes.
  std::string finish();

 private:
  std::vector<std::string> strings_;
  std::unordered_map<std::string, uint32_t> string_ids_;
  std::string docs_;
  int64_t prev_chunk_ = 0, prev_document_ = 0, prev_date_ = 0;
  std::vector<uint32_t> len_body_, len_title_;
  std::string dict_;
  std::string prev_term_;
  uint32_t term_count_ = 0;
  std::vector<BlockMeta> metas_;
  std::string postings_;
};

}  // namespace ragd::lex
