// The caller's organisation and its users (docs/api.md, "Organisation and users"). Another
// organisation's user ids answer 404, exactly like unknown ones.
#include "server/api_error.h"
#include "server/json_input.h"
#include "server/platform_json.h"
#include "server/request_gate.h"
#include "server/routes.h"
#include "server/session_access.h"

namespace ragd::server {

void add_organization_routes(Router& router, Services& services) {
  using platform::Permission;
  router.add("GET", "/v1/organization", secured(services, needs(Permission::kOrganizationRead), [&services](Request& request, ResponseWriter& w) {
    PlatformServices& platform = platform_or_404(services);
    w.respond(json_response(organization_json(unwrap(platform.auth->organization(request.principal)))));
  }));

  router.add("PATCH", "/v1/organization", secured(services, needs(Permission::kOrganizationRead), [&services](Request& request, ResponseWriter& w) {
    PlatformServices& platform = platform_or_404(services);
    nlohmann::json body = parse_json_body(request);
    reject_unknown_fields(body, {"name", "plan"});
    std::optional<std::string> name = optional_string(body, "name", 200);
    std::optional<std::string> plan = optional_string(body, "plan", 32);
    if (name) require_permission(request, Permission::kOrganizationUpdate);
    if (plan) require_permission(request, Permission::kBillingUpdate);
    auto updated = unwrap(platform.auth->update_organization(request.principal, name, plan,
                                                             request_context(request)));
    w.respond(json_response(organization_json(updated)));
  }));

  router.add("GET", "/v1/organization/users", secured(services, needs(Permission::kOrganizationManageUsers), [&services](Request& request, ResponseWriter& w) {
    PlatformServices& platform = platform_or_404(services);
    nlohmann::json data = nlohmann::json::array();
    for (const platform::User& user : unwrap(platform.auth->list_users(request.principal))) {
      data.push_back(user_json(user));
    }
    w.respond(json_response({{"data", data}}));
  }));

  router.add("POST", "/v1/organization/users", secured(services, needs(Permission::kOrganizationManageUsers), [&services](Request& request, ResponseWriter& w) {
    PlatformServices& platform = platform_or_404(services);
    nlohmann::json body = parse_json_body(request);
    reject_unknown_fields(body, {"email", "password", "name", "role"});
    std::string email = required_string(body, "email", 254);
    std::string password = required_string(body, "password", 1024);
    std::string name = optional_string(body, "name", 200).value_or("");
    std::string role = optional_string(body, "role", 32).value_or("user");
    auto user = unwrap(platform.auth->create_user(request.principal, email, password, name, role,
                                                  request_context(request)));
    w.respond(json_response(user_json(user), 201));
  }));

  router.add("GET", "/v1/organization/users/{id}", secured(services, needs(Permission::kOrganizationManageUsers), [&services](Request& request, ResponseWriter& w) {
    PlatformServices& platform = platform_or_404(services);
    w.respond(json_response(user_json(unwrap(platform.auth->get_user(request.principal, request.params["id"])))));
  }));

  router.add("PATCH", "/v1/organization/users/{id}", secured(services, needs(Permission::kOrganizationManageUsers), [&services](Request& request, ResponseWriter& w) {
    PlatformServices& platform = platform_or_404(services);
    nlohmann::json body = parse_json_body(request);
    reject_unknown_fields(body, {"name", "role"});
    std::optional<std::string> name = optional_string(body, "name", 200);
    std::optional<std::string> role = optional_string(body, "role", 32);
    auto user = unwrap(platform.auth->update_user(request.principal, request.params["id"], name, role,
                                                  request_context(request)));
    w.respond(json_response(user_json(user)));
  }));

  router.add("DELETE", "/v1/organization/users/{id}", secured(services, needs(Permission::kOrganizationManageUsers), [&services](Request& request, ResponseWriter& w) {
    PlatformServices& platform = platform_or_404(services);
    const std::string id = request.params["id"];
    unwrap(platform.auth->delete_user(request.principal, id, request_context(request)));
    // Their conversations go at once with the account.
    SessionAccess access = open_sessions(services);
    Status status = delete_all_sessions(access, request.principal.organization + "/" + id);
    if (!status.is_ok()) {
      throw ApiException(503, error_code::kUnavailable,
                         "the user is removed but their conversations could not all be deleted now");
    }
    w.respond(no_content());
  }));
}

}  // namespace ragd::server
