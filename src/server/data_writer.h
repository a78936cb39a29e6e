// DataWriter: every change the server makes to the data folder, run one at a time on one
// writer thread (the store has one writer; an ingestion holds the folder's write lock while it
// runs). Collection changes are synchronous for the caller; document uploads become ingestion
// jobs whose state can be polled. After each change it tells the CollectionCatalog and calls
// on_change(collection) (response-cache invalidation).
// Thread-safety: all public functions may be called from any thread.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "common/status.h"
#include "jobs/data_dir.h"
#include "server/collection_readers.h"
#include "server/worker_pool.h"
#include "store/store.h"

namespace ragd::server {

struct JobInfo {
  std::string id;  // "j_" + random
  std::string status = "queued";  // queued | running | succeeded | failed
  std::string collection;
  std::string document;  // the document key
  int64_t created_at = 0;
  int64_t started_at = 0;
  int64_t finished_at = 0;
  uint64_t documents_done = 0;
  uint64_t chunks = 0;
  std::string error_code;  // failed: "invalid_document", "unsupported_format", "internal_error"
  std::string error_message;
};
nlohmann::json job_to_json(const JobInfo& job);

struct NewCollection {
  std::string name;
  std::string description;
  std::string settings_json;
  std::optional<std::string> domains_json;
};

class DataWriter {
 public:
  DataWriter(DataDir data, CollectionCatalog& catalog,
             std::function<void(const std::string&)> on_change);
  ~DataWriter();

  Result<CollectionInfo> create_collection(const NewCollection& collection);
  Status update_collection(const std::string& name, std::optional<std::string> description,
                           std::optional<std::string> domains_json);
  Status delete_collection(const std::string& name);
  Status delete_document(const std::string& collection, const std::string& key);

  // Queues the ingestion of `staged_root`, the collection's upload folder (unchanged files in
  // it are skipped; nothing is pruned), for the upload known as `document_key`. The
  // collection is created when absent.
  JobInfo submit_ingest(const std::string& collection, const std::string& document_key,
                        const std::string& staged_root);
  std::optional<JobInfo> job(const std::string& id) const;
  size_t queue_length() const { return queued_.load(); }

 private:
  template <class T>
  T run_sync(std::function<T()> work);
  // Under the write lock: `change` on the named collection, then the catalog is told
  // (identity: created/deleted/settings; otherwise content) and on_change runs.
  Status with_collection(const std::string& name,
                         const std::function<Status(Store&, const CollectionInfo&)>& change,
                         bool identity = true);
  void run_ingest(const std::string& job_id, const std::string& collection,
                  const std::string& document_key, const std::string& staged_root);
  void update_job(const std::string& id, const std::function<void(JobInfo&)>& change);

  DataDir data_;
  CollectionCatalog& catalog_;
  std::function<void(const std::string&)> on_change_;
  mutable std::mutex jobs_mutex_;
  std::map<std::string, JobInfo> jobs_;
  std::atomic<size_t> queued_{0};
  WorkerPool thread_{1};  // last member: joined first, while the rest is alive
};

}  // namespace ragd::server
