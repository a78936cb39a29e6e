// `ragd embed`: texts in, one embedding (or token ids) per line out. Placeholder until the
// native encoder lands.
#include <CLI/CLI.hpp>
#include <iostream>

#include "cli/commands.h"
#include "cli/exit_codes.h"

namespace ragd::cli {

void add_embed_command(CLI::App& app, CommandRunner& runner) {
  CLI::App* cmd = app.add_subcommand("embed", "Embed texts with the native sentence encoder.");
  cmd->callback([&runner] {
    runner = [] {
      std::cerr << "ragd: error: embed is not implemented yet\n";
      return kExitFailure;
    };
  });
}

}  // namespace ragd::cli
