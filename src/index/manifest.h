// Manifest: the file naming the index's live segments, their deleted documents and the
// change-log sequence number the index reflects. Replaced atomically (write_file_atomic),
// so the index on disk is always the snapshot of the last completed apply.
//
// Format (little-endian): "RAGDLMAN", u32 version, i64 applied_seq, u64 next_segment_id,
// varint segment count, then per segment: u64 id, u64 file size, u64 file checksum,
// varint deleted count, varint deltas of the ascending deleted doc ordinals; then u64
// checksum64 of everything before it. Pure functions; thread-safe.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"

namespace ragd::lex {

inline constexpr char kManifestName[] = "MANIFEST";

struct ManifestSegment {
  uint64_t id = 0;
  uint64_t file_size = 0;
  uint64_t checksum = 0;
  std::vector<uint32_t> deleted;  // ascending
};

struct Manifest {
  int64_t applied_seq = 0;
  uint64_t next_segment_id = 1;
  std::vector<ManifestSegment> segments;
};

std::string encode_manifest(const Manifest& manifest);
Result<Manifest> decode_manifest(std::string_view bytes);

// File name of segment `id` inside the index folder.
std::string segment_file_name(uint64_t id);

}  // namespace ragd::lex
