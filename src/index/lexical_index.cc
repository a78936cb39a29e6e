// LexicalIndex: the public face of the index. Owns the current snapshot (swapped under a
// mutex, so searches keep the one they started with) and the writer-side bookkeeping of
// which segment files exist on disk.
#include "index/lexical_index.h"

#include <algorithm>
#include <cmath>
#include <exception>
#include <chrono>
#include <filesystem>
#include <thread>
#include <map>
#include <mutex>
#include <unordered_set>

#include "common/file_io.h"
#include "index/batch_dedup.h"
#include "index/bm25f.h"
#include "index/manifest.h"
#include "index/merge_policy.h"
#include "index/searcher.h"
#include "index/segment_builder.h"
#include "index/segment_merger.h"
#include "index/snapshot.h"

namespace ragd {

namespace fs = std::filesystem;
using lex::SegmentState;
using lex::Snapshot;

namespace {

struct IndexCore {
  std::string dir;
  Bm25Params params;

  mutable std::mutex mu;  // guards `snap` (the pointer, not the snapshot)
  SearchStrategy strategy = SearchStrategy::kAuto;
  std::shared_ptr<const Snapshot> snap;

  // Writer-side state; apply() and compact() are serialised by the caller.
  uint64_t next_segment_id = 1;
  std::map<uint64_t, uint64_t> on_disk;  // segment id -> file size, files that exist
  uint64_t disk_bytes = 0;               // of the last written manifest's files

  std::shared_ptr<const Snapshot> current() const {
    std::lock_guard<std::mutex> lock(mu);
    return snap;
  }
  void publish(std::shared_ptr<const Snapshot> next) {
    std::lock_guard<std::mutex> lock(mu);
    snap = std::move(next);
  }

  std::string path(const std::string& name) const { return (fs::path(dir) / name).string(); }

  static SegmentState fresh_state(std::shared_ptr<const lex::Segment> seg) {
    SegmentState st;
    st.live_docs = seg->doc_count;
    st.live_len_body = seg->sum_len_body;
    st.live_len_title = seg->sum_len_title;
    st.segment = std::move(seg);
    return st;
  }

  Result<SegmentState> new_segment(std::string bytes) {
    auto seg = lex::Segment::parse(next_segment_id++, std::move(bytes));
    if (!seg) return seg.status();
    return fresh_state(std::move(seg.value()));
  }

  // Writes the segments of `next` that are not on disk yet, then the manifest, then
  // removes the files the manifest no longer names.
  Status persist(Snapshot* next) {
    lex::Manifest manifest;
    manifest.applied_seq = next->applied_seq;
    manifest.next_segment_id = next_segment_id;
    uint64_t bytes = 0;
    std::unordered_set<uint64_t> keep;
    for (const SegmentState& st : next->segments) {
      const lex::Segment& seg = *st.segment;
      if (!on_disk.count(seg.id)) {
        RAGD_RETURN_IF_ERROR(write_file_atomic(
            path(lex::segment_file_name(seg.id)), std::string_view(seg.bytes.data(), seg.file_size)));
        on_disk[seg.id] = seg.file_size;
      }
      keep.insert(seg.id);
      bytes += seg.file_size;
      lex::ManifestSegment ms;
      ms.id = seg.id;
      ms.file_size = seg.file_size;
      ms.checksum = seg.checksum;
      if (st.deleted) ms.deleted = st.deleted->docs;
      manifest.segments.push_back(std::move(ms));
    }
    std::string encoded = lex::encode_manifest(manifest);
    RAGD_RETURN_IF_ERROR(write_file_atomic(path(lex::kManifestName), encoded));
    for (auto it = on_disk.begin(); it != on_disk.end();) {
      if (keep.count(it->first)) {
        ++it;
        continue;
      }
      std::error_code ec;
      fs::remove(path(lex::segment_file_name(it->first)), ec);  // a left-over is harmless
      it = on_disk.erase(it);
    }
    disk_bytes = bytes + encoded.size();
    next->bytes_on_disk = disk_bytes;
    return Status::ok();
  }

  // Applies the merge policy to `next->segments`.
  Status merge(Snapshot* next) {
    std::vector<lex::MergeCandidate> candidates;
    for (const SegmentState& st : next->segments) {
      candidates.push_back({st.live_docs, st.segment->doc_count - st.live_docs});
    }
    auto groups = lex::plan_merges(candidates);
    if (groups.empty()) return Status::ok();
    std::vector<bool> merged(next->segments.size(), false);
    std::vector<SegmentState> out;
    for (const auto& group : groups) {
      std::vector<SegmentState> sources;
      for (size_t i : group) {
        sources.push_back(next->segments[i]);
        merged[i] = true;
      }
      auto bytes = lex::merge_segments(sources);
      if (!bytes) continue;
      auto st = new_segment(std::move(*bytes));
      if (!st) return st.status();
      out.push_back(std::move(st.value()));
    }
    for (size_t i = 0; i < next->segments.size(); ++i) {
      if (!merged[i]) out.push_back(next->segments[i]);
    }
    next->segments = std::move(out);
    return Status::ok();
  }
};

Status check_params(const Bm25Params& p) {
  auto finite = [](float v) { return std::isfinite(v); };
  if (!finite(p.k1) || !finite(p.b_body) || !finite(p.b_title) || !finite(p.title_weight) ||
      p.k1 < 0 || p.b_body < 0 || p.b_body > 1 || p.b_title < 0 || p.b_title > 1 ||
      p.title_weight < 0) {
    return Status::invalid(
        "BM25 parameters out of range: need k1 >= 0, 0 <= b <= 1 and title_weight >= 0");
  }
  return Status::ok();
}

Status load(const std::string& dir, Bm25Params params, bool read_only, IndexCore* impl) {
  impl->dir = dir;
  impl->params = params;
  std::error_code ec;
  if (!read_only) {
    fs::create_directories(dir, ec);
    if (ec) return Status::io("cannot create index folder '" + dir + "': " + ec.message());
  }

  auto snap = std::make_shared<Snapshot>();
  snap->params = params;
  std::unordered_set<std::string> keep{lex::kManifestName};
  std::string manifest_path = impl->path(lex::kManifestName);
  if (fs::exists(manifest_path, ec)) {
    auto bytes = read_file(manifest_path);
    if (!bytes) return bytes.status();
    auto manifest = lex::decode_manifest(bytes.value());
    if (!manifest) return manifest.status();
    snap->applied_seq = manifest->applied_seq;
    impl->next_segment_id = manifest->next_segment_id;
    uint64_t disk = bytes->size();
    for (const lex::ManifestSegment& ms : manifest->segments) {
      std::string name = lex::segment_file_name(ms.id);
      auto data = read_file(impl->path(name));
      if (!data) {
        return Status::corruption("lexical index segment file '" + name +
                                  "' named by the manifest cannot be read (" +
                                  data.status().message() + "); rebuild the index");
      }
      if (data->size() != ms.file_size) {
        return Status::corruption("lexical index segment file '" + name +
                                  "' has the wrong size; rebuild the index");
      }
      auto seg = lex::Segment::parse(ms.id, std::move(data.value()));
      if (!seg) return seg.status();
      if (seg.value()->checksum != ms.checksum) {
        return Status::corruption("lexical index segment file '" + name +
                                  "' does not match the manifest; rebuild the index");
      }
      SegmentState st = IndexCore::fresh_state(seg.value());
      for (uint32_t d : ms.deleted) {
        if (d >= st.segment->doc_count) {
          return Status::corruption("lexical index manifest deletes a document beyond segment '" +
                                    name + "'; rebuild the index");
        }
      }
      if (!ms.deleted.empty()) st = lex::with_deletions(st, ms.deleted);
      snap->segments.push_back(std::move(st));
      impl->on_disk[ms.id] = ms.file_size;
      disk += ms.file_size;
      keep.insert(name);
    }
    impl->disk_bytes = disk;
  }
  // Anything else in the folder is a left-over of an interrupted write, or, for a reader,
  // a writer's work in progress.
  for (const auto& entry : fs::directory_iterator(dir, ec)) {
    if (read_only) break;
    if (!entry.is_regular_file(ec)) continue;
    if (keep.count(entry.path().filename().string())) continue;
    fs::remove(entry.path(), ec);
  }
  snap->bytes_on_disk = impl->disk_bytes;
  lex::finalize_snapshot(snap.get());
  impl->snap = std::move(snap);
  return Status::ok();
}

}  // namespace

struct LexicalIndex::Impl : IndexCore {};

LexicalIndex::LexicalIndex(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
LexicalIndex::~LexicalIndex() = default;

Result<std::unique_ptr<LexicalIndex>> LexicalIndex::open(const std::string& dir,
                                                         Bm25Params params, bool read_only) {
  RAGD_RETURN_IF_ERROR(check_params(params));
  // A reader racing a writer's manifest swap sees a segment vanish: try the new manifest.
  const int attempts = read_only ? 20 : 1;
  Status status;
  for (int attempt = 0; attempt < attempts; ++attempt) {
    if (attempt > 0) std::this_thread::sleep_for(std::chrono::milliseconds(25));
    try {
      auto impl = std::make_unique<Impl>();
      status = load(dir, params, read_only, impl.get());
      if (status.is_ok()) return std::unique_ptr<LexicalIndex>(new LexicalIndex(std::move(impl)));
    } catch (const std::exception& e) {
      return Status::internal(std::string("opening the lexical index failed: ") + e.what());
    }
    if (status.code() != ErrorCode::kCorruption) break;
  }
  return status;
}

Status LexicalIndex::apply(std::vector<IndexDocument> adds,
                           const std::vector<int64_t>& removed_chunk_ids, int64_t applied_seq,
                           bool persist) {
  try {
    IndexCore& im = *impl_;
    auto cur = im.current();
    auto next = std::make_shared<Snapshot>(*cur);
    next->applied_seq = applied_seq;

    // The last add of a chunk id wins; adding an indexed chunk replaces it.
    auto [unique, gone] = dedup_batch(std::move(adds), removed_chunk_ids);

    std::vector<uint32_t> docs;
    std::vector<SegmentState> kept;
    for (const SegmentState& st : next->segments) {
      const lex::Segment& seg = *st.segment;
      docs.clear();
      if (gone.size() * 16 > seg.doc_count) {
        size_t i = 0, j = 0;
        while (i < gone.size() && j < seg.doc_count) {
          if (gone[i] < seg.chunk_ids[j]) {
            ++i;
          } else if (seg.chunk_ids[j] < gone[i]) {
            ++j;
          } else {
            docs.push_back(static_cast<uint32_t>(j));
            ++i;
            ++j;
          }
        }
      } else {
        for (int64_t id : gone) {
          int64_t d = seg.find_chunk(id);
          if (d >= 0) docs.push_back(static_cast<uint32_t>(d));
        }
      }
      SegmentState updated = docs.empty() ? st : lex::with_deletions(st, docs);
      if (updated.live_docs > 0) kept.push_back(std::move(updated));
    }
    next->segments = std::move(kept);

    if (!unique.empty()) {
      auto st = im.new_segment(lex::build_segment(unique));
      if (!st) return st.status();
      next->segments.push_back(std::move(st.value()));
    }
    RAGD_RETURN_IF_ERROR(im.merge(next.get()));
    lex::finalize_snapshot(next.get());
    next->bytes_on_disk = im.disk_bytes;
    if (persist) RAGD_RETURN_IF_ERROR(im.persist(next.get()));
    im.publish(std::move(next));
    return Status::ok();
  } catch (const std::exception& e) {
    return Status::internal(std::string("applying changes to the lexical index failed: ") +
                            e.what());
  }
}

std::vector<ScoredChunk> LexicalIndex::search(const std::vector<std::string>& query_terms,
                                              size_t k, const SearchFilter& filter) const {
  try {
    auto snap = impl_->current();
    return lex::search_snapshot(*snap, query_terms, k, filter, impl_->strategy);
  } catch (const std::exception&) {
    return {};  // only allocation failure can get here
  }
}

void LexicalIndex::set_search_strategy(SearchStrategy strategy) { impl_->strategy = strategy; }

Status LexicalIndex::compact() {
  try {
    IndexCore& im = *impl_;
    auto cur = im.current();
    auto next = std::make_shared<Snapshot>(*cur);
    bool any_deleted = false;
    for (const SegmentState& st : next->segments) any_deleted |= st.deleted != nullptr;
    if (next->segments.size() > 1 || any_deleted) {
      auto bytes = lex::merge_segments(next->segments);
      next->segments.clear();
      if (bytes) {
        auto st = im.new_segment(std::move(*bytes));
        if (!st) return st.status();
        next->segments.push_back(std::move(st.value()));
      }
      lex::finalize_snapshot(next.get());
    }
    RAGD_RETURN_IF_ERROR(im.persist(next.get()));
    im.publish(std::move(next));
    return Status::ok();
  } catch (const std::exception& e) {
    return Status::internal(std::string("compacting the lexical index failed: ") + e.what());
  }
}

LexicalIndexStats LexicalIndex::stats() const {
  auto snap = impl_->current();
  LexicalIndexStats s;
  s.live_documents = snap->live_docs;
  s.deleted_documents = snap->deleted_docs;
  s.segments = snap->segments.size();
  s.bytes_on_disk = snap->bytes_on_disk;
  s.applied_seq = snap->applied_seq;
  if (snap->segments.size() == 1) {
    s.terms = snap->segments[0].segment->terms.size();
  } else {
    std::unordered_set<std::string_view> terms;
    for (const SegmentState& st : snap->segments) {
      for (uint32_t i = 0; i < st.segment->terms.size(); ++i) terms.insert(st.segment->term(i));
    }
    s.terms = terms.size();
  }
  for (const SegmentState& st : snap->segments) s.postings += st.segment->total_postings;
  return s;
}

namespace {

uint64_t live_document_frequency(const Snapshot& snap, std::string_view term) {
  const uint64_t hash = lex::term_hash(term);
  uint64_t df = 0;
  for (const SegmentState& st : snap.segments) {
    int64_t ord = st.segment->find_term(term, hash);
    if (ord >= 0) {
      uint32_t o = static_cast<uint32_t>(ord);
      df += st.segment->terms[o].df - deleted_postings(st, o);
    }
  }
  return df;
}

}  // namespace

double LexicalIndex::term_idf(std::string_view term) const {
  auto snap = impl_->current();
  return lex::bm25_idf(static_cast<double>(snap->live_docs),
                       static_cast<double>(live_document_frequency(*snap, term)));
}

uint64_t LexicalIndex::term_document_frequency(std::string_view term) const {
  return live_document_frequency(*impl_->current(), term);
}

int64_t LexicalIndex::applied_seq() const { return impl_->current()->applied_seq; }

const Bm25Params& LexicalIndex::params() const { return impl_->params; }

}  // namespace ragd
