// Read access to collections from the worker threads: each worker keeps, per collection it
// has served, an open read handle (store connection, analyzer, lexical and vector indexes)
// and an AnswerPipeline over it. CollectionCatalog tells a worker when a handle is stale: the
// collection was deleted, re-created or its settings changed (epoch), and, for caches, when
// its content changed (version).
// Thread-safety: CollectionCatalog is thread-safe; a ReaderSet belongs to one thread.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>

#include "chat/answer_pipeline.h"
#include "jobs/collection_handle.h"
#include "jobs/data_dir.h"
#include "retrieve/searcher.h"

namespace ragd::server {

class CollectionCatalog {
 public:
  uint64_t epoch(const std::string& name) const;
  uint64_t version(const std::string& name) const;
  void changed_identity(const std::string& name);  // created, deleted, settings changed
  void changed_content(const std::string& name);   // documents added, changed, removed

 private:
  mutable std::mutex mutex_;
  std::map<std::string, uint64_t> epochs_;
  std::map<std::string, uint64_t> versions_;
};

using PipelineFactory =
    std::function<Result<std::unique_ptr<AnswerPipeline>>(CollectionHandle& handle)>;

struct CollectionReader {
  CollectionHandle handle;
  std::unique_ptr<AnswerPipeline> pipeline;
  uint64_t epoch = 0;
  // One search inside a read snapshot, after catching the indexes up with the store.
  Result<SearchResponse> search(const SearchRequest& request);
};

class ReaderSet {
 public:
  ReaderSet(DataDir data, const CollectionCatalog& catalog, PipelineFactory make_pipeline)
      : data_(std::move(data)), catalog_(catalog), make_pipeline_(std::move(make_pipeline)) {}
  // kNotFound when the collection does not exist.
  Result<CollectionReader*> get(const std::string& name);
  void forget(const std::string& name) { readers_.erase(name); }

 private:
  DataDir data_;
  const CollectionCatalog& catalog_;
  PipelineFactory make_pipeline_;
  std::map<std::string, std::unique_ptr<CollectionReader>> readers_;
};

}  // namespace ragd::server
