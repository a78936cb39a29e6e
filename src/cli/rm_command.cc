#include <CLI/CLI.hpp>
#include <cstdio>
#include <iostream>

#include "cli/commands.h"
#include "cli/common_options.h"
#include "cli/exit_codes.h"
#include "jobs/collection_handle.h"
#include "jobs/index_sync.h"
#include "jobs/source_scan.h"

namespace ragd::cli {
namespace {

struct RmArgs {
  std::string data;
  std::string collection;
  std::vector<std::string> paths;
  bool dry_run = false;
};

int run_rm(const RmArgs& args) {
  DataDir data(resolve_data_dir(args.data));
  auto handle = open_collection(data, args.collection, OpenMode::kWrite);
  if (!handle.is_ok()) return report_error(handle.status());
  Store& store = *handle->store;
  size_t removed = 0;
  bool missing = false;
  for (const std::string& path : args.paths) {
    auto documents = store.list_documents(handle->collection.id, absolute_path(path));
    if (!documents.is_ok()) return report_error(documents.status());
    if (documents->empty()) {
      std::cerr << "ragd: no document of collection '" << args.collection << "' at '" << path
                << "'\n";
      missing = true;
      continue;
    }
    for (const DocumentInfo& doc : *documents) {
      if (!args.dry_run) {
        if (Status s = store.remove_document(doc.id); !s.is_ok()) return report_error(s);
      }
      std::printf("%s %s\n", args.dry_run ? "would remove" : "removed", doc.key.c_str());
      ++removed;
    }
  }
  auto caught_up = catch_up_index(store, handle->collection.id, *handle->index, *handle->analyzer);
  if (!caught_up.is_ok()) return report_error(caught_up.status());
  std::printf("%zu document%s %s\n", removed, removed == 1 ? "" : "s",
              args.dry_run ? "would be removed" : "removed");
  return missing ? kExitNotFound : kExitOk;
}

}  // namespace

void add_rm_command(CLI::App& app, CommandRunner& runner) {
  auto args = std::make_shared<RmArgs>();
  CLI::App* cmd = app.add_subcommand(
      "rm", "Remove documents (a file, or every document under a folder) from a collection.");
  add_data_option(cmd, args->data);
  add_collection_option(cmd, args->collection);
  cmd->add_option("paths", args->paths, "Files or folders as they were ingested")->required();
  cmd->add_flag("--dry-run,-n", args->dry_run, "List what would be removed, remove nothing");
  cmd->callback([&runner, args] { runner = [args] { return run_rm(*args); }; });
}

}  // namespace ragd::cli
