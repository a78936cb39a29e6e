// Segment::parse: checks and loads one segment file (format in segment.h).
#include <algorithm>
#include <cstring>

#include "index/byte_io.h"
#include "index/checksum.h"
#include "index/segment.h"

namespace ragd::lex {
namespace {

constexpr size_t kPadding = 16;

Status bad(uint64_t id, const std::string& what) {
  return Status::corruption("lexical index segment " + std::to_string(id) + " is corrupt (" +
                            what + "); rebuild the index with 'ragd reindex'");
}

}  // namespace

int64_t Segment::find_chunk(int64_t chunk_id) const {
  auto it = std::lower_bound(chunk_ids.begin(), chunk_ids.end(), chunk_id);
  if (it == chunk_ids.end() || *it != chunk_id) return -1;
  return it - chunk_ids.begin();
}

Result<std::shared_ptr<const Segment>> Segment::parse(uint64_t id, std::string bytes) {
  auto seg = std::make_shared<Segment>();
  seg->id = id;
  seg->file_size = bytes.size();
  if (bytes.size() < kSegmentHeaderSize + 8) return bad(id, "too short");
  if (std::memcmp(bytes.data(), kSegmentMagic, 8) != 0) return bad(id, "bad magic");
  size_t body = bytes.size() - 8;
  uint64_t stored;
  std::memcpy(&stored, bytes.data() + body, 8);
  if (checksum64(std::string_view(bytes.data(), body)) != stored) return bad(id, "checksum");
  seg->checksum = stored;

  ByteReader h(bytes.data() + 8, kSegmentHeaderSize - 8);
  uint32_t version, reserved, doc_count, term_count;
  uint64_t off[6];
  h.u32(&version);
  h.u32(&reserved);
  h.u32(&doc_count);
  h.u32(&term_count);
  for (uint64_t& o : off) h.u64(&o);
  if (!h.ok()) return bad(id, "header");
  if (version != kSegmentVersion) {
    return Status::error(ErrorCode::kUnsupported,
                         "lexical index segment " + std::to_string(id) + " has format version " +
                             std::to_string(version) + "; rebuild the index with 'ragd reindex'");
  }
  if (off[0] != kSegmentHeaderSize || off[5] != body) return bad(id, "section bounds");
  for (int i = 0; i < 5; ++i) {
    if (off[i] > off[i + 1]) return bad(id, "section order");
  }
  auto section = [&](int i) { return ByteReader(bytes.data() + off[i], off[i + 1] - off[i]); };
  seg->doc_count = doc_count;

  // Strings.
  ByteReader sr = section(0);
  uint64_t nstrings;
  if (!sr.varint(&nstrings) || nstrings > sr.remaining()) return bad(id, "string table");
  for (uint64_t i = 0; i < nstrings; ++i) {
    uint64_t size;
    std::string_view s;
    if (!sr.varint(&size) || !sr.bytes(size, &s)) return bad(id, "string table");
    seg->string_ids.emplace(std::string(s), static_cast<uint32_t>(i));
    seg->strings.emplace_back(s);
  }

  // Documents.
  ByteReader dr = section(1);
  if (doc_count > dr.remaining()) return bad(id, "document count");
  seg->chunk_ids.resize(doc_count);
  seg->document_ids.resize(doc_count);
  seg->dates.resize(doc_count);
  seg->domains.resize(doc_count);
  std::vector<uint32_t> len_title(doc_count), len_body(doc_count);
  seg->tag_begin.resize(doc_count + 1);
  uint64_t chunk = 0, document = 0;
  int64_t date = 0;
  for (uint32_t d = 0; d < doc_count; ++d) {
    int64_t dc, dd, ddate;
    uint32_t domain, lt, lb, ntags;
    if (!dr.zigzag(&dc) || !dr.zigzag(&dd) || !dr.varint32(&domain) || !dr.zigzag(&ddate) ||
        !dr.varint32(&lt) || !dr.varint32(&lb) || !dr.varint32(&ntags)) {
      return bad(id, "document attributes");
    }
    chunk += static_cast<uint64_t>(dc);
    document += static_cast<uint64_t>(dd);
    date += ddate;
    if (domain >= nstrings || date < INT32_MIN || date > INT32_MAX || ntags > dr.remaining()) {
      return bad(id, "document attributes");
    }
    seg->chunk_ids[d] = static_cast<int64_t>(chunk);
    if (d > 0 && seg->chunk_ids[d] <= seg->chunk_ids[d - 1]) return bad(id, "chunk order");
    seg->document_ids[d] = static_cast<int64_t>(document);
    seg->dates[d] = static_cast<int32_t>(date);
    seg->domains[d] = domain;
    len_title[d] = lt;
    len_body[d] = lb;
    seg->sum_len_title += lt;
    seg->sum_len_body += lb;
    seg->max_len_title = std::max(seg->max_len_title, lt);
    seg->max_len_body = std::max(seg->max_len_body, lb);
    seg->tag_begin[d] = static_cast<uint32_t>(seg->tag_ids.size());
    for (uint32_t t = 0; t < ntags; ++t) {
      uint32_t tag;
      if (!dr.varint32(&tag) || tag >= nstrings) return bad(id, "document tags");
      seg->tag_ids.push_back(tag);
    }
  }
  seg->tag_begin[doc_count] = static_cast<uint32_t>(seg->tag_ids.size());
  if (dr.remaining() != 0) return bad(id, "document section size");
  seg->len_title.assign(std::move(len_title), seg->max_len_title);
  seg->len_body.assign(std::move(len_body), seg->max_len_body);

  // Block metas.
  uint64_t meta_bytes = off[4] - off[3];
  if (meta_bytes % 16 != 0) return bad(id, "block meta size");
  seg->metas.resize(meta_bytes / 16);
  ByteReader mr = section(3);
  for (BlockMeta& m : seg->metas) {
    mr.u32(&m.last_doc);
    mr.u32(&m.offset);
    mr.u16(&m.max_tf_body);
    mr.u16(&m.max_tf_title);
    mr.u16(&m.min_len_body);
    mr.u16(&m.min_len_title);
  }

  // Dictionary, checked against the metas and the postings section.
  ByteReader tr = section(2);
  if (term_count > tr.remaining()) return bad(id, "term count");
  seg->terms.resize(term_count);
  std::vector<uint64_t> hashes(term_count);
  std::string prev;
  uint64_t post_off = 0, meta_index = 0;
  uint64_t postings_size = off[5] - off[4];
  for (uint32_t i = 0; i < term_count; ++i) {
    uint64_t prefix, suffix_size, df, pbytes;
    std::string_view suffix;
    TermInfo& t = seg->terms[i];
    if (!tr.varint(&prefix) || prefix > prev.size() || !tr.varint(&suffix_size) ||
        !tr.bytes(suffix_size, &suffix) || !tr.varint(&df) || !tr.varint(&pbytes) ||
        !tr.varint32(&t.bounds.max_tf_body) || !tr.varint32(&t.bounds.max_tf_title) ||
        !tr.varint32(&t.bounds.min_len_body) || !tr.varint32(&t.bounds.min_len_title)) {
      return bad(id, "term dictionary");
    }
    std::string term = prev.substr(0, prefix);
    term.append(suffix);
    if (i > 0 && !(prev < term)) return bad(id, "term order");
    if (df == 0 || df > doc_count || pbytes > postings_size - post_off) {
      return bad(id, "term postings bounds");
    }
    t.df = static_cast<uint32_t>(df);
    t.postings_offset = post_off;
    t.postings_bytes = pbytes;
    t.text_offset = static_cast<uint32_t>(seg->term_text.size());
    t.text_size = static_cast<uint32_t>(term.size());
    post_off += pbytes;
    uint32_t nblocks = block_count(t.df);
    if (nblocks > 1) {
      if (nblocks > seg->metas.size() - meta_index) return bad(id, "block metas");
      t.meta_index = static_cast<uint32_t>(meta_index);
      for (uint32_t b = 0; b < nblocks; ++b) {
        const BlockMeta& m = seg->metas[meta_index + b];
        if (m.last_doc >= doc_count || m.offset >= pbytes ||
            (b == 0 ? m.offset != 0
                    : (m.last_doc <= seg->metas[meta_index + b - 1].last_doc ||
                       m.offset <= seg->metas[meta_index + b - 1].offset))) {
          return bad(id, "block metas");
        }
      }
      meta_index += nblocks;
    }
    seg->total_postings += df;
    seg->term_text += term;
    hashes[i] = term_hash(term);
    prev = std::move(term);
  }
  if (tr.remaining() != 0 || meta_index != seg->metas.size() || post_off != postings_size) {
    return bad(id, "section sizes");
  }
  seg->table.build(hashes);

  seg->bytes = std::move(bytes);
  seg->bytes.append(kPadding, '\0');
  seg->postings_base = reinterpret_cast<const uint8_t*>(seg->bytes.data()) + off[4];
  seg->postings_size = postings_size;
  return std::shared_ptr<const Segment>(std::move(seg));
}

}  // namespace ragd::lex
