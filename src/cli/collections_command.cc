#include <CLI/CLI.hpp>
#include <cstdio>
#include <iostream>

#include <nlohmann/json.hpp>

#include "cli/commands.h"
#include "cli/common_options.h"
#include "cli/exit_codes.h"
#include "jobs/data_dir.h"
#include "store/store.h"

namespace ragd::cli {
namespace {

struct CollectionsArgs {
  std::string data;
  bool json = false;
};

int run_collections(const CollectionsArgs& args) {
  DataDir data(resolve_data_dir(args.data));
  if (!data.exists()) {
    return report_error(Status::not_found("no data folder at '" + data.root() +
                                          "'; ingest documents first (ragd ingest PATH)"));
  }
  auto store = Store::open(data.store_path());
  if (!store.is_ok()) return report_error(store.status());
  auto collections = (*store)->list_collections();
  if (!collections.is_ok()) return report_error(collections.status());
  if (args.json) {
    nlohmann::ordered_json out = nlohmann::ordered_json::array();
    for (const CollectionInfo& c : *collections) {
      out.push_back({{"name", c.name},
                     {"documents", c.document_count},
                     {"chunks", c.chunk_count},
                     {"created_at", c.created_at}});
    }
    std::cout << out.dump() << "\n";
    return kExitOk;
  }
  if (collections->empty()) std::printf("no collections\n");
  for (const CollectionInfo& c : *collections) {
    std::printf("%-32s %8lld documents %10lld chunks\n", c.name.c_str(),
                static_cast<long long>(c.document_count), static_cast<long long>(c.chunk_count));
  }
  return kExitOk;
}

}  // namespace

void add_collections_command(CLI::App& app, CommandRunner& runner) {
  auto args = std::make_shared<CollectionsArgs>();
  CLI::App* cmd = app.add_subcommand("collections", "List collections with their sizes.");
  add_data_option(cmd, args->data);
  cmd->add_flag("--json", args->json, "Print as JSON");
  cmd->callback([&runner, args] { runner = [args] { return run_collections(*args); }; });
}

}  // namespace ragd::cli
