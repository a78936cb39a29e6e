// SegmentFilter: a SearchFilter compiled against one segment's string table, evaluated
// per candidate document inside the search loop. Not thread-safe; one per query and
// segment.
#pragma once

#include <cstdint>
#include <vector>

#include "index/lexical_index.h"
#include "index/segment.h"

namespace ragd::lex {

class SegmentFilter {
 public:
  // `sorted_document_ids` is filter.document_ids sorted (shared by all segments). Returns
  // false when no document of `seg` can match (e.g. a required tag the segment lacks).
  bool compile(const SearchFilter& filter, const Segment& seg,
               const std::vector<int64_t>& sorted_document_ids);

  bool matches(uint32_t doc) const;

 private:
  const Segment* seg_ = nullptr;
  std::vector<uint8_t> domain_ok_;  // by string id; empty = no domain constraint
  const std::vector<int64_t>* document_ids_ = nullptr;
  std::vector<uint32_t> required_tags_;
  bool has_date_ = false;
  int32_t date_from_ = 0, date_to_ = 0;
};

}  // namespace ragd::lex
