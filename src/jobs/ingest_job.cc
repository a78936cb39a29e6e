#include "jobs/ingest_job.h"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <filesystem>
#include <optional>
#include <thread>
#include <unordered_map>
#include <unordered_set>
#include <variant>

#include "common/bounded_queue.h"
#include "common/file_io.h"
#include "common/hash.h"
#include "ingest/assemble.h"
#include "ingest/loaders.h"
#include "jobs/index_sync.h"
#include "jobs/source_scan.h"
#include "jobs/vector_sync.h"

namespace ragd {

const char* outcome_name(IngestOutcome outcome) {
  switch (outcome) {
    case IngestOutcome::kAdded: return "added";
    case IngestOutcome::kUpdated: return "updated";
    case IngestOutcome::kUnchanged: return "unchanged";
    case IngestOutcome::kRemoved: return "removed";
    case IngestOutcome::kFailed: return "failed";
  }
  return "?";
}

// Bump when loaders, cleaning or chunking change what they produce for the same input.
static constexpr const char* kPipelineVersion = "ingest-v1";

std::string pipeline_signature(const ChunkerConfig& chunker) {
  return std::string(kPipelineVersion) + ":" + std::to_string(chunker.target_tokens) + ":" +
         std::to_string(chunker.overlap_tokens);
}

namespace {

using Clock = std::chrono::steady_clock;

// Work handed to parser threads: a whole file, or a batch of documents read from a corpus.
struct FileTask {
  size_t file_index = 0;
};
struct CorpusBatch {
  size_t file_index = 0;
  std::vector<RawDocument> documents;
};
using WorkItem = std::variant<FileTask, CorpusBatch>;

struct PreparedDocument {
  Document document;
  std::vector<Chunk> chunks;
  std::string source;  // for events
};
struct Failure {
  std::string source;
  std::string message;
};
// What one work item produced. `items_in_file` is set on the producer's end-of-file marker.
struct WorkResult {
  size_t file_index = 0;
  std::vector<PreparedDocument> documents;
  std::vector<Failure> failures;
  std::optional<size_t> items_in_file;  // end-of-file marker: total items for this file
  bool file_fatal = false;              // the file could not be read to its end
};

std::string file_state_key(int64_t collection_id, const std::string& path) {
  return "file:" + std::to_string(collection_id) + ":" + path;
}

std::string file_state_value(const SourceFile& file, const std::string& signature) {
  return std::to_string(file.size) + ":" + std::to_string(file.mtime_ns) + ":" + signature;
}

std::string stem_of(const std::string& path) {
  return std::filesystem::path(path).stem().string();
}

// Parser-thread side: turns one work item into prepared documents.
class DocumentPreparer {
 public:
  DocumentPreparer(const std::vector<SourceFile>& files, const IngestOptions& options)
      : files_(files), options_(options) {}

  WorkResult prepare(const WorkItem& item) const {
    WorkResult result;
    if (const auto* task = std::get_if<FileTask>(&item)) {
      result.file_index = task->file_index;
      prepare_file(files_[task->file_index], result);
    } else {
      const auto& batch = std::get<CorpusBatch>(item);
      result.file_index = batch.file_index;
      const SourceFile& file = files_[batch.file_index];
      for (const RawDocument& raw : batch.documents) {
        std::string key = file.path + "#" + raw.external_id;
        DocumentOrigin origin{key, file.path, file.domain, raw.external_id};
        finish(RawDocument(raw), origin, key, result);
      }
    }
    return result;
  }

 private:
  void prepare_file(const SourceFile& file, WorkResult& result) const {
    auto bytes = read_file(file.path, options_.max_file_bytes);
    if (!bytes.is_ok()) {
      result.failures.push_back({file.path, bytes.status().message()});
      return;
    }
    Result<RawDocument> raw = Status::internal("unreachable");
    switch (file.format) {
      case SourceFormat::kMarkdown: raw = parse_markdown(*bytes); break;
      case SourceFormat::kText: raw = parse_text(*bytes); break;
      case SourceFormat::kHtml: raw = parse_html(*bytes); break;
      case SourceFormat::kPdf: raw = parse_pdf(*bytes); break;
      default: raw = Status::invalid("unsupported file type"); break;
    }
    if (!raw.is_ok()) {
      result.failures.push_back({file.path, raw.status().message()});
      return;
    }
    DocumentOrigin origin{file.path, file.path, file.domain, stem_of(file.path)};
    finish(std::move(raw).value(), origin, file.path, result);
  }

  void finish(RawDocument raw, const DocumentOrigin& origin, const std::string& source,
              WorkResult& result) const {
    Document document = assemble_document(std::move(raw), origin);
    if (document.text.empty()) {
      result.failures.push_back({source, "empty document: no text left after cleaning"});
      return;
    }
    std::vector<Chunk> chunks = chunk_document(document, options_.chunker);
    if (chunks.empty()) {
      result.failures.push_back({source, "empty document: no chunk could be made"});
      return;
    }
    document.content_hash = sha256_hex(document.content_hash + "|" +
                                       pipeline_signature(options_.chunker));
    result.documents.push_back({std::move(document), std::move(chunks), source});
  }

  const std::vector<SourceFile>& files_;
  const IngestOptions& options_;
};

// Reads sources in order and feeds the work queue; the end of each file is announced to
// the writer through the result queue with the number of items the file produced.
void produce(const std::vector<SourceFile>& files, const std::vector<bool>& skip,
             BoundedQueue<WorkItem>& work, BoundedQueue<WorkResult>& results) {
  constexpr size_t kBatch = 256;
  for (size_t i = 0; i < files.size(); ++i) {
    if (skip[i]) continue;
    const SourceFile& file = files[i];
    WorkResult end_marker;
    end_marker.file_index = i;
    if (file.format != SourceFormat::kBeirJsonl) {
      if (!work.push(FileTask{i})) return;
      end_marker.items_in_file = 1;
      results.push(std::move(end_marker));
      continue;
    }
    size_t items = 0;
    CorpusBatch batch{i, {}};
    bool stopped = false;
    Status status = read_beir_jsonl(
        file.path,
        [&](RawDocument&& doc) {
          if (stopped) return;
          batch.documents.push_back(std::move(doc));
          if (batch.documents.size() >= kBatch) {
            ++items;
            stopped = !work.push(std::move(batch));
            batch = CorpusBatch{i, {}};
          }
        },
        [&](const LineError& error) {
          WorkResult failure;
          failure.file_index = i;
          failure.failures.push_back({file.path + ":" + std::to_string(error.line), error.message});
          ++items;
          results.push(std::move(failure));
        });
    if (!batch.documents.empty()) {
      ++items;
      work.push(std::move(batch));
    }
    if (!status.is_ok()) {
      WorkResult failure;
      failure.file_index = i;
      failure.failures.push_back({file.path, status.message()});
      failure.file_fatal = true;
      ++items;
      results.push(std::move(failure));
    }
    end_marker.items_in_file = items;
    results.push(std::move(end_marker));
  }
}

// Per-file bookkeeping on the writer side.
struct FileTracker {
  size_t items_seen = 0;
  std::optional<size_t> items_expected;
  bool failed = false;
  bool fatal = false;
  bool done() const { return items_expected && items_seen >= *items_expected; }
};

}  // namespace

IngestJob::IngestJob(Store& store, LexicalIndex& index, const Analyzer& analyzer,
                     IngestOptions options)
    : store_(store), index_(index), analyzer_(analyzer), options_(std::move(options)) {}

Status IngestJob::catch_up_dense(int64_t collection_id, IngestSummary& summary,
                                 IngestProgress& progress, IngestObserver* observer) {
  if (vectors_ == nullptr || embedder_ == nullptr) return Status::ok();
  const auto started = Clock::now();
  const double elapsed_before = progress.elapsed_seconds;
  const uint64_t embedded_before = summary.passages_embedded;
  const uint64_t cached_before = summary.passages_cached;
  auto last_report = Clock::now() - std::chrono::seconds(1);
  VectorCatchUpOptions options;
  options.on_progress = [&](const VectorProgress& p) {
    auto now = Clock::now();
    if (now - last_report < std::chrono::milliseconds(200)) return;
    last_report = now;
    progress.embedding = true;
    progress.passages_embedded = embedded_before + p.embedded;
    progress.passages_cached = cached_before + p.cached;
    const double span = static_cast<double>(p.target_seq - p.first_seq);
    progress.embedding_fraction =
        span > 0 ? static_cast<double>(p.applied_seq - p.first_seq) / span : 1.0;
    progress.elapsed_seconds =
        elapsed_before + std::chrono::duration<double>(now - started).count();
    observer->on_progress(progress);
  };
  auto caught_up = catch_up_vectors(store_, collection_id, *vectors_, *embedder_, options);
  if (!caught_up.is_ok()) return caught_up.status();
  summary.passages_embedded += caught_up->embedded;
  summary.passages_cached += caught_up->cached;
  summary.embed_seconds += caught_up->seconds;
  progress.embedding = false;
  return Status::ok();
}

Result<IngestSummary> IngestJob::run(const std::vector<std::string>& paths,
                                     IngestObserver* observer) {
  IngestObserver silent;
  if (observer == nullptr) observer = &silent;
  const auto started = Clock::now();
  IngestSummary summary;
  RAGD_RETURN_IF_ERROR(options_.chunker.validate());
  auto collection = store_.get_or_create_collection(options_.collection);
  if (!collection.is_ok()) return collection.status();
  const int64_t collection_id = collection->id;
  const std::string signature = pipeline_signature(options_.chunker);
  CatchUpOptions catch_up_options;
  catch_up_options.threads = options_.threads;

  SourceScan scan = scan_sources(paths);
  summary.files = scan.files.size();
  summary.files_skipped_unsupported = scan.skipped;
  for (const SourceProblem& problem : scan.problems) {
    ++summary.failed;
    observer->on_event({IngestOutcome::kFailed, problem.path, "", problem.message, 0});
  }

  // Files whose size and mtime match a completed earlier run are skipped whole.
  std::vector<bool> skip(scan.files.size(), false);
  for (size_t i = 0; i < scan.files.size(); ++i) {
    auto state = store_.get_state(file_state_key(collection_id, scan.files[i].path));
    if (!state.is_ok()) return state.status();
    if (*state && **state == file_state_value(scan.files[i], signature)) {
      skip[i] = true;
      ++summary.files_skipped_unchanged;
    }
  }

  IngestProgress progress;
  progress.files_total = scan.files.size();
  progress.bytes_total = scan.total_bytes;
  for (size_t i = 0; i < scan.files.size(); ++i) {
    if (skip[i]) {
      ++progress.files_done;
      progress.bytes_done += scan.files[i].size;
    }
  }

  size_t threads = options_.threads ? options_.threads
                                    : std::max(1u, std::thread::hardware_concurrency());
  BoundedQueue<WorkItem> work(threads * 4);
  BoundedQueue<WorkResult> results(threads * 8 + 64);
  DocumentPreparer preparer(scan.files, options_);
  std::jthread producer([&] {
    produce(scan.files, skip, work, results);
    work.close();
  });
  std::vector<std::jthread> workers;
  std::atomic<size_t> workers_left{threads};
  for (size_t t = 0; t < threads; ++t) {
    workers.emplace_back([&] {
      while (auto item = work.pop()) results.push(preparer.prepare(*item));
      if (--workers_left == 0) results.close();
    });
  }

  std::vector<FileTracker> trackers(scan.files.size());
  // Keys seen per corpus file, to remove ids that disappeared from it.
  std::unordered_map<size_t, std::unordered_set<std::string>> corpus_keys;
  std::vector<WorkResult> pending;
  size_t pending_documents = 0;
  size_t chunks_since_index = 0;
  Status fatal_error;
  auto last_progress = Clock::now();

  auto flush = [&]() -> Status {
    std::vector<IngestEvent> events;
    Status status = store_.in_transaction([&]() -> Status {
      for (WorkResult& result : pending) {
        const SourceFile& file = scan.files[result.file_index];
        FileTracker& tracker = trackers[result.file_index];
        for (Failure& failure : result.failures) {
          events.push_back({IngestOutcome::kFailed, failure.source, "", failure.message, 0});
          tracker.failed = true;
        }
        tracker.fatal |= result.file_fatal;
        for (PreparedDocument& prepared : result.documents) {
          if (file.format == SourceFormat::kBeirJsonl) {
            corpus_keys[result.file_index].insert(prepared.document.key);
          }
          auto existing = store_.find_document(collection_id, prepared.document.key);
          if (!existing.is_ok()) return existing.status();
          IngestEvent event{IngestOutcome::kAdded, prepared.source, prepared.document.title, "",
                            prepared.chunks.size()};
          if (*existing && (*existing)->content_hash == prepared.document.content_hash) {
            event.outcome = IngestOutcome::kUnchanged;
          } else {
            if (*existing) event.outcome = IngestOutcome::kUpdated;
            auto id = store_.replace_document(collection_id, prepared.document, prepared.chunks);
            if (!id.is_ok()) {
              event.outcome = IngestOutcome::kFailed;
              event.message = id.status().message();
              tracker.failed = true;
            } else {
              chunks_since_index += prepared.chunks.size();
            }
          }
          events.push_back(std::move(event));
        }
        if (!result.items_in_file) ++tracker.items_seen;
        if (result.items_in_file) tracker.items_expected = result.items_in_file;
        if (tracker.done()) {
          ++progress.files_done;
          progress.bytes_done += file.size;
          if (!tracker.failed && !tracker.fatal) {
            RAGD_RETURN_IF_ERROR(store_.set_state(file_state_key(collection_id, file.path),
                                                  file_state_value(file, signature)));
          }
        }
      }
      return Status::ok();
    });
    pending.clear();
    pending_documents = 0;
    if (!status.is_ok()) return status;
    for (const IngestEvent& event : events) {
      switch (event.outcome) {
        case IngestOutcome::kAdded: ++summary.added; summary.chunks_written += event.chunks; break;
        case IngestOutcome::kUpdated: ++summary.updated; summary.chunks_written += event.chunks; break;
        case IngestOutcome::kUnchanged: ++summary.unchanged; break;
        case IngestOutcome::kRemoved: ++summary.removed; break;
        case IngestOutcome::kFailed: ++summary.failed; break;
      }
      if (event.outcome != IngestOutcome::kFailed) ++progress.documents_done;
      observer->on_event(event);
    }
    if (chunks_since_index >= options_.index_every_chunks) {
      auto index_started = Clock::now();
      auto caught_up = catch_up_index(store_, collection_id, index_, analyzer_, catch_up_options);
      summary.index_seconds += std::chrono::duration<double>(Clock::now() - index_started).count();
      if (!caught_up.is_ok()) return caught_up.status();
      RAGD_RETURN_IF_ERROR(catch_up_dense(collection_id, summary, progress, observer));
      chunks_since_index = 0;
    }
    return Status::ok();
  };

  auto last_flush = Clock::now();
  while (auto result = results.pop()) {
    if (!fatal_error.is_ok()) continue;  // drain so the other threads can finish
    pending_documents += result->documents.size() + result->failures.size();
    pending.push_back(std::move(*result));
    auto now = Clock::now();
    if (pending_documents >= 512 || now - last_flush > std::chrono::seconds(1)) {
      fatal_error = flush();
      last_flush = now;
      if (!fatal_error.is_ok()) {
        work.close();
        continue;
      }
    }
    if (now - last_progress > std::chrono::milliseconds(200)) {
      progress.elapsed_seconds = std::chrono::duration<double>(now - started).count();
      observer->on_progress(progress);
      last_progress = now;
    }
  }
  producer.join();
  workers.clear();
  if (fatal_error.is_ok() && !pending.empty()) fatal_error = flush();
  if (!fatal_error.is_ok()) return fatal_error;

  if (options_.prune_missing) {
    std::unordered_set<std::string> present;
    for (const SourceFile& file : scan.files) present.insert(file.path);
    std::unordered_map<std::string, size_t> corpus_index;
    for (const auto& [index, keys] : corpus_keys) {
      if (!trackers[index].fatal) corpus_index[scan.files[index].path] = index;
    }
    for (const std::string& folder : scan.folders) {
      auto documents = store_.list_documents(collection_id, folder);
      if (!documents.is_ok()) return documents.status();
      for (const DocumentInfo& doc : *documents) {
        std::string file = doc.key.substr(0, doc.key.find('#'));
        bool stale = !present.count(file);
        if (!stale && doc.key.size() != file.size()) {
          auto it = corpus_index.find(file);
          stale = it != corpus_index.end() && !corpus_keys[it->second].count(doc.key);
        }
        if (!stale) continue;
        RAGD_RETURN_IF_ERROR(store_.remove_document(doc.id));
        ++summary.removed;
        observer->on_event({IngestOutcome::kRemoved, doc.source_path, doc.title, "", 0});
      }
    }
  }

  auto index_started = Clock::now();
  auto caught_up = catch_up_index(store_, collection_id, index_, analyzer_, catch_up_options);
  if (!caught_up.is_ok()) return caught_up.status();
  summary.index_seconds += std::chrono::duration<double>(Clock::now() - index_started).count();
  progress.elapsed_seconds = std::chrono::duration<double>(Clock::now() - started).count();
  RAGD_RETURN_IF_ERROR(catch_up_dense(collection_id, summary, progress, observer));
  progress.elapsed_seconds = std::chrono::duration<double>(Clock::now() - started).count();
  observer->on_progress(progress);
  summary.seconds = progress.elapsed_seconds;
  return summary;
}

}  // namespace ragd
