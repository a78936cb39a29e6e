// The vector index's files: the manifest (which base and delta files are live, the
// tombstoned rows and the change-log sequence number), delta files (recently added vectors
// with their attributes), and the base (a FAISS index file plus an attributes file).
//
// Every file is written under a temporary name, fsynced and renamed; the manifest records
// each file's size and checksum, checked before a file is parsed, so a torn or damaged file
// is kCorruption and never reaches FAISS's reader. File checksums are computed in 1 MiB
// blocks (block checksums folded by checksum64), so a multi-gigabyte FAISS file is written
// and verified streaming. Manifest format (little-endian): "RAGDVMAN", u32 version,
// u32 dimension, i64 applied_seq, u64 next_file_id, u64 total_rows, base (u64 id, 0 = none;
// u8 kind; u64 rows; u64 index size; u64 index checksum; u64 attrs size; u64 attrs
// checksum), varint delta count and per delta (u64 id, u64 rows, u64 size, u64 checksum),
// varint tombstone count and varint deltas of the ascending tombstoned rows, u64
// checksum64 of everything before it. Functions are thread-safe (no shared state).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"

namespace faiss {
struct Index;
}

namespace ragd::vec {

inline constexpr char kManifestName[] = "VMANIFEST";

enum class BaseKind : uint8_t { kFlat = 0, kHnsw = 1 };

struct ManifestFile {
  uint64_t id = 0;
  uint64_t rows = 0;
  uint64_t size = 0;
  uint64_t checksum = 0;
};

struct VectorManifest {
  uint32_t dimension = 0;
  int64_t applied_seq = 0;
  uint64_t next_file_id = 1;
  uint64_t total_rows = 0;
  ManifestFile base;  // id 0: no base
  BaseKind base_kind = BaseKind::kFlat;
  uint64_t attrs_size = 0;
  uint64_t attrs_checksum = 0;
  std::vector<ManifestFile> deltas;
  std::vector<uint64_t> tombstones;  // ascending global rows
};

std::string encode_manifest(const VectorManifest& m);
Result<VectorManifest> decode_manifest(std::string_view bytes);

std::string base_index_name(uint64_t id);
std::string base_attrs_name(uint64_t id);
std::string delta_name(uint64_t id);

// Checksum of a whole byte string, as computed over a file by the streaming functions.
uint64_t file_checksum(std::string_view data);
// Checksum and size of the file at `path`, read in blocks.
Status checksum_file(const std::string& path, uint64_t* size, uint64_t* checksum);

// Writes `data` atomically; reports its size and checksum.
Status write_small_file(const std::string& path, std::string_view data, ManifestFile* info);
// Writes `index` with faiss::write_index atomically, streaming; reports size and checksum.
Status write_faiss_index(const std::string& path, const faiss::Index& index, ManifestFile* info);
// Reads a FAISS index after checking its size and checksum against `info`.
Result<faiss::Index*> read_faiss_index(const std::string& path, const ManifestFile& info);
// Reads a small file and checks it against `info`.
Result<std::string> read_small_file(const std::string& path, const ManifestFile& info);

}  // namespace ragd::vec
