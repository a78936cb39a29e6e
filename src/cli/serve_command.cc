// `ragd serve`: the HTTP API (src/server). Flags map onto the server's settings table, so a
// flag, its environment variable and its TOML key always mean the same thing; --set KEY=VALUE
// reaches the settings that have no flag of their own.
#include <CLI/CLI.hpp>

#include <iostream>
#include <map>
#include <memory>

#include "cli/commands.h"
#include "cli/exit_codes.h"
#include "server/server_app.h"
#include "server/server_config.h"

namespace ragd::cli {

namespace {

struct ServeArgs {
  std::string config_file;
  bool print_config = false;
  std::map<std::string, std::vector<std::string>> flag_values;  // setting key -> values
  std::vector<std::string> sets;                                // "key=value"
};

int run_serve(const ServeArgs& args) {
  std::map<std::string, std::string> overrides;
  for (const auto& [key, values] : args.flag_values) {
    if (values.empty()) continue;
    std::string joined;
    for (const std::string& v : values) joined += (joined.empty() ? "" : ",") + v;
    overrides[key] = joined;
  }
  for (const std::string& set : args.sets) {
    size_t eq = set.find('=');
    if (eq == std::string::npos || eq == 0) {
      std::cerr << "ragd: error: --set expects KEY=VALUE, got '" << set << "'\n";
      return kExitUsage;
    }
    overrides[set.substr(0, eq)] = set.substr(eq + 1);
  }
  auto config = server::load_server_config(args.config_file, server::process_environment(), overrides);
  if (!config.is_ok()) {
    std::cerr << "ragd: error: " << config.status().message() << "\n";
    return config.status().code() == ErrorCode::kInvalidArgument ||
                   config.status().code() == ErrorCode::kUnsupported
               ? kExitUsage
               : 1;
  }
  if (args.print_config) {
    std::cout << server::config_to_json(*config).dump(2) << "\n";
    return kExitOk;
  }
  return server::run_server(*config);
}

}  // namespace

void add_serve_command(CLI::App& app, CommandRunner& runner) {
  auto args = std::make_shared<ServeArgs>();
  CLI::App* cmd = app.add_subcommand(
      "serve",
      "Serve the HTTP API (REST under /v1, Server-Sent Events, OpenAI-compatible endpoints, "
      "health, metrics, OpenAPI). Settings come from --config FILE (TOML), then RAGD_* "
      "environment variables, then flags; --print-config shows the result.");
  cmd->add_option("--config", args->config_file, "TOML configuration file");
  cmd->add_flag("--print-config", args->print_config,
                "Print the effective configuration (secrets masked) and exit");
  for (const server::ServerSetting& setting : server::server_settings()) {
    if (setting.flag.empty()) continue;
    std::vector<std::string>& values = args->flag_values[setting.key];
    auto* option = cmd->add_option(setting.flag, values, setting.description + " [" + setting.key + "]");
    if (setting.type != "list") option->expected(1);
  }
  // Flags for the settings people reach for most; the settings table has no flag for them.
  static const std::pair<const char*, const char*> kExtraFlags[] = {
      {"--llm", "llm.urls"},
      {"--llm-model", "llm.model"},
      {"--mode", "answer.mode"},
      {"--workers", "server.worker_threads"},
      {"--io-threads", "server.io_threads"},
      {"--max-body-bytes", "server.max_body_bytes"},
      {"--request-timeout", "server.request_timeout_s"},
      {"--drain-timeout", "server.drain_timeout_s"},
      {"--cors-origin", "server.cors_origins"},
      {"--tls-cert", "server.tls_cert"},
      {"--tls-key", "server.tls_key"},
  };
  for (const auto& [flag, key] : kExtraFlags) {
    cmd->add_option(flag, args->flag_values[key], std::string("Sets ") + key);
  }
  cmd->add_option("--set", args->sets, "Any setting as KEY=VALUE, e.g. --set cache.enabled=false");
  cmd->callback([&runner, args] { runner = [args] { return run_serve(*args); }; });
}

}  // namespace ragd::cli
