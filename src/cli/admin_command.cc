// `ragd admin`: operator tasks on the platform of a data folder, without a running server —
// create-org (an organisation and its first administrator: how the first account of a
// server with authentication on is made), list-orgs and set-plan. Passwords are read from
// stdin (--password-stdin), never from flags, so they stay out of shell history and `ps`.
#include <CLI/CLI.hpp>

#include <iostream>
#include <memory>
#include <string>

#include <nlohmann/json.hpp>

#include "cli/commands.h"
#include "cli/exit_codes.h"
#include "jobs/data_dir.h"
#include "server/platform_services.h"
#include "server/server_config.h"

namespace ragd::cli {

namespace {

struct AdminArgs {
  std::string data;
  std::string config_file;
  std::string name;
  std::string email;
  std::string user_name;
  std::string plan = "free";
  bool password_stdin = false;
  bool system_admin = false;
  std::string organization;
};

Result<std::unique_ptr<server::PlatformServices>> open(const AdminArgs& args) {
  std::map<std::string, std::string> overrides;
  if (!args.data.empty()) overrides["server.data_dir"] = args.data;
  auto config = server::load_server_config(args.config_file, server::process_environment(), overrides);
  if (!config.is_ok()) return config.status();
  DataDir data(resolve_data_dir(config->data_dir));
  RAGD_RETURN_IF_ERROR(data.ensure_exists());
  return server::open_platform(*config, data);
}

int fail_auth(const std::string& message) {
  std::cerr << "ragd: error: " << message << "\n";
  return kExitUsage;
}

int create_org(const AdminArgs& args) {
  if (!args.password_stdin) return fail_auth("give the password on stdin with --password-stdin");
  std::string password;
  std::getline(std::cin, password);
  if (!password.empty() && password.back() == '\r') password.pop_back();
  auto platform = open(args);
  if (!platform.is_ok()) return report_error(platform.status());
  platform::RequestContext ctx;
  ctx.user_agent = "ragd admin";
  auto created = (*platform)->auth->register_organization(args.name, args.email, password, args.user_name,
                                                          args.plan, args.system_admin, ctx);
  if (!created.ok()) {
    std::cerr << "ragd: error: " << created.message << "\n";
    return created.failure == platform::AuthFailure::kUnavailable ? kExitFailure : kExitUsage;
  }
  std::cout << nlohmann::json({{"organization", {{"id", created.value->organization.id},
                                                 {"name", created.value->organization.name},
                                                 {"plan", created.value->organization.plan}}},
                               {"user", {{"id", created.value->user.id},
                                         {"email", created.value->user.email},
                                         {"role", created.value->user.role}}}})
                   .dump()
            << "\n";
  return kExitOk;
}

int list_orgs(const AdminArgs& args) {
  auto platform = open(args);
  if (!platform.is_ok()) return report_error(platform.status());
  auto organizations = (*platform)->store->list_organizations();
  if (!organizations.is_ok()) return report_error(organizations.status());
  for (const platform::Organization& o : *organizations) {
    std::cout << nlohmann::json({{"id", o.id}, {"name", o.name}, {"plan", o.plan}, {"created_at", o.created_at}}).dump()
              << "\n";
  }
  return kExitOk;
}

int set_plan(const AdminArgs& args) {
  auto platform = open(args);
  if (!platform.is_ok()) return report_error(platform.status());
  if (!(*platform)->plans.find(args.plan)) return fail_auth("no plan named '" + args.plan + "'");
  auto organization = (*platform)->store->get_organization(args.organization);
  if (!organization.is_ok()) return report_error(organization.status());
  const std::string before = organization->plan;
  organization->plan = args.plan;
  if (Status status = (*platform)->store->update_organization(*organization); !status.is_ok()) {
    return report_error(status);
  }
  platform::RequestContext ctx;
  ctx.user_agent = "ragd admin";
  (*platform)->auth->audit(nullptr, "admin.set_plan", organization->id, "success", ctx,
                           nlohmann::json({{"from", before}, {"to", args.plan}}).dump());
  std::cout << nlohmann::json({{"id", organization->id}, {"plan", organization->plan}}).dump() << "\n";
  return kExitOk;
}

}  // namespace

void add_admin_command(CLI::App& app, CommandRunner& runner) {
  auto args = std::make_shared<AdminArgs>();
  CLI::App* admin = app.add_subcommand("admin", "Operator tasks on the platform of a data folder (organisations, plans)");
  admin->require_subcommand(1);
  auto common = [args](CLI::App* cmd) {
    cmd->add_option("--data", args->data, "Data folder (default: $RAGD_DATA, else ./ragd-data)");
    cmd->add_option("--config", args->config_file, "The server's TOML configuration (plans, argon2 settings)");
  };
  CLI::App* create = admin->add_subcommand("create-org", "Create an organisation and its first administrator");
  common(create);
  create->add_option("--name", args->name, "Organisation name")->required();
  create->add_option("--email", args->email, "The administrator's e-mail address")->required();
  create->add_option("--user-name", args->user_name, "The administrator's display name");
  create->add_option("--plan", args->plan, "Plan (free, pro, enterprise or a configured one)");
  create->add_flag("--password-stdin", args->password_stdin, "Read the administrator's password from stdin");
  create->add_flag("--system-admin", args->system_admin,
                   "Make the administrator a system_admin (the operator of the whole deployment)");
  create->callback([&runner, args] { runner = [args] { return create_org(*args); }; });
  CLI::App* list = admin->add_subcommand("list-orgs", "List organisations (one JSON object per line)");
  common(list);
  list->callback([&runner, args] { runner = [args] { return list_orgs(*args); }; });
  CLI::App* plan = admin->add_subcommand("set-plan", "Move an organisation to another plan");
  common(plan);
  plan->add_option("--organization", args->organization, "Organisation id (org_...)")->required();
  plan->add_option("--plan", args->plan, "Plan name")->required();
  plan->callback([&runner, args] { runner = [args] { return set_plan(*args); }; });
}

}  // namespace ragd::cli
