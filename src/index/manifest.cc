#include "index/manifest.h"

#include <cstring>

#include "index/byte_io.h"
#include "index/checksum.h"

namespace ragd::lex {
namespace {

constexpr char kMagic[8] = {'R', 'A', 'G', 'D', 'L', 'M', 'A', 'N'};
constexpr uint32_t kVersion = 1;

Status bad(const std::string& what) {
  return Status::corruption("lexical index manifest is corrupt (" + what +
                            "); rebuild the index with 'ragd reindex'");
}

}  // namespace

std::string segment_file_name(uint64_t id) { return "seg_" + std::to_string(id) + ".lseg"; }

std::string encode_manifest(const Manifest& manifest) {
  std::string out;
  ByteWriter w(&out);
  w.bytes(std::string_view(kMagic, 8));
  w.u32(kVersion);
  w.u64(static_cast<uint64_t>(manifest.applied_seq));
  w.u64(manifest.next_segment_id);
  w.varint(manifest.segments.size());
  for (const ManifestSegment& s : manifest.segments) {
    w.u64(s.id);
    w.u64(s.file_size);
    w.u64(s.checksum);
    w.varint(s.deleted.size());
    uint32_t prev = 0;
    for (uint32_t d : s.deleted) {
      w.varint(d - prev);
      prev = d;
    }
  }
  w.u64(checksum64(out));
  return out;
}

Result<Manifest> decode_manifest(std::string_view bytes) {
  if (bytes.size() < 8 + 4 + 8 + 8 + 1 + 8) return bad("too short");
  if (std::memcmp(bytes.data(), kMagic, 8) != 0) return bad("bad magic");
  size_t body = bytes.size() - 8;
  uint64_t stored;
  std::memcpy(&stored, bytes.data() + body, 8);
  if (checksum64(bytes.substr(0, body)) != stored) return bad("checksum");
  ByteReader r(bytes.data() + 8, body - 8);
  uint32_t version;
  uint64_t seq, count;
  Manifest m;
  if (!r.u32(&version)) return bad("header");
  if (version != kVersion) {
    return Status::error(ErrorCode::kUnsupported, "lexical index manifest has format version " +
                                                      std::to_string(version) +
                                                      "; rebuild the index with 'ragd reindex'");
  }
  if (!r.u64(&seq) || !r.u64(&m.next_segment_id) || !r.varint(&count) ||
      count > r.remaining()) {
    return bad("header");
  }
  m.applied_seq = static_cast<int64_t>(seq);
  for (uint64_t i = 0; i < count; ++i) {
    ManifestSegment s;
    uint64_t ndel;
    if (!r.u64(&s.id) || !r.u64(&s.file_size) || !r.u64(&s.checksum) || !r.varint(&ndel) ||
        ndel > r.remaining()) {
      return bad("segment entry");
    }
    uint64_t doc = 0;
    for (uint64_t j = 0; j < ndel; ++j) {
      uint64_t delta;
      if (!r.varint(&delta)) return bad("deletions");
      doc += delta;
      if (doc > UINT32_MAX || (j > 0 && delta == 0)) return bad("deletions");
      s.deleted.push_back(static_cast<uint32_t>(doc));
    }
    if (s.id >= m.next_segment_id) return bad("segment id");
    m.segments.push_back(std::move(s));
  }
  if (r.remaining() != 0) return bad("trailing bytes");
  return m;
}

}  // namespace ragd::lex
