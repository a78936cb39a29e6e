// `ragd reindex`: (re)builds a collection's vector index, or switches it to another embedding
// model, while readers keep searching with the active one.
//
// The new model's index is built in its own folder beside the active one, from the store's
// change log like any catch-up, so a killed reindex resumes where its last persisted
// manifest left off (and finds what it embedded since in the embedding cache). The pending
// target is remembered in the store, so a bare `ragd reindex` resumes it. Only when the new
// index is complete does one settings write make the new model active; then the other
// models' index folders are removed.
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <iostream>

#include <nlohmann/json.hpp>

#include "cli/commands.h"
#include "cli/common_options.h"
#include "cli/exit_codes.h"
#include "jobs/collection_handle.h"
#include "jobs/embedding_factory.h"

namespace ragd::cli {
namespace {

struct ReindexArgs {
  std::string data;
  std::string collection;
  std::string model_dir;
  std::string url;
  std::string model;
  bool no_embeddings = false;
  bool use_default = false;
  size_t batch_size = 32;
  size_t max_length = 0;
  std::string query_prefix;
  std::string passage_prefix;
  bool int8 = false;
  size_t threads = 0;
  bool json = false;
  bool target_given = false;
};

std::string pending_key(int64_t collection_id) {
  return "reindex-target:" + std::to_string(collection_id);
}

// The embedding settings asked for on the command line, or the pending target of an
// interrupted reindex, or (neither) the collection's own.
Result<EmbeddingSettings> target_settings(const ReindexArgs& args, CollectionHandle& handle) {
  if (!args.target_given) {
    auto pending = handle.store->get_state(pending_key(handle.collection.id));
    if (!pending.is_ok()) return pending.status();
    if (*pending) {
      auto settings = CollectionSettings::from_json(R"({"embedding": )" + **pending + "}");
      if (settings.is_ok()) return settings->embedding;
    }
    return handle.settings.embedding;
  }
  EmbeddingSettings target;
  if (args.no_embeddings) {
    target.provider = "none";
    return target;
  }
  if (!args.url.empty()) {
    target.provider = "http";
    target.url = args.url;
    target.model = args.model;
  } else {
    target.provider = "native";
    if (!args.model_dir.empty()) target.model_dir = std::filesystem::absolute(args.model_dir);
  }
  target.batch_size = args.batch_size;
  target.max_length = args.max_length;
  target.query_prefix = args.query_prefix;
  target.passage_prefix = args.passage_prefix;
  target.int8 = args.int8;
  RAGD_RETURN_IF_ERROR(validate_embedding_settings(target));
  return target;
}

std::string embedding_json(const EmbeddingSettings& embedding) {
  CollectionSettings only;
  only.embedding = embedding;
  return nlohmann::json::parse(only.to_json())["embedding"].dump();
}

// Removes every vector index folder of the collection except `keep` (none when empty).
void remove_other_indexes(const DataDir& data, int64_t collection_id, const std::string& keep) {
  std::error_code ec;
  std::filesystem::path root = data.vectors_path(collection_id);
  if (!std::filesystem::is_directory(root, ec)) return;
  for (const auto& entry : std::filesystem::directory_iterator(root, ec)) {
    if (entry.path().string() != keep) std::filesystem::remove_all(entry.path(), ec);
  }
}

int run_reindex(const ReindexArgs& args) {
  DataDir data(resolve_data_dir(args.data));
  OpenCollectionOptions open_options;
  open_options.vectors = false;  // the target model is opened below
  auto handle = open_collection(data, args.collection, OpenMode::kWrite, open_options);
  if (!handle.is_ok()) return report_error(handle.status());
  auto target = target_settings(args, *handle);
  if (!target.is_ok()) return report_error(target.status());
  const int64_t id = handle->collection.id;
  CollectionSettings next = handle->settings;
  next.embedding = *target;

  if (!target->enabled()) {
    Status status = handle->store->update_collection_settings(id, next.to_json());
    if (status.is_ok()) status = handle->store->set_state(pending_key(id), "");
    if (!status.is_ok()) return report_error(status);
    remove_other_indexes(data, id, "");
    std::printf("collection '%s' is lexical-only now (its vector indexes were removed)\n",
                args.collection.c_str());
    return kExitOk;
  }

  Status opened = open_dense(data, *handle, *target, /*read_only=*/false, args.threads);
  if (!opened.is_ok()) return report_error(opened);
  if (!handle->dense()) {
    return report_error(Status::not_found(handle->dense_note.empty() ? "no embedding model"
                                                                     : handle->dense_note));
  }
  const std::string model = handle->provider->model_id();
  const std::string folder = data.vector_index_path(id, model);
  const bool switching = !(next.embedding == handle->settings.embedding);
  if (switching) {
    Status remembered = handle->store->set_state(pending_key(id), embedding_json(*target));
    if (!remembered.is_ok()) return report_error(remembered);
  }
  std::fprintf(stderr, "reindex: collection '%s', model %s, starting at change %lld\n",
               args.collection.c_str(), model.c_str(),
               static_cast<long long>(handle->vectors->applied_seq()));

  auto last = std::chrono::steady_clock::now();
  const bool terminal = ::isatty(STDERR_FILENO) == 1;
  VectorCatchUpOptions options;
  options.persist_every = 1024;  // a killed reindex loses little index work
  options.on_progress = [&](const VectorProgress& p) {
    auto now = std::chrono::steady_clock::now();
    if (now - last < std::chrono::seconds(terminal ? 0 : 5) + std::chrono::milliseconds(200)) {
      return;
    }
    last = now;
    const double span = static_cast<double>(p.target_seq - p.first_seq);
    const double fraction = span > 0 ? static_cast<double>(p.applied_seq - p.first_seq) / span : 1;
    std::fprintf(stderr, "%sreindex: %3.0f%%, %llu passages embedded, %llu from the cache%s",
                 terminal ? "\r\033[K" : "", fraction * 100,
                 static_cast<unsigned long long>(p.embedded),
                 static_cast<unsigned long long>(p.cached), terminal ? "" : "\n");
    std::fflush(stderr);
  };
  auto summary = catch_up_vectors(*handle->store, id, *handle->vectors, *handle->embedder, options);
  if (terminal) std::fputs("\r\033[K", stderr);
  if (!summary.is_ok()) return report_error(summary.status());

  // Complete: one settings write makes the new model the active one.
  if (switching) {
    Status status = handle->store->in_transaction([&]() -> Status {
      RAGD_RETURN_IF_ERROR(handle->store->update_collection_settings(id, next.to_json()));
      return handle->store->set_state(pending_key(id), "");
    });
    if (!status.is_ok()) return report_error(status);
  } else if (Status cleared = handle->store->set_state(pending_key(id), ""); !cleared.is_ok()) {
    return report_error(cleared);
  }
  remove_other_indexes(data, id, folder);
  const uint64_t vectors = handle->vectors->stats().live_vectors;
  if (args.json) {
    nlohmann::ordered_json out{{"collection", args.collection},
                               {"model", model},
                               {"switched", switching},
                               {"vectors", vectors},
                               {"passages_embedded", summary->embedded},
                               {"passages_cached", summary->cached},
                               {"seconds", summary->seconds}};
    std::cout << out.dump() << "\n";
  } else {
    std::printf("reindexed collection '%s' with %s: %llu vectors (%llu embedded, %llu from the "
                "cache) in %.2fs%s\n",
                args.collection.c_str(), model.c_str(), static_cast<unsigned long long>(vectors),
                static_cast<unsigned long long>(summary->embedded),
                static_cast<unsigned long long>(summary->cached), summary->seconds,
                switching ? "; it is the active model now" : "");
  }
  return kExitOk;
}

}  // namespace

void add_reindex_command(CLI::App& app, CommandRunner& runner) {
  auto args = std::make_shared<ReindexArgs>();
  CLI::App* cmd = app.add_subcommand(
      "reindex",
      "Build a collection's vector index, or switch it to another embedding model: the new "
      "index is built beside the active one (searches keep using the old one), then made "
      "active in one step. Resumes after an interruption. Without a model flag: completes the "
      "collection's current index, or resumes an interrupted switch.");
  add_data_option(cmd, args->data);
  add_collection_option(cmd, args->collection);
  auto* model_dir = cmd->add_option("--model-dir", args->model_dir,
                                    "Native encoder: folder with config.json and the weights");
  auto* use_default = cmd->add_flag("--default-model", args->use_default,
                                    "Native encoder: the default model (found by ragd)");
  auto* url = cmd->add_option("--embedding-url", args->url,
                              "OpenAI-compatible embeddings server (its key: "
                              "$RAGD_EMBEDDING_API_KEY)");
  auto* model = cmd->add_option("--embedding-model", args->model, "Model name for the server");
  auto* none = cmd->add_flag("--no-embeddings", args->no_embeddings,
                             "Make the collection lexical-only and remove its vector indexes");
  model_dir->excludes(url)->excludes(none)->excludes(use_default);
  use_default->excludes(url)->excludes(none);
  url->excludes(none);
  url->needs(model);
  model->needs(url);
  cmd->add_option("--batch-size", args->batch_size, "Passages per encoder batch or request")
      ->default_val(32)
      ->check(CLI::Range(1, 4096));
  cmd->add_option("--max-length", args->max_length,
                  "Native: tokens per passage (default: the model's)")
      ->check(CLI::Range(0, 8192));
  cmd->add_option("--query-prefix", args->query_prefix, "Prepended to queries (e5: 'query: ')");
  cmd->add_option("--passage-prefix", args->passage_prefix,
                  "Prepended to passages (e5: 'passage: ')");
  cmd->add_flag("--int8", args->int8, "Native: int8-quantised weights (faster, slightly less exact)");
  cmd->add_option("--threads", args->threads, "Encoder threads (default: all cores)")
      ->check(CLI::Range(0, 256));
  cmd->add_flag("--json", args->json, "Print the summary as JSON");
  cmd->callback([&runner, args, cmd] {
    // Any flag that changes the vectors names a target (the default model unless another is
    // named).
    args->target_given = cmd->count("--model-dir") + cmd->count("--default-model") +
                             cmd->count("--embedding-url") + cmd->count("--no-embeddings") +
                             cmd->count("--max-length") + cmd->count("--query-prefix") +
                             cmd->count("--passage-prefix") + cmd->count("--int8") > 0;
    runner = [args] { return run_reindex(*args); };
  });
}

}  // namespace ragd::cli
