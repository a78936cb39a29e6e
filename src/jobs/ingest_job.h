// IngestJob: load -> clean -> chunk -> store -> index (-> embed), for the paths of `ragd ingest`.
//
// Parsing, cleaning and chunking run on worker threads; one writer (the calling thread)
// commits documents to the store in batched transactions (each document atomic via a
// savepoint) and brings the lexical index up to date from the store's change log. With a
// vector index (set_vectors), the chunks of new and changed documents are then embedded from
// the same change log (catch_up_vectors), after the store's transactions, never inside one:
// embedding is slow, and a crash mid-way loses nothing (the next writer embeds what the
// vector index lacks, reading back from the cache what was embedded already).
// Guarantees:
//  - a document whose content (and chunking settings) did not change is left untouched;
//  - a changed document replaces all its chunks in one transaction;
//  - a bad file or line is reported and counted, and the rest of the batch goes on;
//  - after kill -9, the store holds whole documents only and the next run resumes: files
//    finished earlier are skipped by size/mtime, documents committed earlier by content hash;
//  - documents of files deleted from an ingested folder (or ids gone from a changed JSONL
//    corpus) are removed.
// Thread-safety: one IngestJob runs at a time per data folder (the caller holds WriteLock).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "common/status.h"
#include "index/lexical_index.h"
#include "index/vector_index.h"
#include "jobs/cached_embedder.h"
#include "ingest/chunker.h"
#include "store/store.h"
#include "text/analyzer.h"

namespace ragd {

struct IngestOptions {
  std::string collection = "default";
  ChunkerConfig chunker;
  uint64_t max_file_bytes = 256ull << 20;  // single-document files above this are refused
  size_t threads = 0;  // parsing and analysis threads; 0 = hardware concurrency
  bool prune_missing = true;
  size_t index_every_chunks = 100000;  // persist the index after this many new chunks
};

enum class IngestOutcome { kAdded, kUpdated, kUnchanged, kRemoved, kFailed };
const char* outcome_name(IngestOutcome outcome);

struct IngestEvent {
  IngestOutcome outcome = IngestOutcome::kAdded;
  std::string source;   // file path; path#id for a corpus document; path:line for a bad line
  std::string title;
  std::string message;  // why it failed (kFailed only)
  size_t chunks = 0;
};

struct IngestProgress {
  uint64_t files_done = 0;
  uint64_t files_total = 0;
  uint64_t bytes_done = 0;
  uint64_t bytes_total = 0;
  uint64_t documents_done = 0;
  double elapsed_seconds = 0;
  // Embedding phase (set_vectors): passages embedded or read from the cache so far, and the
  // change-log position of the vector index between its start and target.
  bool embedding = false;
  uint64_t passages_embedded = 0;
  uint64_t passages_cached = 0;
  double embedding_fraction = 0;  // 0..1
};

class IngestObserver {
 public:
  virtual ~IngestObserver() = default;
  virtual void on_event(const IngestEvent& /*event*/) {}
  // Called at most a few times per second from the writer thread.
  virtual void on_progress(const IngestProgress& /*progress*/) {}
};

struct IngestSummary {
  uint64_t files = 0;
  uint64_t files_skipped_unchanged = 0;  // whole files skipped by size/mtime
  uint64_t files_skipped_unsupported = 0;
  uint64_t added = 0;
  uint64_t updated = 0;
  uint64_t unchanged = 0;
  uint64_t removed = 0;
  uint64_t failed = 0;
  uint64_t chunks_written = 0;
  double seconds = 0;
  double index_seconds = 0;  // part of `seconds` spent bringing the index up to date
  uint64_t passages_embedded = 0;  // by the provider
  uint64_t passages_cached = 0;    // found in the embedding cache
  double embed_seconds = 0;        // part of `seconds` spent on the vector index
};

class IngestJob {
 public:
  IngestJob(Store& store, LexicalIndex& index, const Analyzer& analyzer, IngestOptions options);
  IngestJob(const IngestJob&) = delete;
  IngestJob& operator=(const IngestJob&) = delete;

  // Fails only when the store or index cannot be written; per-file problems are events.
  Result<IngestSummary> run(const std::vector<std::string>& paths, IngestObserver* observer);

  // Also keep `index` (one embedding model's vector index) up to date, embedding through
  // `embedder`. Both must outlive run().
  void set_vectors(VectorIndex* index, CachedEmbedder* embedder) {
    vectors_ = index;
    embedder_ = embedder;
  }

 private:
  Status catch_up_dense(int64_t collection_id, IngestSummary& summary, IngestProgress& progress,
                        IngestObserver* observer);

  Store& store_;
  LexicalIndex& index_;
  const Analyzer& analyzer_;
  IngestOptions options_;
  VectorIndex* vectors_ = nullptr;
  CachedEmbedder* embedder_ = nullptr;
};

// Fingerprint of everything besides content that decides how a document is chunked and
// indexed; part of the stored content hash so a settings change re-processes documents.
std::string pipeline_signature(const ChunkerConfig& chunker);

}  // namespace ragd
