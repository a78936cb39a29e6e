// ragd: self-hosted retrieval-augmented chat platform. Entry point of the command line.
#include <CLI/CLI.hpp>

#include <iostream>

#include "cli/commands.h"
#include "cli/exit_codes.h"

namespace {

constexpr const char* kFooter = R"(Data folder: every command takes --data DIR, else $RAGD_DATA, else ./ragd-data.
Collections: without --collection, documents go to (and are searched in) "default".

Exit codes:
  0  success
  1  the command ran but some inputs failed (see the messages and summary)
  2  usage error: unknown flag, missing or malformed argument
  3  not found: data folder, collection, dataset or file
  4  failure: store or index error, I/O error, corruption
  5  busy: another ragd process is writing to the same data folder

Run `ragd <command> --help` for the flags of a command.)";

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"ragd: retrieval-augmented answers from your organisation's documents"};
  app.name("ragd");
  app.footer(kFooter);
  app.require_subcommand(1);
  app.set_version_flag("--version", "ragd 0.1.0");
  ragd::cli::CommandRunner runner;
  ragd::cli::add_ingest_command(app, runner);
  ragd::cli::add_search_command(app, runner);
  ragd::cli::add_ask_command(app, runner);
  ragd::cli::add_chat_command(app, runner);
  ragd::cli::add_rm_command(app, runner);
  ragd::cli::add_collections_command(app, runner);
  ragd::cli::add_eval_command(app, runner);
  ragd::cli::add_embed_command(app, runner);
  ragd::cli::add_reindex_command(app, runner);
  ragd::cli::add_serve_command(app, runner);
  ragd::cli::add_admin_command(app, runner);
  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForVersion& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    std::cerr << "ragd: error: " << e.what() << "\n"
              << "Run `ragd --help` or `ragd <command> --help` for usage.\n";
    return ragd::cli::kExitUsage;
  }
  if (!runner) return ragd::cli::kExitUsage;
  return runner();
}
