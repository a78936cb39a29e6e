// VectorSegment: the rows of one piece of the vector index (the FAISS base, or one delta of
// recent additions) with each row's chunk id and filter attributes, plus inverted lists
// (document, domain, tag -> rows) used to enumerate the rows a selective filter admits.
// Domains and tags are interned as small integers in a StringDict shared by all segments.
//
// Rows are numbered locally (0..size-1); the index places a segment at a global offset.
// Thread-safety: immutable once built; StringDict is copy-on-write (a new dict per change).
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "common/status.h"
#include "index/vector_index.h"

namespace ragd::vec {

class StringDict {
 public:
  static constexpr uint32_t kMissing = UINT32_MAX;
  uint32_t find(std::string_view s) const;
  // Returns the id of `s`, adding it when new.
  uint32_t intern(std::string_view s);
  const std::string& name(uint32_t id) const { return names_[id]; }
  size_t size() const { return names_.size(); }

 private:
  std::unordered_map<std::string, uint32_t> ids_;
  std::vector<std::string> names_;
};

struct SegmentAttrs {
  std::vector<int64_t> chunk_ids;
  std::vector<int64_t> document_ids;
  std::vector<uint32_t> domains;      // StringDict ids
  std::vector<uint32_t> tag_offsets;  // size() + 1 entries into `tags`
  std::vector<uint32_t> tags;         // StringDict ids, ascending per row
  std::vector<int32_t> dates;

  size_t size() const { return chunk_ids.size(); }
  void add(const VectorEntry& e, StringDict* dict);
  void append(const SegmentAttrs& other, size_t row);  // copies one row of `other`
  bool has_tag(uint32_t row, uint32_t tag) const;
  uint64_t bytes() const;
};

// Inverted lists of one segment, built from its attributes.
struct SegmentLists {
  std::unordered_map<int64_t, std::vector<uint32_t>> by_document;
  std::unordered_map<uint32_t, std::vector<uint32_t>> by_domain;
  std::unordered_map<uint32_t, std::vector<uint32_t>> by_tag;
  uint64_t bytes = 0;
  static SegmentLists build(const SegmentAttrs& attrs);
};

// Serialised attributes: a local string table followed by one record per row, so a file is
// self-contained and its strings are re-interned when it is loaded.
void encode_attrs(const SegmentAttrs& attrs, const StringDict& dict, std::string* out);
// Parses attributes from `bytes` starting at *pos (advanced past them).
Status decode_attrs(std::string_view bytes, size_t* pos, StringDict* dict, SegmentAttrs* out);

}  // namespace ragd::vec
