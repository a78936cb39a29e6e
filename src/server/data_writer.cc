#include "server/data_writer.h"

#include <ctime>
#include <filesystem>
#include <future>

#include "chat/collection_pipeline.h"
#include "jobs/collection_handle.h"
#include "jobs/ingest_job.h"
#include "store/session_store.h"

namespace ragd::server {

namespace {

int64_t now_seconds() { return static_cast<int64_t>(std::time(nullptr)); }

// Ingestion messages name the file; the client knows it by its key, not the server's path.
std::string without_path(std::string message, const std::string& root) {
  for (size_t at; (at = message.find(root)) != std::string::npos;) {
    size_t end = at + root.size();
    if (end < message.size() && message[end] == '/') ++end;
    message.erase(at, end - at);
  }
  return message;
}

// Follows the events of the one uploaded file among those of its folder.
class JobObserver : public IngestObserver {
 public:
  explicit JobObserver(std::string path) : path_(std::move(path)) {}
  void on_event(const IngestEvent& event) override {
    if (event.source != path_ && event.source.rfind(path_ + "#", 0) != 0 &&
        event.source.rfind(path_ + ":", 0) != 0) {
      return;
    }
    seen = true;
    if (event.outcome == IngestOutcome::kFailed) {
      failed = true;
      if (failure.empty()) failure = event.message;
    } else if (event.outcome != IngestOutcome::kRemoved) {
      ++documents;
      chunks += event.chunks;
    }
  }
  bool seen = false;
  bool failed = false;
  std::string failure;
  uint64_t documents = 0;
  uint64_t chunks = 0;

 private:
  std::string path_;
};

}  // namespace

nlohmann::json job_to_json(const JobInfo& job) {
  auto time_or_null = [](int64_t t) { return t ? nlohmann::json(t) : nlohmann::json(nullptr); };
  return {{"id", job.id},
          {"status", job.status},
          {"collection", job.collection},
          {"document", job.document},
          {"created_at", job.created_at},
          {"started_at", time_or_null(job.started_at)},
          {"finished_at", time_or_null(job.finished_at)},
          {"progress", {{"documents_done", job.documents_done}, {"chunks", job.chunks}}},
          {"error", job.error_code.empty()
                        ? nlohmann::json(nullptr)
                        : nlohmann::json{{"code", job.error_code}, {"message", job.error_message}}}};
}

DataWriter::DataWriter(DataDir data, CollectionCatalog& catalog,
                       std::function<void(const std::string&)> on_change)
    : data_(std::move(data)), catalog_(catalog), on_change_(std::move(on_change)) {}

DataWriter::~DataWriter() = default;

Status DataWriter::with_collection(const std::string& name,
                                   const std::function<Status(Store&, const CollectionInfo&)>& change,
                                   bool identity) {
  auto lock = WriteLock::acquire(data_);
  if (!lock.is_ok()) return lock.status();
  auto store = Store::open(data_.store_path());
  if (!store.is_ok()) return store.status();
  auto found = (*store)->find_collection(name);
  if (!found.is_ok()) return found.status();
  RAGD_RETURN_IF_ERROR(change(**store, *found));
  if (identity) {
    catalog_.changed_identity(name);
  } else {
    catalog_.changed_content(name);
  }
  if (on_change_) on_change_(name);
  return Status::ok();
}

template <class T>
T DataWriter::run_sync(std::function<T()> work) {
  std::promise<T> promise;
  auto future = promise.get_future();
  ++queued_;
  thread_.post([&] {
    --queued_;
    promise.set_value(work());
  });
  return future.get();
}

Result<CollectionInfo> DataWriter::create_collection(const NewCollection& c) {
  return run_sync<Result<CollectionInfo>>([&]() -> Result<CollectionInfo> {
    RAGD_RETURN_IF_ERROR(data_.ensure_exists());
    auto lock = WriteLock::acquire(data_);
    if (!lock.is_ok()) return lock.status();
    auto store = Store::open(data_.store_path());
    if (!store.is_ok()) return store.status();
    auto created = (*store)->create_collection(c.name, c.description, c.settings_json);
    if (!created.is_ok()) return created.status();
    if (c.domains_json) {
      RAGD_RETURN_IF_ERROR((*store)->set_state(domains_state_key(created->id), *c.domains_json));
    }
    catalog_.changed_identity(c.name);
    if (on_change_) on_change_(c.name);
    return created;
  });
}

Status DataWriter::update_collection(const std::string& name, std::optional<std::string> description,
                                     std::optional<std::string> domains_json) {
  return run_sync<Status>([&]() -> Status {
    return with_collection(name, [&](Store& store, const CollectionInfo& found) -> Status {
      if (description) {
        RAGD_RETURN_IF_ERROR(store.update_collection_description(found.id, *description));
      }
      if (domains_json) {
        RAGD_RETURN_IF_ERROR(store.set_state(domains_state_key(found.id), *domains_json));
      }
      return Status::ok();
    });
  });
}

Status DataWriter::delete_collection(const std::string& name) {
  return run_sync<Status>([&]() -> Status {
    return with_collection(name, [&](Store& store, const CollectionInfo& found) -> Status {
      RAGD_RETURN_IF_ERROR(store.delete_collection(found.id));
      std::error_code ec;
      std::filesystem::remove_all(data_.collection_index_path(found.id), ec);
      std::filesystem::remove_all(data_.uploads_path(name), ec);
      return Status::ok();
    });
  });
}

Status DataWriter::delete_document(const std::string& collection, const std::string& key) {
  return run_sync<Status>([&]() -> Status {
    return with_collection(collection, [&](Store& store, const CollectionInfo& found) -> Status {
      auto document = store.find_document(found.id, key);
      if (!document.is_ok()) return document.status();
      if (!document->has_value()) return Status::not_found("no document '" + key + "'");
      return store.remove_document((*document)->id);
    }, /*identity=*/false);
  });
}

JobInfo DataWriter::submit_ingest(const std::string& collection, const std::string& document_key,
                                  const std::string& staged_root) {
  JobInfo job;
  auto id = make_public_id("j_");
  job.id = id.is_ok() ? *id : "j_" + std::to_string(now_seconds()) + std::to_string(queued_.load());
  job.collection = collection;
  job.document = document_key;
  job.created_at = now_seconds();
  {
    std::lock_guard lock(jobs_mutex_);
    jobs_[job.id] = job;
  }
  ++queued_;
  thread_.post([this, id = job.id, collection, document_key, staged_root] {
    --queued_;
    run_ingest(id, collection, document_key, staged_root);
  });
  return job;
}

std::optional<JobInfo> DataWriter::job(const std::string& id) const {
  std::lock_guard lock(jobs_mutex_);
  auto it = jobs_.find(id);
  if (it == jobs_.end()) return std::nullopt;
  return it->second;
}

void DataWriter::update_job(const std::string& id, const std::function<void(JobInfo&)>& change) {
  std::lock_guard lock(jobs_mutex_);
  auto it = jobs_.find(id);
  if (it != jobs_.end()) change(it->second);
}

void DataWriter::run_ingest(const std::string& job_id, const std::string& collection,
                            const std::string& document_key, const std::string& staged_root) {
  update_job(job_id, [](JobInfo& j) {
    j.status = "running";
    j.started_at = now_seconds();
  });
  auto fail = [&](const std::string& code, const std::string& message) {
    update_job(job_id, [&](JobInfo& j) {
      j.status = "failed";
      j.error_code = code;
      j.error_message = message;
      j.finished_at = now_seconds();
    });
  };
  OpenCollectionOptions open_options;
  open_options.encoder_threads = 0;
  auto handle = open_collection(data_, collection, OpenMode::kWriteOrCreate, open_options);
  if (!handle.is_ok()) {
    fail("internal_error", "the collection could not be opened for writing");
  } else {
    IngestOptions options;
    options.collection = collection;
    options.chunker = handle->settings.chunker;
    options.prune_missing = false;
    IngestJob job(*handle->store, *handle->index, *handle->analyzer, options);
    if (handle->dense()) job.set_vectors(handle->vectors.get(), handle->embedder.get());
    std::string path = staged_root + "/" + document_key;
    JobObserver observer(path);
    auto summary = job.run({staged_root}, &observer);
    if (!summary.is_ok()) {
      fail("internal_error", "the document could not be stored");
    } else if (!observer.seen || observer.failed) {
      fail(observer.seen ? "invalid_document" : "unsupported_format",
           observer.seen ? (observer.failure.empty() ? "the document could not be read"
                                                     : without_path(observer.failure, staged_root))
                         : "the file's format is not supported (Markdown, text, HTML, PDF, JSONL)");
      // A file that cannot be ingested would fail every later scan of the folder.
      std::error_code ec;
      std::filesystem::remove(path, ec);
    } else {
      update_job(job_id, [&](JobInfo& j) {
        j.status = "succeeded";
        j.documents_done = observer.documents;
        j.chunks = observer.chunks;
        j.finished_at = now_seconds();
      });
    }
    catalog_.changed_content(collection);
    if (on_change_) on_change_(collection);
  }
}

}  // namespace ragd::server
