#include "index/vector_segment.h"

#include <algorithm>

#include "index/byte_io.h"

namespace ragd::vec {

uint32_t StringDict::find(std::string_view s) const {
  auto it = ids_.find(std::string(s));
  return it == ids_.end() ? kMissing : it->second;
}

uint32_t StringDict::intern(std::string_view s) {
  // A known string is only looked up, so a dictionary holding every string in use may be
  // shared with concurrent readers while rows are interned against it.
  uint32_t known = find(s);
  if (known != kMissing) return known;
  auto [it, added] = ids_.emplace(std::string(s), static_cast<uint32_t>(names_.size()));
  if (added) names_.emplace_back(s);
  return it->second;
}

void SegmentAttrs::add(const VectorEntry& e, StringDict* dict) {
  if (tag_offsets.empty()) tag_offsets.push_back(0);
  chunk_ids.push_back(e.chunk_id);
  document_ids.push_back(e.document_id);
  domains.push_back(dict->intern(e.domain));
  size_t first = tags.size();
  for (const std::string& t : e.tags) tags.push_back(dict->intern(t));
  std::sort(tags.begin() + static_cast<ptrdiff_t>(first), tags.end());
  tags.erase(std::unique(tags.begin() + static_cast<ptrdiff_t>(first), tags.end()), tags.end());
  tag_offsets.push_back(static_cast<uint32_t>(tags.size()));
  dates.push_back(e.date_days);
}

void SegmentAttrs::append(const SegmentAttrs& o, size_t row) {
  if (tag_offsets.empty()) tag_offsets.push_back(0);
  chunk_ids.push_back(o.chunk_ids[row]);
  document_ids.push_back(o.document_ids[row]);
  domains.push_back(o.domains[row]);
  tags.insert(tags.end(), o.tags.begin() + o.tag_offsets[row],
              o.tags.begin() + o.tag_offsets[row + 1]);
  tag_offsets.push_back(static_cast<uint32_t>(tags.size()));
  dates.push_back(o.dates[row]);
}

bool SegmentAttrs::has_tag(uint32_t row, uint32_t tag) const {
  auto first = tags.begin() + tag_offsets[row];
  auto last = tags.begin() + tag_offsets[row + 1];
  return std::binary_search(first, last, tag);
}

uint64_t SegmentAttrs::bytes() const {
  return chunk_ids.size() * (8 + 8 + 4 + 4 + 4) + tags.size() * 4;
}

SegmentLists SegmentLists::build(const SegmentAttrs& a) {
  SegmentLists l;
  for (uint32_t r = 0; r < a.size(); ++r) {
    l.by_document[a.document_ids[r]].push_back(r);
    l.by_domain[a.domains[r]].push_back(r);
    for (uint32_t i = a.tag_offsets[r]; i < a.tag_offsets[r + 1]; ++i) {
      l.by_tag[a.tags[i]].push_back(r);
    }
  }
  // Rough: each row sits in a document list, a domain list and its tags' lists.
  l.bytes = (a.size() * 2 + a.tags.size()) * 4 +
            (l.by_document.size() + l.by_domain.size() + l.by_tag.size()) * 64;
  return l;
}

void encode_attrs(const SegmentAttrs& a, const StringDict& dict, std::string* out) {
  lex::ByteWriter w(out);
  // Local table: global id -> local index, in first-use order.
  std::unordered_map<uint32_t, uint32_t> local;
  std::vector<uint32_t> order;
  auto use = [&](uint32_t id) {
    auto [it, added] = local.emplace(id, static_cast<uint32_t>(order.size()));
    if (added) order.push_back(id);
    return it->second;
  };
  for (uint32_t d : a.domains) use(d);
  for (uint32_t t : a.tags) use(t);
  w.varint(order.size());
  for (uint32_t id : order) {
    const std::string& s = dict.name(id);
    w.varint(s.size());
    w.bytes(s);
  }
  w.varint(a.size());
  for (size_t r = 0; r < a.size(); ++r) {
    w.u64(static_cast<uint64_t>(a.chunk_ids[r]));
    w.u64(static_cast<uint64_t>(a.document_ids[r]));
    w.u32(static_cast<uint32_t>(a.dates[r]));
    w.varint(local[a.domains[r]]);
    w.varint(a.tag_offsets[r + 1] - a.tag_offsets[r]);
    for (uint32_t i = a.tag_offsets[r]; i < a.tag_offsets[r + 1]; ++i) w.varint(local[a.tags[i]]);
  }
}

Status decode_attrs(std::string_view bytes, size_t* pos, StringDict* dict, SegmentAttrs* out) {
  auto bad = [] { return Status::corruption("vector index attributes are damaged"); };
  if (*pos > bytes.size()) return bad();
  lex::ByteReader r(bytes.data() + *pos, bytes.size() - *pos);
  uint64_t nstrings;
  if (!r.varint(&nstrings) || nstrings > r.remaining()) return bad();
  std::vector<uint32_t> ids(nstrings);
  for (uint64_t i = 0; i < nstrings; ++i) {
    uint64_t len;
    std::string_view s;
    if (!r.varint(&len) || !r.bytes(len, &s)) return bad();
    ids[i] = dict->intern(s);
  }
  uint64_t rows;
  if (!r.varint(&rows) || rows > r.remaining() / 21) return bad();
  SegmentAttrs a;
  a.tag_offsets.push_back(0);
  a.chunk_ids.reserve(rows);
  a.document_ids.reserve(rows);
  a.domains.reserve(rows);
  a.dates.reserve(rows);
  for (uint64_t i = 0; i < rows; ++i) {
    uint64_t chunk, doc, domain, ntags;
    uint32_t date;
    if (!r.u64(&chunk) || !r.u64(&doc) || !r.u32(&date) || !r.varint(&domain) ||
        domain >= nstrings || !r.varint(&ntags) || ntags > r.remaining()) {
      return bad();
    }
    a.chunk_ids.push_back(static_cast<int64_t>(chunk));
    a.document_ids.push_back(static_cast<int64_t>(doc));
    a.dates.push_back(static_cast<int32_t>(date));
    a.domains.push_back(ids[domain]);
    size_t first = a.tags.size();
    for (uint64_t t = 0; t < ntags; ++t) {
      uint64_t tag;
      if (!r.varint(&tag) || tag >= nstrings) return bad();
      a.tags.push_back(ids[tag]);
    }
    std::sort(a.tags.begin() + static_cast<ptrdiff_t>(first), a.tags.end());
    a.tag_offsets.push_back(static_cast<uint32_t>(a.tags.size()));
  }
  *pos = bytes.size() - r.remaining();
  *out = std::move(a);
  return Status::ok();
}

}  // namespace ragd::vec
