// The subcommands of `ragd`. Each registers its flags on the CLI11 app and returns the
// function that runs it once parsing has succeeded (returning the process exit code).
#pragma once

#include <functional>

namespace CLI {
class App;
}

namespace ragd::cli {

using CommandRunner = std::function<int()>;

// Each adds a subcommand to `app`; `runner` is set to its body when it is the one invoked.
void add_ingest_command(CLI::App& app, CommandRunner& runner);
void add_search_command(CLI::App& app, CommandRunner& runner);
void add_rm_command(CLI::App& app, CommandRunner& runner);
void add_collections_command(CLI::App& app, CommandRunner& runner);
void add_eval_command(CLI::App& app, CommandRunner& runner);
void add_embed_command(CLI::App& app, CommandRunner& runner);
void add_reindex_command(CLI::App& app, CommandRunner& runner);
void add_ask_command(CLI::App& app, CommandRunner& runner);
void add_chat_command(CLI::App& app, CommandRunner& runner);
void add_serve_command(CLI::App& app, CommandRunner& runner);
void add_admin_command(CLI::App& app, CommandRunner& runner);
// `eval qa`, registered by add_eval_command under `eval`.
void add_eval_qa_subcommand(CLI::App& eval, CommandRunner& runner);

}  // namespace ragd::cli
