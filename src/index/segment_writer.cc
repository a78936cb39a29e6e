#include "index/segment_writer.h"

#include <algorithm>
#include <cstring>

#include "index/byte_io.h"
#include "index/checksum.h"
#include "index/segment.h"

namespace ragd::lex {

uint32_t SegmentWriter::intern(std::string_view s) {
  auto [it, inserted] =
      string_ids_.try_emplace(std::string(s), static_cast<uint32_t>(strings_.size()));
  if (inserted) strings_.emplace_back(s);
  return it->second;
}

void SegmentWriter::add_doc(int64_t chunk_id, int64_t document_id, uint32_t domain, int32_t date,
                            uint32_t len_title, uint32_t len_body, const uint32_t* tags,
                            size_t tag_count) {
  ByteWriter w(&docs_);
  // Deltas are computed in unsigned arithmetic: extreme ids must not overflow.
  w.zigzag(static_cast<int64_t>(static_cast<uint64_t>(chunk_id) - static_cast<uint64_t>(prev_chunk_)));
  w.zigzag(static_cast<int64_t>(static_cast<uint64_t>(document_id) -
                                static_cast<uint64_t>(prev_document_)));
  w.varint(domain);
  w.zigzag(static_cast<int64_t>(date) - prev_date_);
  w.varint(len_title);
  w.varint(len_body);
  w.varint(tag_count);
  for (size_t i = 0; i < tag_count; ++i) w.varint(tags[i]);
  prev_chunk_ = chunk_id;
  prev_document_ = document_id;
  prev_date_ = date;
  len_title_.push_back(len_title);
  len_body_.push_back(len_body);
}

void SegmentWriter::add_term(std::string_view term, const uint32_t* docs, const uint32_t* tf_body,
                             const uint32_t* tf_title, size_t n) {
  size_t before = postings_.size();
  TermBounds b = encode_postings(docs, tf_body, tf_title, n, len_body_.data(), len_title_.data(),
                                 &postings_, &metas_);
  size_t prefix = 0;
  size_t limit = std::min(term.size(), prev_term_.size());
  while (prefix < limit && term[prefix] == prev_term_[prefix]) ++prefix;
  ByteWriter w(&dict_);
  w.varint(prefix);
  w.varint(term.size() - prefix);
  w.bytes(term.substr(prefix));
  w.varint(n);
  w.varint(postings_.size() - before);
  w.varint(b.max_tf_body);
  w.varint(b.max_tf_title);
  w.varint(b.min_len_body);
  w.varint(b.min_len_title);
  prev_term_.assign(term);
  ++term_count_;
}

std::string SegmentWriter::finish() {
  std::string out(kSegmentHeaderSize, '\0');
  uint64_t offsets[6];
  ByteWriter w(&out);
  offsets[0] = out.size();
  w.varint(strings_.size());
  for (const std::string& s : strings_) {
    w.varint(s.size());
    w.bytes(s);
  }
  offsets[1] = out.size();
  out += docs_;
  offsets[2] = out.size();
  out += dict_;
  offsets[3] = out.size();
  for (const BlockMeta& m : metas_) {
    w.u32(m.last_doc);
    w.u32(m.offset);
    w.u16(m.max_tf_body);
    w.u16(m.max_tf_title);
    w.u16(m.min_len_body);
    w.u16(m.min_len_title);
  }
  offsets[4] = out.size();
  out += postings_;
  offsets[5] = out.size();

  std::string header;
  ByteWriter h(&header);
  h.bytes(std::string_view(kSegmentMagic, 8));
  h.u32(kSegmentVersion);
  h.u32(0);
  h.u32(doc_count());
  h.u32(term_count_);
  for (uint64_t o : offsets) h.u64(o);
  std::memcpy(out.data(), header.data(), header.size());
  w.u64(checksum64(out));
  return out;
}

}  // namespace ragd::lex
