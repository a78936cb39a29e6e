#include "jobs/index_sync.h"

#include <algorithm>
#include <thread>
#include <vector>

#include "common/dates.h"

namespace ragd {

IndexDocument IndexDocumentBuilder::build(const ChunkForIndex& chunk, const Analyzer& analyzer) {
  IndexDocument doc;
  doc.chunk_id = chunk.chunk_id;
  doc.document_id = chunk.document_id;
  analyzer.analyze(chunk.title, doc.title_terms);
  analyzer.analyze(chunk.section_path, doc.title_terms);
  analyzer.analyze(chunk.text, doc.body_terms);
  doc.domain = chunk.domain;
  doc.tags = chunk.tags;
  if (chunk.date) {
    if (auto days = parse_iso_date(*chunk.date)) doc.date_days = *days;
  }
  return doc;
}

namespace {

std::vector<IndexDocument> analyse_all(const std::vector<ChunkForIndex>& chunks,
                                       const Analyzer& analyzer, size_t threads) {
  std::vector<IndexDocument> out(chunks.size());
  if (threads == 0) threads = std::max(1u, std::thread::hardware_concurrency());
  threads = std::min(threads, std::max<size_t>(1, chunks.size() / 256));
  auto work = [&](size_t begin, size_t end) {
    for (size_t i = begin; i < end; ++i) out[i] = IndexDocumentBuilder::build(chunks[i], analyzer);
  };
  if (threads <= 1) {
    work(0, chunks.size());
    return out;
  }
  {
    std::vector<std::jthread> pool;  // joined at the end of this block
    size_t step = (chunks.size() + threads - 1) / threads;
    for (size_t begin = 0; begin < chunks.size(); begin += step) {
      pool.emplace_back(work, begin, std::min(chunks.size(), begin + step));
    }
  }
  return out;
}

}  // namespace

Result<size_t> catch_up_index(Store& store, int64_t collection_id, LexicalIndex& index,
                              const Analyzer& analyzer, const CatchUpOptions& options) {
  size_t applied = 0;
  for (;;) {
    auto changes = store.changes_since(collection_id, index.applied_seq(), options.batch_changes);
    if (!changes.is_ok()) return changes.status();
    if (changes->empty()) return applied;
    std::vector<int64_t> added;
    std::vector<int64_t> removed;
    for (const ChunkChange& change : *changes) {
      (change.added ? added : removed).push_back(change.chunk_id);
    }
    // An addition whose chunk is already gone is skipped by chunks_for_index; its removal
    // comes later in the log (chunk ids are never reused).
    auto chunks = store.chunks_for_index(added);
    if (!chunks.is_ok()) return chunks.status();
    std::vector<IndexDocument> docs = analyse_all(*chunks, analyzer, options.threads);
    RAGD_RETURN_IF_ERROR(
        index.apply(std::move(docs), removed, changes->back().seq, options.persist));
    applied += changes->size();
  }
}

}  // namespace ragd
