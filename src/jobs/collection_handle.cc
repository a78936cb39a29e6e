#include "jobs/collection_handle.h"

#include "jobs/embedding_factory.h"
#include "jobs/index_sync.h"

namespace ragd {

Status open_dense(const DataDir& data, CollectionHandle& handle, const EmbeddingSettings& settings,
                  bool read_only, size_t encoder_threads) {
  handle.vectors.reset();
  handle.embedder.reset();
  handle.provider.reset();
  auto setup = make_embedding_provider(settings, encoder_threads);
  if (!setup.is_ok()) return setup.status();
  handle.dense_note = setup->note;
  if (!setup->provider) return Status::ok();
  if (!handle.embeddings) {
    auto embeddings = EmbeddingStore::open(*handle.store);
    if (!embeddings.is_ok()) return embeddings.status();
    handle.embeddings = std::move(embeddings).value();
  }
  VectorIndexOptions options;
  options.dimension = setup->provider->dimension();
  auto vectors = VectorIndex::open(
      data.vector_index_path(handle.collection.id, setup->provider->model_id()), options,
      read_only);
  if (!vectors.is_ok()) return vectors.status();
  handle.provider = std::move(setup->provider);
  // A few encoder batches per provider call: enough for length bucketing, small enough that
  // a crash loses little and progress moves often.
  handle.embedder = std::make_unique<CachedEmbedder>(*handle.embeddings, *handle.provider,
                                                     settings.batch_size * 4);
  handle.vectors = std::move(vectors).value();
  return Status::ok();
}

Result<CollectionHandle> open_collection(const DataDir& data, const std::string& name,
                                         OpenMode mode) {
  return open_collection(data, name, mode, OpenCollectionOptions{});
}

Result<CollectionHandle> open_collection(const DataDir& data, const std::string& name,
                                         OpenMode mode, const OpenCollectionOptions& options) {
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

  if (options.vectors && handle.settings.embedding.enabled()) {
    // A model that cannot be loaded must not take lexical search down with it.
    Status dense = open_dense(data, handle, handle.settings.embedding, /*read_only=*/!write,
                              options.encoder_threads);
    if (!dense.is_ok()) {
      handle.dense_note = dense.message() + "; dense search is off, lexical only";
    }
    if (handle.dense() && write && options.catch_up_vectors) {
      VectorCatchUpOptions catch_up;
      catch_up.on_progress = options.on_vector_progress;
      auto caught_up = catch_up_vectors(*handle.store, handle.collection.id, *handle.vectors,
                                        *handle.embedder, catch_up);
      if (!caught_up.is_ok()) return caught_up.status();
    }
  }
  return handle;
}

Status catch_up_in_memory(CollectionHandle& handle) {
  CatchUpOptions options;
  options.persist = false;
  auto caught_up = catch_up_index(*handle.store, handle.collection.id, *handle.index,
                                  *handle.analyzer, options);
  if (!caught_up.is_ok()) return caught_up.status();
  if (!handle.dense()) return Status::ok();

  auto lag = pending_changes(*handle.store, handle.collection.id, handle.vectors->applied_seq(),
                             kReaderLagLimit);
  if (!lag.is_ok()) return lag.status();
  if (*lag > kReaderLagLimit) {
    handle.dense_note = "the vector index of model '" + handle.provider->model_id() +
                        "' is more than " + std::to_string(kReaderLagLimit) +
                        " changes behind the store; run `ragd reindex -c " +
                        handle.collection.name + "` (dense search is off until then)";
    handle.vectors.reset();
    return Status::ok();
  }
  VectorCatchUpOptions vector_options;
  vector_options.persist = false;
  vector_options.store_embeddings = false;
  vector_options.max_new_embeddings = kReaderEmbedLimit;
  auto vectors = catch_up_vectors(*handle.store, handle.collection.id, *handle.vectors,
                                  *handle.embedder, vector_options);
  if (!vectors.is_ok()) return vectors.status();
  handle.vectors_missing = vectors->left_out;
  if (vectors->left_out > 0) {
    handle.dense_note = std::to_string(vectors->left_out) +
                        " chunks are not embedded yet (a writer is still embedding them); "
                        "dense search cannot find them until it is done";
  }
  return Status::ok();
}

}  // namespace ragd
