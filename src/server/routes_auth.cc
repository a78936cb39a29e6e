// Identity: registration, login, token refresh, logout, password change (docs/api.md,
// "Identity"). Public routes, limited per IP by the request gate; failures are audited by
// the AuthService.
#include "server/api_error.h"
#include "server/json_input.h"
#include "server/platform_json.h"
#include "server/request_gate.h"
#include "server/routes.h"

namespace ragd::server {

void add_auth_routes(Router& router, Services& services) {
  using platform::Permission;
  router.add("POST", "/v1/auth/register", secured(services, public_route(), [&services](Request& request, ResponseWriter& w) {
    PlatformServices& platform = platform_or_404(services);
    if (!services.config.open_registration) {
      throw ApiException(403, "forbidden",
                         "registration is closed on this server; ask its operator for an account");
    }
    nlohmann::json body = parse_json_body(request);
    reject_unknown_fields(body, {"organization", "email", "password", "name"});
    std::string organization = required_string(body, "organization", 200);
    std::string email = required_string(body, "email", 254);
    std::string password = required_string(body, "password", 1024);
    std::string name = optional_string(body, "name", 200).value_or("");
    auto tokens = unwrap(platform.auth->register_organization(organization, email, password, name, "free",
                                                              false, request_context(request)));
    w.respond(json_response(token_pair_json(tokens), 201));
  }));

  router.add("POST", "/v1/auth/login", secured(services, public_route(), [&services](Request& request, ResponseWriter& w) {
    PlatformServices& platform = platform_or_404(services);
    nlohmann::json body = parse_json_body(request);
    reject_unknown_fields(body, {"email", "password"});
    std::string email = required_string(body, "email", 1024);
    std::string password = required_string(body, "password", 4096);
    auto tokens = unwrap(platform.auth->login(email, password, request_context(request)));
    w.respond(json_response(token_pair_json(tokens)));
  }));

  router.add("POST", "/v1/auth/refresh", secured(services, public_route(), [&services](Request& request, ResponseWriter& w) {
    PlatformServices& platform = platform_or_404(services);
    nlohmann::json body = parse_json_body(request);
    reject_unknown_fields(body, {"refresh_token"});
    std::string token = required_string(body, "refresh_token", 1024);
    auto tokens = unwrap(platform.auth->refresh(token, request_context(request)));
    w.respond(json_response(token_pair_json(tokens)));
  }));

  router.add("POST", "/v1/auth/logout", secured(services, public_route(), [&services](Request& request, ResponseWriter& w) {
    PlatformServices& platform = platform_or_404(services);
    nlohmann::json body = parse_json_body(request);
    reject_unknown_fields(body, {"refresh_token"});
    std::string token = required_string(body, "refresh_token", 1024);
    unwrap(platform.auth->logout(token, request_context(request)));
    w.respond(no_content());
  }));

  router.add("POST", "/v1/auth/password", secured(services, needs(Permission::kProfileReadOwn), [&services](Request& request, ResponseWriter& w) {
    PlatformServices& platform = platform_or_404(services);
    if (!request.principal.api_key.empty()) {
      throw ApiException(403, "forbidden", "a password is changed by its user, not with an API key");
    }
    nlohmann::json body = parse_json_body(request);
    reject_unknown_fields(body, {"current_password", "new_password"});
    std::string current = required_string(body, "current_password", 4096);
    std::string next = required_string(body, "new_password", 4096);
    unwrap(platform.auth->change_password(request.principal, current, next, request_context(request)));
    w.respond(no_content());
  }));
}

}  // namespace ragd::server
