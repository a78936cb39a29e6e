// VectorIndex: the public face of the vector index. Owns the current snapshot (swapped under
// a mutex, so searches keep the one they started with) and the writer-side bookkeeping:
// where each live chunk's row is, and which files exist on disk.
//
// Layout: a base (FAISS flat below hnsw_threshold live rows, HNSW above) plus deltas, the
// additions since the base was built, kept as plain floats and scanned exactly. Deltas are
// folded into the base when they grow past a limit (a copy of the base extended with them);
// the whole base is rebuilt from the live rows when tombstones pass a quarter of all rows,
// when the live rows first reach hnsw_threshold, and by compact().
#include "index/vector_index.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <exception>
#include <filesystem>
#include <mutex>
#include <set>
#include <thread>
#include <unordered_map>

#include <faiss/Index.h>

#include "common/file_io.h"
#include "index/batch_dedup.h"
#include "index/byte_io.h"
#include "index/vector_build.h"
#include "index/vector_files.h"
#include "index/vector_snapshot.h"

namespace ragd {

namespace fs = std::filesystem;
using vec::Base;
using vec::BaseKind;
using vec::Delta;
using vec::ManifestFile;
using vec::VectorSnapshot;

namespace {

constexpr char kDeltaMagic[8] = {'R', 'A', 'G', 'D', 'V', 'D', 'E', 'L'};
constexpr char kAttrsMagic[8] = {'R', 'A', 'G', 'D', 'V', 'A', 'T', 'R'};
constexpr size_t kMaxDeltas = 16;

// Rows held in deltas before they are folded into the base. An HNSW base keeps this small
// because every search scans the deltas exactly.
size_t delta_limit(const VectorSnapshot& s) {
  if (s.base && s.base->hnsw) return std::clamp<size_t>(s.base_rows() / 16, 1024, 8192);
  return std::max<size_t>(4096, s.base_rows() / 2);
}

std::string encode_delta(const Delta& d, size_t dimension, const vec::StringDict& dict) {
  std::string out;
  lex::ByteWriter w(&out);
  w.bytes(std::string_view(kDeltaMagic, 8));
  w.u32(static_cast<uint32_t>(dimension));
  w.u64(d.rows());
  w.bytes(std::string_view(reinterpret_cast<const char*>(d.vectors.data()),
                           d.vectors.size() * sizeof(float)));
  vec::encode_attrs(d.attrs, dict, &out);
  return out;
}

Status decode_delta(std::string_view bytes, size_t dimension, vec::StringDict* dict, Delta* d) {
  auto bad = [] { return Status::corruption("vector index delta file is damaged"); };
  lex::ByteReader r(bytes);
  std::string_view magic, floats;
  uint32_t dim;
  uint64_t rows;
  if (!r.bytes(8, &magic) || magic != std::string_view(kDeltaMagic, 8) || !r.u32(&dim) ||
      dim != dimension || !r.u64(&rows) || rows > r.remaining() / (dimension * sizeof(float)) ||
      !r.bytes(rows * dimension * sizeof(float), &floats)) {
    return bad();
  }
  d->vectors.resize(rows * dimension);
  std::memcpy(d->vectors.data(), floats.data(), floats.size());
  size_t pos = bytes.size() - r.remaining();
  RAGD_RETURN_IF_ERROR(vec::decode_attrs(bytes, &pos, dict, &d->attrs));
  if (d->attrs.size() != rows || pos != bytes.size()) return bad();
  d->lists = vec::SegmentLists::build(d->attrs);
  return Status::ok();
}

struct IndexCore {
  std::string dir;
  VectorIndexOptions options;
  bool read_only = false;

  mutable std::mutex mu;  // guards `snap` (the pointer, not the snapshot)
  std::shared_ptr<const VectorSnapshot> snap;

  // Writer-side state; apply() and compact() are serialised by the caller.
  uint64_t next_file_id = 1;
  std::unordered_map<int64_t, uint64_t> location;  // live chunk id -> global row
  std::unordered_map<uint64_t, ManifestFile> files;  // file id -> what is on disk
  ManifestFile base_attrs_file;                       // of the base on disk

  std::shared_ptr<const VectorSnapshot> current() const {
    std::lock_guard<std::mutex> lock(mu);
    return snap;
  }
  void publish(std::shared_ptr<const VectorSnapshot> next) {
    std::lock_guard<std::mutex> lock(mu);
    snap = std::move(next);
  }
  std::string path(const std::string& name) const { return (fs::path(dir) / name).string(); }

  // Writes the parts of `next` not on disk yet, then the manifest, then removes the files
  // the manifest no longer names.
  Status persist(VectorSnapshot* next) {
    if (read_only) return Status::invalid("the vector index was opened read-only");
    vec::VectorManifest m;
    m.dimension = static_cast<uint32_t>(next->dimension);
    m.applied_seq = next->applied_seq;
    m.total_rows = next->total_rows;
    std::set<uint64_t> keep;
    uint64_t bytes = 0;
    if (next->base) {
      const Base& b = *next->base;
      if (!files.count(b.id)) {
        ManifestFile info;
        RAGD_RETURN_IF_ERROR(vec::write_faiss_index(path(vec::base_index_name(b.id)), *b.index, &info));
        std::string attrs(kAttrsMagic, 8);
        vec::encode_attrs(b.attrs, *next->dict, &attrs);
        ManifestFile ainfo;
        RAGD_RETURN_IF_ERROR(vec::write_small_file(path(vec::base_attrs_name(b.id)), attrs, &ainfo));
        info.id = b.id;
        info.rows = b.rows();
        files[b.id] = info;
        base_attrs_file = ainfo;
      }
      m.base = files[b.id];
      m.base_kind = b.kind;
      m.attrs_size = base_attrs_file.size;
      m.attrs_checksum = base_attrs_file.checksum;
      keep.insert(b.id);
      bytes += m.base.size + m.attrs_size;
    }
    for (const auto& dp : next->deltas) {
      if (!files.count(dp->id)) {
        ManifestFile info;
        RAGD_RETURN_IF_ERROR(vec::write_small_file(
            path(vec::delta_name(dp->id)), encode_delta(*dp, next->dimension, *next->dict), &info));
        info.id = dp->id;
        info.rows = dp->rows();
        files[dp->id] = info;
      }
      m.deltas.push_back(files[dp->id]);
      keep.insert(dp->id);
      bytes += files[dp->id].size;
    }
    const vec::Tombstones& dead = *next->tombstones;
    for (size_t w = 0; w < dead.bits.size(); ++w) {
      for (uint64_t bits = dead.bits[w]; bits; bits &= bits - 1) {
        m.tombstones.push_back(w * 64 + static_cast<uint64_t>(__builtin_ctzll(bits)));
      }
    }
    m.next_file_id = next_file_id;
    std::string encoded = vec::encode_manifest(m);
    RAGD_RETURN_IF_ERROR(write_file_atomic(path(vec::kManifestName), encoded));
    for (auto it = files.begin(); it != files.end();) {
      if (keep.count(it->first)) {
        ++it;
        continue;
      }
      std::error_code ec;  // a left-over is harmless: the next open removes it
      fs::remove(path(vec::base_index_name(it->first)), ec);
      fs::remove(path(vec::base_attrs_name(it->first)), ec);
      fs::remove(path(vec::delta_name(it->first)), ec);
      it = files.erase(it);
    }
    next->bytes_on_disk = bytes + encoded.size();
    return Status::ok();
  }

  // Global row -> (chunk id) for every live row of `s`, in row order.
  static void reindex_locations(const VectorSnapshot& s,
                                std::unordered_map<int64_t, uint64_t>* out) {
    out->clear();
    out->reserve(s.live());
    auto add = [&](const vec::SegmentAttrs& a, uint64_t offset) {
      for (uint64_t r = 0; r < a.size(); ++r) {
        if (!s.tombstones->contains(offset + r)) (*out)[a.chunk_ids[r]] = offset + r;
      }
    };
    if (s.base) add(s.base->attrs, 0);
    for (const auto& d : s.deltas) add(d->attrs, d->first_row);
  }

  // A new snapshot holding only the live rows of `s`, in one base of the kind the live count
  // calls for (or none when nothing is live).
  std::shared_ptr<VectorSnapshot> rebuild(const VectorSnapshot& s) {
    const size_t d = s.dimension;
    std::vector<float> vectors;
    vec::SegmentAttrs attrs;
    vectors.reserve(s.live() * d);
    std::vector<float> one(d);
    if (s.base) {
      for (uint64_t r = 0; r < s.base_rows(); ++r) {
        if (s.tombstones->contains(r)) continue;
        s.base->vector(r, one.data());
        vectors.insert(vectors.end(), one.begin(), one.end());
        attrs.append(s.base->attrs, r);
      }
    }
    for (const auto& dp : s.deltas) {
      for (uint64_t r = 0; r < dp->rows(); ++r) {
        if (s.tombstones->contains(dp->first_row + r)) continue;
        vectors.insert(vectors.end(), dp->vectors.begin() + static_cast<ptrdiff_t>(r * d),
                       dp->vectors.begin() + static_cast<ptrdiff_t>((r + 1) * d));
        attrs.append(dp->attrs, r);
      }
    }
    auto next = std::make_shared<VectorSnapshot>(s);
    next->deltas.clear();
    next->tombstones = std::make_shared<vec::Tombstones>();
    next->total_rows = attrs.size();
    next->base.reset();
    if (attrs.size() > 0) {
      BaseKind kind =
          attrs.size() >= options.hnsw_threshold ? BaseKind::kHnsw : BaseKind::kFlat;
      vec::OmpThreads threads(options.threads);
      const size_t n = attrs.size();
      next->base = vec::build_base(kind, vectors.data(), n, std::move(attrs), options,
                                   next_file_id++);
    }
    return next;
  }

  // Folds the deltas of `s` into a copy of its base (rows keep their numbers).
  std::shared_ptr<VectorSnapshot> fold_deltas(const VectorSnapshot& s) {
    const size_t d = s.dimension;
    std::vector<float> vectors;
    vec::SegmentAttrs attrs;
    for (const auto& dp : s.deltas) {
      vectors.insert(vectors.end(), dp->vectors.begin(), dp->vectors.end());
      for (size_t r = 0; r < dp->rows(); ++r) attrs.append(dp->attrs, r);
    }
    auto next = std::make_shared<VectorSnapshot>(s);
    next->deltas.clear();
    vec::OmpThreads threads(options.threads);
    if (s.base) {
      next->base = vec::extend_base(*s.base, vectors.data(), attrs.size(), attrs, d, next_file_id++);
    } else {
      const size_t n = attrs.size();
      next->base = vec::build_base(BaseKind::kFlat, vectors.data(), n, std::move(attrs), options,
                                   next_file_id++);
    }
    return next;
  }

  // Merges the deltas of `s` into one delta.
  std::shared_ptr<VectorSnapshot> merge_deltas(const VectorSnapshot& s) {
    auto merged = std::make_shared<Delta>();
    merged->id = next_file_id++;
    merged->first_row = s.base_rows();
    for (const auto& dp : s.deltas) {
      merged->vectors.insert(merged->vectors.end(), dp->vectors.begin(), dp->vectors.end());
      for (size_t r = 0; r < dp->rows(); ++r) merged->attrs.append(dp->attrs, r);
    }
    merged->lists = vec::SegmentLists::build(merged->attrs);
    auto next = std::make_shared<VectorSnapshot>(s);
    next->deltas = {merged};
    return next;
  }

  // Applies the layout policy (rebuild, fold or merge) to `next`.
  std::shared_ptr<VectorSnapshot> reshape(std::shared_ptr<VectorSnapshot> next, bool* renumbered) {
    *renumbered = false;
    const uint64_t dead = next->tombstones->count;
    const bool want_hnsw = next->live() >= options.hnsw_threshold;
    const bool flat = !next->base || !next->base->hnsw;
    if ((dead > 0 && dead * 4 > next->total_rows) || (want_hnsw && flat) || next->live() == 0) {
      *renumbered = true;
      return rebuild(*next);
    }
    if (next->delta_rows() > delta_limit(*next)) return fold_deltas(*next);
    if (next->deltas.size() > kMaxDeltas) return merge_deltas(*next);
    return next;
  }
};

Status load(IndexCore* im) {
  std::error_code ec;
  if (!im->read_only) {
    fs::create_directories(im->dir, ec);
    if (ec) return Status::io("cannot create index folder '" + im->dir + "': " + ec.message());
  }
  auto snap = std::make_shared<VectorSnapshot>();
  snap->dimension = im->options.dimension;
  auto dict = std::make_shared<vec::StringDict>();
  auto dead = std::make_shared<vec::Tombstones>();
  std::set<std::string> keep{vec::kManifestName};
  uint64_t disk = 0;
  const std::string manifest_path = im->path(vec::kManifestName);
  if (fs::exists(manifest_path, ec)) {
    auto bytes = read_file(manifest_path);
    if (!bytes) return bytes.status();
    auto m = vec::decode_manifest(*bytes);
    if (!m) return m.status();
    if (m->dimension != im->options.dimension) {
      return Status::invalid("the vector index in '" + im->dir + "' holds " +
                             std::to_string(m->dimension) + "-dimensional vectors, not " +
                             std::to_string(im->options.dimension) +
                             "; reindex the collection after changing the embedding model");
    }
    disk = bytes->size();
    snap->applied_seq = m->applied_seq;
    snap->total_rows = m->total_rows;
    im->next_file_id = m->next_file_id;
    if (m->base.id != 0) {
      std::string index_name = vec::base_index_name(m->base.id);
      auto index = vec::read_faiss_index(im->path(index_name), m->base);
      if (!index) return index.status();
      auto base = std::make_shared<Base>();
      base->id = m->base.id;
      base->index.reset(*index);
      ManifestFile ainfo{m->base.id, m->base.rows, m->attrs_size, m->attrs_checksum};
      std::string attrs_name = vec::base_attrs_name(m->base.id);
      auto attrs = vec::read_small_file(im->path(attrs_name), ainfo);
      if (!attrs) return attrs.status();
      size_t pos = 8;
      if (attrs->size() < 8 || attrs->compare(0, 8, std::string(kAttrsMagic, 8)) != 0) {
        return Status::corruption("vector index attributes file '" + attrs_name + "' is damaged");
      }
      RAGD_RETURN_IF_ERROR(vec::decode_attrs(*attrs, &pos, dict.get(), &base->attrs));
      base->finish();
      if (base->index->d != static_cast<int>(im->options.dimension) ||
          static_cast<uint64_t>(base->index->ntotal) != m->base.rows ||
          base->rows() != m->base.rows || pos != attrs->size() ||
          (base->kind == BaseKind::kHnsw) != (m->base_kind == BaseKind::kHnsw) ||
          (!base->floats && base->kind == BaseKind::kFlat)) {
        return Status::corruption("vector index base '" + index_name +
                                  "' does not match the manifest; rebuild the index");
      }
      im->files[base->id] = m->base;
      im->base_attrs_file = ainfo;
      keep.insert(index_name);
      keep.insert(attrs_name);
      disk += m->base.size + m->attrs_size;
      snap->base = std::move(base);
    }
    uint64_t row = snap->base_rows();
    for (const ManifestFile& f : m->deltas) {
      std::string name = vec::delta_name(f.id);
      auto data = vec::read_small_file(im->path(name), f);
      if (!data) return data.status();
      auto delta = std::make_shared<Delta>();
      delta->id = f.id;
      delta->first_row = row;
      RAGD_RETURN_IF_ERROR(decode_delta(*data, im->options.dimension, dict.get(), delta.get()));
      if (delta->rows() != f.rows) return Status::corruption("vector index delta '" + name + "' has the wrong row count");
      row += f.rows;
      im->files[f.id] = f;
      keep.insert(name);
      disk += f.size;
      snap->deltas.push_back(std::move(delta));
    }
    for (uint64_t t : m->tombstones) dead->set(t);
  }
  if (!im->read_only) {
    // Anything else is a left-over of an interrupted write.
    for (const auto& entry : fs::directory_iterator(im->dir, ec)) {
      if (!entry.is_regular_file(ec) || keep.count(entry.path().filename().string())) continue;
      fs::remove(entry.path(), ec);
    }
  }
  snap->tombstones = std::move(dead);
  snap->dict = std::move(dict);
  snap->bytes_on_disk = disk;
  IndexCore::reindex_locations(*snap, &im->location);
  im->snap = std::move(snap);
  return Status::ok();
}

Status check_options(const VectorIndexOptions& o) {
  if (o.dimension == 0 || o.dimension > 65536) {
    return Status::invalid("vector dimension must be between 1 and 65536");
  }
  if (o.hnsw_m < 2 || o.hnsw_m > 512 || o.hnsw_ef_construction == 0 || o.hnsw_ef_search == 0 ||
      o.hnsw_ef_search > 1000000 || o.hnsw_ef_construction > 1000000) {
    return Status::invalid("HNSW parameters out of range: need 2 <= M <= 512, ef >= 1");
  }
  return Status::ok();
}

}  // namespace

struct VectorIndex::Impl : IndexCore {};

VectorIndex::VectorIndex(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
VectorIndex::~VectorIndex() = default;

Result<std::unique_ptr<VectorIndex>> VectorIndex::open(const std::string& dir,
                                                       VectorIndexOptions options,
                                                       bool read_only) {
  RAGD_RETURN_IF_ERROR(check_options(options));
  // A reader racing a writer's manifest swap sees a file vanish: try the new manifest.
  const int attempts = read_only ? 20 : 1;
  Status status;
  for (int attempt = 0; attempt < attempts; ++attempt) {
    if (attempt > 0) std::this_thread::sleep_for(std::chrono::milliseconds(25));
    try {
      auto impl = std::make_unique<Impl>();
      impl->dir = dir;
      impl->options = options;
      impl->read_only = read_only;
      status = load(impl.get());
      if (status.is_ok()) return std::unique_ptr<VectorIndex>(new VectorIndex(std::move(impl)));
    } catch (const std::exception& e) {
      return Status::internal(std::string("opening the vector index failed: ") + e.what());
    }
    if (status.code() != ErrorCode::kCorruption && status.code() != ErrorCode::kIo) break;
  }
  return status;
}

Status VectorIndex::apply(std::vector<VectorEntry> adds,
                          const std::vector<int64_t>& removed_chunk_ids, int64_t applied_seq,
                          bool persist) {
  IndexCore& im = *impl_;
  const size_t d = im.options.dimension;
  for (const VectorEntry& e : adds) {
    if (e.vector.size() != d) {
      return Status::invalid("chunk " + std::to_string(e.chunk_id) + " has a vector of " +
                             std::to_string(e.vector.size()) + " values; the index holds " +
                             std::to_string(d) + "-dimensional vectors");
    }
    for (float v : e.vector) {
      if (!std::isfinite(v)) {
        return Status::invalid("chunk " + std::to_string(e.chunk_id) +
                               " has a vector with a non-finite value");
      }
    }
  }
  if (persist && im.read_only) return Status::invalid("the vector index was opened read-only");
  try {
    auto cur = im.current();
    auto next = std::make_shared<VectorSnapshot>(*cur);
    next->applied_seq = applied_seq;

    // The last add of a chunk id wins; removed and replaced chunks get tombstones.
    auto [unique, gone] = dedup_batch(std::move(adds), removed_chunk_ids);
    std::vector<uint64_t> dead_rows;
    for (int64_t id : gone) {
      auto it = im.location.find(id);
      if (it != im.location.end()) dead_rows.push_back(it->second);
    }
    if (!dead_rows.empty()) {
      auto dead = std::make_shared<vec::Tombstones>(*cur->tombstones);
      for (uint64_t r : dead_rows) dead->set(r);
      next->tombstones = std::move(dead);
    }

    if (!unique.empty()) {
      std::shared_ptr<vec::StringDict> dict;
      auto delta = std::make_shared<Delta>();
      delta->id = im.next_file_id++;
      delta->first_row = next->total_rows;
      delta->vectors.reserve(unique.size() * d);
      // Interning may add strings: copy the dictionary only when it does.
      bool new_strings = false;
      for (const VectorEntry& e : unique) {
        new_strings |= next->dict->find(e.domain) == vec::StringDict::kMissing;
        for (const std::string& t : e.tags) {
          new_strings |= next->dict->find(t) == vec::StringDict::kMissing;
        }
      }
      if (new_strings) {
        dict = std::make_shared<vec::StringDict>(*next->dict);
      } else {
        dict = std::const_pointer_cast<vec::StringDict>(next->dict);  // lookups only
      }
      for (const VectorEntry& e : unique) {
        delta->vectors.insert(delta->vectors.end(), e.vector.begin(), e.vector.end());
        delta->attrs.add(e, dict.get());
      }
      delta->lists = vec::SegmentLists::build(delta->attrs);
      next->dict = std::move(dict);
      next->total_rows += unique.size();
      next->deltas.push_back(std::move(delta));
    }

    bool renumbered = false;
    auto shaped = im.reshape(std::move(next), &renumbered);
    shaped->bytes_on_disk = cur->bytes_on_disk;
    if (persist) RAGD_RETURN_IF_ERROR(im.persist(shaped.get()));
    IndexCore::reindex_locations(*shaped, &im.location);
    im.publish(std::move(shaped));
    return Status::ok();
  } catch (const std::exception& e) {
    return Status::internal(std::string("applying changes to the vector index failed: ") +
                            e.what());
  }
}

std::vector<ScoredChunk> VectorIndex::search(const float* query, size_t k,
                                             const SearchFilter& filter) const {
  if (!query) return {};
  try {
    auto snap = impl_->current();
    return vec::search_snapshot(*snap, query, k, filter, impl_->options);
  } catch (const std::exception&) {
    return {};  // only allocation failure can get here
  }
}

Status VectorIndex::compact() {
  try {
    IndexCore& im = *impl_;
    auto cur = im.current();
    auto next = im.rebuild(*cur);
    next->bytes_on_disk = cur->bytes_on_disk;
    RAGD_RETURN_IF_ERROR(im.persist(next.get()));
    IndexCore::reindex_locations(*next, &im.location);
    im.publish(std::move(next));
    return Status::ok();
  } catch (const std::exception& e) {
    return Status::internal(std::string("compacting the vector index failed: ") + e.what());
  }
}

VectorIndexStats VectorIndex::stats() const {
  auto snap = impl_->current();
  VectorIndexStats s;
  s.live_vectors = snap->live();
  s.deleted_vectors = snap->tombstones->count;
  s.hnsw = snap->base && snap->base->hnsw;
  s.bytes_on_disk = snap->bytes_on_disk;
  s.applied_seq = snap->applied_seq;
  uint64_t mem = snap->tombstones->bits.size() * 8;
  if (snap->base) {
    mem += snap->base->index_bytes() + snap->base->attrs.bytes() + snap->base->lists.bytes;
  }
  for (const auto& d : snap->deltas) {
    mem += d->vectors.size() * sizeof(float) + d->attrs.bytes() + d->lists.bytes;
  }
  s.bytes_in_memory = mem;
  return s;
}

int64_t VectorIndex::applied_seq() const { return impl_->current()->applied_seq; }

const VectorIndexOptions& VectorIndex::options() const { return impl_->options; }

}  // namespace ragd
