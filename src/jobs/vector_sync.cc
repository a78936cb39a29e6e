#include "jobs/vector_sync.h"

#include <algorithm>
#include <chrono>
#include <cstddef>
#include <vector>

#include "common/dates.h"

namespace ragd {

std::string passage_text(const ChunkForIndex& chunk) {
  std::string heading = chunk.title;
  if (!chunk.section_path.empty()) {
    if (chunk.section_path.rfind(chunk.title, 0) == 0) {
      heading = chunk.section_path;  // the trail usually opens with the title itself
    } else {
      heading += (heading.empty() ? "" : " > ") + chunk.section_path;
    }
  }
  if (heading.empty()) return chunk.text;
  return heading + " " + chunk.text;
}

Result<size_t> pending_changes(Store& store, int64_t collection_id, int64_t after_seq,
                               size_t limit) {
  auto changes = store.changes_since(collection_id, after_seq, limit + 1);
  if (!changes.is_ok()) return changes.status();
  return changes->size();
}

Result<VectorCatchUpSummary> catch_up_vectors(Store& store, int64_t collection_id,
                                              VectorIndex& index, CachedEmbedder& embedder,
                                              const VectorCatchUpOptions& options) {
  const auto started = std::chrono::steady_clock::now();
  VectorCatchUpSummary summary;
  VectorProgress progress;
  progress.first_seq = progress.applied_seq = index.applied_seq();
  progress.target_seq = store.last_change_seq();
  size_t unpersisted = 0;
  size_t embed_budget = options.max_new_embeddings;
  auto report = [&] {
    if (options.on_progress) options.on_progress(progress);
  };
  for (;;) {
    auto changes = store.changes_since(collection_id, index.applied_seq(), options.batch_changes);
    if (!changes.is_ok()) return changes.status();
    if (changes->empty()) break;
    std::vector<int64_t> added;
    std::vector<int64_t> removed;
    for (const ChunkChange& change : *changes) {
      (change.added ? added : removed).push_back(change.chunk_id);
    }
    // An addition whose chunk is already gone is skipped; its removal comes later in the log.
    auto chunks = store.chunks_for_index(added);
    if (!chunks.is_ok()) return chunks.status();
    std::vector<std::string> texts;
    texts.reserve(chunks->size());
    for (const ChunkForIndex& chunk : *chunks) texts.push_back(passage_text(chunk));
    EmbedRequestOptions request;
    request.store_new = options.store_embeddings;
    request.max_new = embed_budget;
    const uint64_t embedded_before = progress.embedded;
    request.on_embedded = [&](size_t embedded_now) {
      progress.embedded = embedded_before + embedded_now;
      report();
    };
    auto embedded = embedder.embed_passages(texts, request);
    if (!embedded.is_ok()) return embedded.status();
    embed_budget -= std::min(embed_budget, embedded->embedded);
    progress.embedded = embedded_before + embedded->embedded;
    progress.cached += embedded->cached;
    summary.embedded += embedded->embedded;
    summary.cached += embedded->cached;

    const size_t dim = embedder.dimension();
    std::vector<VectorEntry> entries;
    entries.reserve(chunks->size());
    for (size_t i = 0; i < chunks->size(); ++i) {
      if (!embedded->present[i]) {
        ++summary.left_out;
        continue;
      }
      const ChunkForIndex& chunk = (*chunks)[i];
      VectorEntry entry;
      entry.chunk_id = chunk.chunk_id;
      entry.document_id = chunk.document_id;
      entry.domain = chunk.domain;
      entry.tags = chunk.tags;
      if (chunk.date) {
        if (auto days = parse_iso_date(*chunk.date)) entry.date_days = *days;
      }
      entry.vector.assign(embedded->vectors.begin() + static_cast<std::ptrdiff_t>(i * dim),
                          embedded->vectors.begin() + static_cast<std::ptrdiff_t>((i + 1) * dim));
      entries.push_back(std::move(entry));
    }
    unpersisted += entries.size() + removed.size();
    const bool last = changes->size() < options.batch_changes;
    const bool persist = options.persist && (last || unpersisted >= options.persist_every);
    RAGD_RETURN_IF_ERROR(index.apply(std::move(entries), removed, changes->back().seq, persist));
    if (persist) unpersisted = 0;
    summary.changes += changes->size();
    progress.applied_seq = index.applied_seq();
    report();
    if (last) break;
  }
  if (options.persist && unpersisted > 0) {
    RAGD_RETURN_IF_ERROR(index.apply({}, {}, index.applied_seq(), true));
  }
  summary.seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  return summary;
}

}  // namespace ragd
