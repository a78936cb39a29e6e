#include "index/vector_files.h"

#include <faiss/Index.h>
#include <faiss/impl/io.h>
#include <faiss/index_io.h>
#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <exception>
#include <filesystem>

#include "common/file_io.h"
#include "index/byte_io.h"
#include "index/checksum.h"

namespace ragd::vec {
namespace {

constexpr char kMagic[8] = {'R', 'A', 'G', 'D', 'V', 'M', 'A', 'N'};
constexpr uint32_t kVersion = 1;
constexpr size_t kBlock = 1 << 20;

Status bad(const std::string& what) {
  return Status::corruption("vector index manifest is corrupt (" + what +
                            "); rebuild the index with 'ragd reindex'");
}

// Checksums consecutive 1 MiB blocks and folds the block checksums.
class BlockChecksum {
 public:
  void update(const char* p, size_t n) {
    while (n > 0) {
      size_t take = std::min(n, kBlock - block_.size());
      block_.append(p, take);
      p += take;
      n -= take;
      if (block_.size() == kBlock) flush();
    }
  }
  uint64_t finish() {
    if (!block_.empty() || folded_.empty()) flush();
    return lex::checksum64(folded_);
  }

 private:
  void flush() {
    uint64_t h = lex::checksum64(block_);
    folded_.append(reinterpret_cast<const char*>(&h), 8);
    block_.clear();
  }
  std::string block_;
  std::string folded_;
};

std::string errno_text(const std::string& what, const std::string& path) {
  return what + " '" + path + "': " + std::strerror(errno);
}

// A faiss::IOWriter onto a file descriptor, checksumming what it writes.
struct ChecksumFileWriter : faiss::IOWriter {
  int fd = -1;
  bool failed = false;
  uint64_t size = 0;
  BlockChecksum sum;
  std::string buffer;

  size_t operator()(const void* ptr, size_t item_size, size_t nitems) override {
    size_t n = item_size * nitems;
    sum.update(static_cast<const char*>(ptr), n);
    size += n;
    buffer.append(static_cast<const char*>(ptr), n);
    if (buffer.size() >= kBlock) drain();
    return nitems;
  }
  void drain() {
    size_t done = 0;
    while (!failed && done < buffer.size()) {
      ssize_t w = ::write(fd, buffer.data() + done, buffer.size() - done);
      if (w < 0) {
        if (errno == EINTR) continue;
        failed = true;
        break;
      }
      done += static_cast<size_t>(w);
    }
    buffer.clear();
  }
};

void sync_dir(const std::string& path) {
  std::string dir = std::filesystem::path(path).parent_path().string();
  if (dir.empty()) dir = ".";
  int dfd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dfd >= 0) {
    ::fsync(dfd);
    ::close(dfd);
  }
}

}  // namespace

std::string base_index_name(uint64_t id) { return "vbase_" + std::to_string(id) + ".faiss"; }
std::string base_attrs_name(uint64_t id) { return "vbase_" + std::to_string(id) + ".vattr"; }
std::string delta_name(uint64_t id) { return "vdelta_" + std::to_string(id) + ".vdel"; }

uint64_t file_checksum(std::string_view data) {
  BlockChecksum sum;
  sum.update(data.data(), data.size());
  return sum.finish();
}

Status checksum_file(const std::string& path, uint64_t* size, uint64_t* checksum) {
  FILE* f = std::fopen(path.c_str(), "rb");
  if (!f) return Status::io(errno_text("cannot open", path));
  BlockChecksum sum;
  std::string buf(kBlock, '\0');
  uint64_t total = 0;
  for (;;) {
    size_t n = std::fread(buf.data(), 1, buf.size(), f);
    if (n == 0) break;
    sum.update(buf.data(), n);
    total += n;
  }
  bool err = std::ferror(f);
  std::fclose(f);
  if (err) return Status::io(errno_text("cannot read", path));
  *size = total;
  *checksum = sum.finish();
  return Status::ok();
}

Status write_small_file(const std::string& path, std::string_view data, ManifestFile* info) {
  RAGD_RETURN_IF_ERROR(write_file_atomic(path, data));
  info->size = data.size();
  info->checksum = file_checksum(data);
  return Status::ok();
}

Status write_faiss_index(const std::string& path, const faiss::Index& index, ManifestFile* info) {
  std::string tmp = path + ".tmp." + std::to_string(::getpid());
  ChecksumFileWriter w;
  w.fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (w.fd < 0) return Status::io(errno_text("cannot create", tmp));
  std::string error;
  try {
    faiss::write_index(&index, &w);
  } catch (const std::exception& e) {
    error = e.what();
  }
  w.drain();
  bool ok = error.empty() && !w.failed && ::fsync(w.fd) == 0;
  ::close(w.fd);
  if (!ok) {
    ::unlink(tmp.c_str());
    return Status::io("cannot write vector index file '" + path + "'" +
                      (error.empty() ? std::string() : ": " + error));
  }
  if (::rename(tmp.c_str(), path.c_str()) != 0) {
    ::unlink(tmp.c_str());
    return Status::io(errno_text("cannot rename onto", path));
  }
  sync_dir(path);
  info->size = w.size;
  info->checksum = w.sum.finish();
  return Status::ok();
}

Result<faiss::Index*> read_faiss_index(const std::string& path, const ManifestFile& info) {
  uint64_t size = 0, sum = 0;
  RAGD_RETURN_IF_ERROR(checksum_file(path, &size, &sum));
  if (size != info.size || sum != info.checksum) {
    return Status::corruption("vector index file '" + path +
                              "' does not match the manifest; rebuild the index");
  }
  try {
    return faiss::read_index(path.c_str());
  } catch (const std::exception& e) {
    return Status::corruption("vector index file '" + path + "' cannot be read: " + e.what());
  }
}

Result<std::string> read_small_file(const std::string& path, const ManifestFile& info) {
  auto data = read_file(path);
  if (!data) return data.status();
  if (data->size() != info.size || file_checksum(*data) != info.checksum) {
    return Status::corruption("vector index file '" + path +
                              "' does not match the manifest; rebuild the index");
  }
  return data;
}

std::string encode_manifest(const VectorManifest& m) {
  std::string out;
  lex::ByteWriter w(&out);
  w.bytes(std::string_view(kMagic, 8));
  w.u32(kVersion);
  w.u32(m.dimension);
  w.u64(static_cast<uint64_t>(m.applied_seq));
  w.u64(m.next_file_id);
  w.u64(m.total_rows);
  w.u64(m.base.id);
  w.u8(static_cast<uint8_t>(m.base_kind));
  w.u64(m.base.rows);
  w.u64(m.base.size);
  w.u64(m.base.checksum);
  w.u64(m.attrs_size);
  w.u64(m.attrs_checksum);
  w.varint(m.deltas.size());
  for (const ManifestFile& d : m.deltas) {
    w.u64(d.id);
    w.u64(d.rows);
    w.u64(d.size);
    w.u64(d.checksum);
  }
  w.varint(m.tombstones.size());
  uint64_t prev = 0;
  for (uint64_t t : m.tombstones) {
    w.varint(t - prev);
    prev = t;
  }
  w.u64(lex::checksum64(out));
  return out;
}

Result<VectorManifest> decode_manifest(std::string_view bytes) {
  if (bytes.size() < 8 + 4 + 8) return bad("too short");
  if (std::memcmp(bytes.data(), kMagic, 8) != 0) return bad("bad magic");
  size_t body = bytes.size() - 8;
  uint64_t stored;
  std::memcpy(&stored, bytes.data() + body, 8);
  if (lex::checksum64(bytes.substr(0, body)) != stored) return bad("checksum");
  lex::ByteReader r(bytes.data() + 8, body - 8);
  VectorManifest m;
  uint32_t version;
  uint64_t seq;
  uint8_t kind;
  if (!r.u32(&version)) return bad("header");
  if (version != kVersion) {
    return Status::error(ErrorCode::kUnsupported,
                         "vector index manifest has format version " + std::to_string(version) +
                             "; rebuild the index with 'ragd reindex'");
  }
  if (!r.u32(&m.dimension) || !r.u64(&seq) || !r.u64(&m.next_file_id) ||
      !r.u64(&m.total_rows) || !r.u64(&m.base.id) || !r.u8(&kind) || !r.u64(&m.base.rows) ||
      !r.u64(&m.base.size) || !r.u64(&m.base.checksum) || !r.u64(&m.attrs_size) ||
      !r.u64(&m.attrs_checksum) || kind > 1) {
    return bad("header");
  }
  m.applied_seq = static_cast<int64_t>(seq);
  m.base_kind = static_cast<BaseKind>(kind);
  uint64_t rows = m.base.id ? m.base.rows : 0;
  if (m.base.id >= m.next_file_id && m.base.id != 0) return bad("base id");
  uint64_t count;
  if (!r.varint(&count) || count > r.remaining() / 32) return bad("deltas");
  for (uint64_t i = 0; i < count; ++i) {
    ManifestFile d;
    if (!r.u64(&d.id) || !r.u64(&d.rows) || !r.u64(&d.size) || !r.u64(&d.checksum) ||
        d.id == 0 || d.id >= m.next_file_id) {
      return bad("delta entry");
    }
    rows += d.rows;
    m.deltas.push_back(d);
  }
  if (rows != m.total_rows || rows > (uint64_t{1} << 31)) return bad("row count");
  if (!r.varint(&count) || count > r.remaining() || count > m.total_rows) {
    return bad("tombstones");
  }
  uint64_t row = 0;
  for (uint64_t i = 0; i < count; ++i) {
    uint64_t delta;
    if (!r.varint(&delta) || (i > 0 && delta == 0)) return bad("tombstones");
    row += delta;
    if (row >= m.total_rows) return bad("tombstones");
    m.tombstones.push_back(row);
  }
  if (r.remaining() != 0) return bad("trailing bytes");
  return m;
}

}  // namespace ragd::vec
