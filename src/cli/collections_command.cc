#include <CLI/CLI.hpp>
#include <cstdio>
#include <filesystem>
#include <iostream>

#include <nlohmann/json.hpp>

#include "cli/commands.h"
#include "cli/common_options.h"
#include "cli/exit_codes.h"
#include "jobs/collection_settings.h"
#include "jobs/data_dir.h"
#include "store/store.h"

namespace ragd::cli {
namespace {

struct CollectionsArgs {
  std::string data;
  bool json = false;
  // create / delete
  std::string name;
  std::string description;
  CollectionSettings settings;
  bool no_stem = false;
  bool keep_stopwords = false;
  bool keep_accents = false;
  bool no_embeddings = false;
  std::string model_dir;
  std::string embedding_url;
  std::string embedding_model;
};

Result<std::unique_ptr<Store>> open_existing_store(const DataDir& data) {
  RAGD_RETURN_IF_ERROR(data.require_exists());
  return Store::open(data.store_path());
}

int run_list(const CollectionsArgs& args) {
  DataDir data(resolve_data_dir(args.data));
  auto store = open_existing_store(data);
  if (!store.is_ok()) return report_error(store.status());
  auto collections = (*store)->list_collections();
  if (!collections.is_ok()) return report_error(collections.status());
  if (args.json) {
    nlohmann::ordered_json out = nlohmann::ordered_json::array();
    for (const CollectionInfo& c : *collections) {
      out.push_back({{"name", c.name},
                     {"description", c.description},
                     {"documents", c.document_count},
                     {"chunks", c.chunk_count},
                     {"created_at", c.created_at},
                     {"settings", nlohmann::json::parse(c.settings_json, nullptr, false)}});
    }
    std::cout << out.dump() << "\n";
    return kExitOk;
  }
  if (collections->empty()) std::printf("no collections\n");
  for (const CollectionInfo& c : *collections) {
    std::printf("%-32s %8lld documents %10lld chunks  %s\n", c.name.c_str(),
                static_cast<long long>(c.document_count), static_cast<long long>(c.chunk_count),
                c.description.c_str());
  }
  return kExitOk;
}

int run_create(CollectionsArgs args) {
  args.settings.analyzer.stem = !args.no_stem;
  args.settings.analyzer.remove_stopwords = !args.keep_stopwords;
  args.settings.analyzer.fold_accents = !args.keep_accents;
  if (args.no_embeddings) {
    args.settings.embedding.provider = "none";
  } else if (!args.embedding_url.empty()) {
    args.settings.embedding.provider = "http";
    args.settings.embedding.url = args.embedding_url;
    args.settings.embedding.model = args.embedding_model;
  } else if (!args.model_dir.empty()) {
    args.settings.embedding.model_dir = std::filesystem::absolute(args.model_dir).string();
  }
  if (Status valid = args.settings.validate(); !valid.is_ok()) return report_error(valid);
  DataDir data(resolve_data_dir(args.data));
  if (Status s = data.ensure_exists(); !s.is_ok()) return report_error(s);
  auto lock = WriteLock::acquire(data);
  if (!lock.is_ok()) return report_error(lock.status());
  auto store = Store::open(data.store_path());
  if (!store.is_ok()) return report_error(store.status());
  auto created = (*store)->create_collection(args.name, args.description, args.settings.to_json());
  if (!created.is_ok()) {
    if (created.status().code() == ErrorCode::kAlreadyExists) {
      std::cerr << "ragd: error: " << created.status().message()
                << "; settings are fixed at creation (delete it first to change them)\n";
      return kExitUsage;
    }
    return report_error(created.status());
  }
  std::printf("created collection '%s'\n", args.name.c_str());
  return kExitOk;
}

int run_delete(const CollectionsArgs& args) {
  DataDir data(resolve_data_dir(args.data));
  auto store = open_existing_store(data);
  if (!store.is_ok()) return report_error(store.status());
  auto lock = WriteLock::acquire(data);
  if (!lock.is_ok()) return report_error(lock.status());
  auto collection = (*store)->find_collection(args.name);
  if (!collection.is_ok()) return report_error(collection.status());
  if (Status s = (*store)->delete_collection(collection->id); !s.is_ok()) return report_error(s);
  std::error_code ec;
  std::filesystem::remove_all(data.collection_index_path(collection->id), ec);
  std::printf("deleted collection '%s' (%lld documents)\n", args.name.c_str(),
              static_cast<long long>(collection->document_count));
  return kExitOk;
}

}  // namespace

void add_collections_command(CLI::App& app, CommandRunner& runner) {
  auto args = std::make_shared<CollectionsArgs>();
  CLI::App* cmd = app.add_subcommand(
      "collections", "List collections with their sizes; create one with its own settings; delete one.");
  add_data_option(cmd, args->data);
  cmd->add_flag("--json", args->json, "Print as JSON");

  CLI::App* create = cmd->add_subcommand(
      "create", "Create a collection with its own analyzer, BM25, chunking and embedding "
                "settings (fixed at creation; `ragd reindex` switches the embedding model). "
                "Ingesting into an unknown collection creates it with defaults.");
  add_data_option(create, args->data);
  add_collection_option(create, args->name);
  create->add_option("--description", args->description, "What the collection holds");
  create->add_option("--language", args->settings.analyzer.language,
                     "Snowball stemmer language (english, french, german, porter, ...)")
      ->default_val("english");
  create->add_flag("--no-stem", args->no_stem, "Do not stem words");
  create->add_flag("--keep-stopwords", args->keep_stopwords, "Index stopwords too");
  create->add_flag("--keep-accents", args->keep_accents, "Do not fold accents (é stays é)");
  create->add_option("--stopword", args->settings.analyzer.extra_stopwords,
                     "An extra stopword (repeatable)");
  create->add_option("--k1", args->settings.bm25.k1, "BM25 term-frequency saturation")
      ->default_val(args->settings.bm25.k1);
  create->add_option("--b", args->settings.bm25.b_body, "BM25 body length normalisation")
      ->default_val(args->settings.bm25.b_body);
  create->add_option("--title-weight", args->settings.bm25.title_weight,
                     "BM25F weight of the title field (title + section path)")
      ->default_val(args->settings.bm25.title_weight);
  create->add_option("--chunk-tokens", args->settings.chunker.target_tokens, "Target chunk size")
      ->default_val(384);
  create->add_option("--chunk-overlap", args->settings.chunker.overlap_tokens, "Chunk overlap")
      ->default_val(48);
  auto* no_embeddings = create->add_flag(
      "--no-embeddings", args->no_embeddings,
      "Lexical-only: no embedding model (default: the native encoder with the default model)");
  auto* model_dir = create->add_option("--model-dir", args->model_dir,
                                       "Native encoder: the model folder (default: found by ragd)");
  auto* url = create->add_option("--embedding-url", args->embedding_url,
                                 "Embed with an OpenAI-compatible /v1/embeddings server");
  auto* model = create->add_option("--embedding-model", args->embedding_model,
                                   "The server's model name");
  no_embeddings->excludes(model_dir)->excludes(url);
  model_dir->excludes(url);
  url->needs(model);
  model->needs(url);
  create->callback([&runner, args] { runner = [args] { return run_create(*args); }; });

  CLI::App* remove = cmd->add_subcommand("delete", "Delete a collection, its documents and index.");
  add_data_option(remove, args->data);
  remove->add_option("name", args->name, "Collection to delete")->required();
  remove->callback([&runner, args] { runner = [args] { return run_delete(*args); }; });

  cmd->callback([&runner, args, cmd] {
    if (cmd->get_subcommands().empty()) runner = [args] { return run_list(*args); };
  });
}

}  // namespace ragd::cli
