#include "jobs/collection_handle.h"

#include "jobs/index_sync.h"

namespace ragd {

Result<CollectionHandle> open_collection(const DataDir& data, const std::string& name,
                                         OpenMode mode) {
  CollectionHandle handle;
  const bool write = mode != OpenMode::kRead;
  const bool create = mode == OpenMode::kWriteOrCreate;
  RAGD_RETURN_IF_ERROR(create ? data.ensure_exists() : data.require_exists());
  if (write) {
    auto lock = WriteLock::acquire(data);
    if (!lock.is_ok()) return lock.status();
    handle.lock = std::move(lock).value();
  }
  auto store = Store::open(data.store_path());
  if (!store.is_ok()) return store.status();
  handle.store = std::move(store).value();

  auto collection = create ? handle.store->get_or_create_collection(name)
                           : handle.store->find_collection(name);
  if (!collection.is_ok()) {
    if (collection.status().code() == ErrorCode::kNotFound) {
      return Status::not_found("no collection named '" + name +
                               "'; list them with `ragd collections` or ingest into it first");
    }
    return collection.status();
  }
  handle.collection = std::move(collection).value();
  auto settings = CollectionSettings::from_json(handle.collection.settings_json);
  if (!settings.is_ok()) {
    return Status::corruption("collection '" + name + "' has unusable settings: " +
                              settings.status().message());
  }
  handle.settings = std::move(settings).value();
  // Index and query analysis must use the same analyzer: it comes from the collection only.
  handle.analyzer = std::make_unique<Analyzer>(handle.settings.analyzer);

  auto index = LexicalIndex::open(data.lexical_index_path(handle.collection.id),
                                  handle.settings.bm25, /*read_only=*/!write);
  if (!index.is_ok()) return index.status();
  handle.index = std::move(index).value();
  if (write) {
    auto caught_up = catch_up_index(*handle.store, handle.collection.id, *handle.index,
                                    *handle.analyzer);
    if (!caught_up.is_ok()) return caught_up.status();
  }
  return handle;
}

Status catch_up_in_memory(CollectionHandle& handle) {
  CatchUpOptions options;
  options.persist = false;
  auto caught_up = catch_up_index(*handle.store, handle.collection.id, *handle.index,
                                  *handle.analyzer, options);
  return caught_up.status();
}

}  // namespace ragd
