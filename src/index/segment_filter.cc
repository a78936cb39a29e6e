#include "index/segment_filter.h"

#include <algorithm>
#include <limits>

namespace ragd::lex {

bool SegmentFilter::compile(const SearchFilter& filter, const Segment& seg,
                            const std::vector<int64_t>& sorted_document_ids) {
  seg_ = &seg;
  domain_ok_.clear();
  if (!filter.domains.empty()) {
    domain_ok_.assign(seg.strings.size(), 0);
    bool any = false;
    for (const std::string& d : filter.domains) {
      auto it = seg.string_ids.find(d);
      if (it != seg.string_ids.end()) {
        domain_ok_[it->second] = 1;
        any = true;
      }
    }
    if (!any) return false;
  }
  document_ids_ = filter.document_ids.empty() ? nullptr : &sorted_document_ids;
  required_tags_.clear();
  for (const std::string& t : filter.tags) {
    auto it = seg.string_ids.find(t);
    if (it == seg.string_ids.end()) return false;
    required_tags_.push_back(it->second);
  }
  has_date_ = filter.date_from || filter.date_to;
  date_from_ = filter.date_from ? *filter.date_from : std::numeric_limits<int32_t>::min();
  date_to_ = filter.date_to ? *filter.date_to : std::numeric_limits<int32_t>::max();
  return !(has_date_ && date_from_ > date_to_);
}

bool SegmentFilter::matches(uint32_t doc) const {
  if (!domain_ok_.empty() && !domain_ok_[seg_->domains[doc]]) return false;
  if (document_ids_ &&
      !std::binary_search(document_ids_->begin(), document_ids_->end(), seg_->document_ids[doc])) {
    return false;
  }
  if (has_date_) {
    int32_t date = seg_->dates[doc];
    if (date == kNoDate || date < date_from_ || date > date_to_) return false;
  }
  if (!required_tags_.empty()) {
    const uint32_t* begin = seg_->tag_ids.data() + seg_->tag_begin[doc];
    const uint32_t* end = seg_->tag_ids.data() + seg_->tag_begin[doc + 1];
    for (uint32_t tag : required_tags_) {
      if (std::find(begin, end, tag) == end) return false;
    }
  }
  return true;
}

}  // namespace ragd::lex
