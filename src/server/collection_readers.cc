#include "server/collection_readers.h"

namespace ragd::server {

uint64_t CollectionCatalog::epoch(const std::string& name) const {
  std::lock_guard lock(mutex_);
  auto it = epochs_.find(name);
  return it == epochs_.end() ? 0 : it->second;
}

uint64_t CollectionCatalog::version(const std::string& name) const {
  std::lock_guard lock(mutex_);
  auto it = versions_.find(name);
  return it == versions_.end() ? 0 : it->second;
}

void CollectionCatalog::changed_identity(const std::string& name) {
  std::lock_guard lock(mutex_);
  ++epochs_[name];
  ++versions_[name];
}

void CollectionCatalog::changed_content(const std::string& name) {
  std::lock_guard lock(mutex_);
  ++versions_[name];
}

Result<SearchResponse> CollectionReader::search(const SearchRequest& request) {
  SearchResponse response;
  CollectionHandle& h = handle;
  Status status = h.store->in_read_snapshot([&]() -> Status {
    RAGD_RETURN_IF_ERROR(catch_up_in_memory(h));
    DenseRetriever dense{h.vectors.get(), h.provider.get(), h.dense_note};
    Searcher searcher(*h.store, *h.index, *h.analyzer, std::move(dense));
    auto result = searcher.search(request);
    if (!result.is_ok()) return result.status();
    response = std::move(result).value();
    return Status::ok();
  });
  if (!status.is_ok()) return status;
  return response;
}

Result<CollectionReader*> ReaderSet::get(const std::string& name) {
  uint64_t epoch = catalog_.epoch(name);
  auto it = readers_.find(name);
  if (it != readers_.end() && it->second->epoch == epoch) return it->second.get();
  if (it != readers_.end()) readers_.erase(it);
  OpenCollectionOptions options;
  options.catch_up_vectors = false;
  options.encoder_threads = 1;
  auto handle = open_collection(data_, name, OpenMode::kRead, options);
  if (!handle.is_ok()) return handle.status();
  auto reader = std::make_unique<CollectionReader>();
  reader->handle = std::move(handle).value();
  reader->epoch = epoch;
  auto pipeline = make_pipeline_(reader->handle);
  if (!pipeline.is_ok()) return pipeline.status();
  reader->pipeline = std::move(pipeline).value();
  CollectionReader* raw = reader.get();
  readers_[name] = std::move(reader);
  return raw;
}

}  // namespace ragd::server
