#include "server/openapi_platform.h"

#include <set>
#include <string>

namespace ragd::server {

namespace {

using nlohmann::json;

json ref(const std::string& what) { return {{"$ref", "#/components/" + what}}; }

json string_field(int max_length, int min_length = 1) {
  return {{"type", "string"}, {"minLength", min_length}, {"maxLength", max_length}};
}

json object_schema(json properties, json required) {
  return {{"type", "object"},
          {"properties", std::move(properties)},
          {"required", std::move(required)},
          {"additionalProperties", false}};
}

json json_body(json schema) {
  return {{"required", true}, {"content", {{"application/json", {{"schema", std::move(schema)}}}}}};
}

json ok(const std::string& description, const json& schema) {
  return {{"description", description},
          {"headers", {{"X-Request-ID", ref("headers/X-Request-ID")}}},
          {"content", {{"application/json", {{"schema", schema}}}}}};
}

json no_content(const std::string& description) {
  return {{"description", description}, {"headers", {{"X-Request-ID", ref("headers/X-Request-ID")}}}};
}

// An operation with the error answers every platform route can give.
json operation(const std::string& id, const std::string& summary, const std::string& needs,
               json responses, json body = nullptr) {
  responses["400"] = ref("responses/BadRequest");
  responses["404"] = ref("responses/NotFound");
  responses["503"] = ref("responses/Unavailable");
  json op = {{"operationId", id}, {"summary", summary}, {"description", needs}, {"responses", std::move(responses)}};
  if (!body.is_null()) {
    op["requestBody"] = std::move(body);
    op["responses"]["413"] = ref("responses/PayloadTooLarge");
    op["responses"]["415"] = ref("responses/UnsupportedMediaType");
    op["responses"]["422"] = ref("responses/ValidationFailed");
  }
  return op;
}

json path_id(const std::string& description) {
  return json::array({{{"name", "id"}, {"in", "path"}, {"required", true}, {"description", description},
                       {"schema", {{"type", "string"}, {"minLength", 1}}}}});
}

json session_schema() {
  return {{"type", "object"},
          {"properties", {{"access_token", {{"type", "string"}}},
                          {"token_type", {{"type", "string"}, {"enum", {"Bearer"}}}},
                          {"expires_in", {{"type", "integer"}}},
                          {"refresh_token", {{"type", "string"}}},
                          {"user", ref("schemas/User")},
                          {"organization", ref("schemas/Organization")}}},
          {"required", {"access_token", "token_type", "expires_in", "refresh_token", "user", "organization"}}};
}

json api_key_schema() {
  json nullable_time = {{"type", "string"}, {"nullable", true}};
  return {{"type", "object"},
          {"properties", {{"id", {{"type", "string"}}},
                          {"name", {{"type", "string"}}},
                          {"key", {{"type", "string"}, {"description", "the whole key, in the creation answer only"}}},
                          {"scopes", {{"type", "array"}, {"items", {{"type", "string"}}}}},
                          {"user", {{"type", "string"}}},
                          {"created_at", {{"type", "string"}}},
                          {"expires_at", nullable_time},
                          {"last_used_at", nullable_time},
                          {"revoked_at", nullable_time}}},
          {"required", {"id", "name", "scopes", "created_at"}}};
}

json list_of(const json& item) {
  return {{"type", "object"},
          {"properties", {{"data", {{"type", "array"}, {"items", item}}}}},
          {"required", {"data"}}};
}

void add_identity_paths(json& paths) {
  const json refresh_body = json_body(object_schema({{"refresh_token", string_field(1024)}}, {"refresh_token"}));
  paths["/v1/auth/register"]["post"] = operation(
      "register", "Create an organisation and its first administrator (open registration)",
      "Public. 409 when the e-mail is taken; 403 when registration is closed.",
      {{"201", ok("Signed in", session_schema())}, {"403", ref("responses/Forbidden")}, {"409", ref("responses/Conflict")}},
      json_body(object_schema({{"organization", string_field(200)},
                               {"email", string_field(254)},
                               {"password", string_field(1024, 8)},
                               {"name", string_field(200, 0)}},
                              {"organization", "email", "password"})));
  paths["/v1/auth/login"]["post"] = operation(
      "login", "Sign in with e-mail and password",
      "Public. Every failure (unknown e-mail, wrong password, locked account) is the same 401.",
      {{"200", ok("Signed in", session_schema())}, {"401", ref("responses/Unauthenticated")}},
      json_body(object_schema({{"email", string_field(1024)}, {"password", string_field(4096)}}, {"email", "password"})));
  paths["/v1/auth/refresh"]["post"] = operation(
      "refreshSession", "Exchange a refresh token for new tokens (the old one is spent)",
      "Public. A spent token revokes its whole login: 401.",
      {{"200", ok("Signed in", session_schema())}, {"401", ref("responses/Unauthenticated")}}, refresh_body);
  paths["/v1/auth/logout"]["post"] = operation(
      "logout", "Revoke a login's refresh tokens", "Public.", {{"204", no_content("Revoked")}}, refresh_body);
  paths["/v1/auth/password"]["post"] = operation(
      "changePassword", "Change the caller's password (revokes every token issued before)",
      "Needs profile:read_own and a signed-in user (not an API key).",
      {{"204", no_content("Changed")}},
      json_body(object_schema({{"current_password", string_field(4096)}, {"new_password", string_field(4096)}},
                              {"current_password", "new_password"})));
}

void add_account_paths(json& paths) {
  json me = {{"type", "object"},
             {"properties", {{"user", ref("schemas/User")},
                             {"organization", ref("schemas/Organization")},
                             {"plan", ref("schemas/Plan")},
                             {"permissions", {{"type", "array"}, {"items", {{"type", "string"}}}}},
                             {"api_key", {{"type", "string"}, {"nullable", true}}}}},
             {"required", {"user", "organization", "plan", "permissions"}}};
  paths["/v1/me"]["get"] = operation("getMe", "The caller: user, organisation, plan, permissions",
                                     "Needs profile:read_own.", {{"200", ok("The caller", me)}});
  paths["/v1/me"]["patch"] = operation(
      "updateMe", "Change the caller's display name", "Needs profile:update_own.",
      {{"200", ok("The user", ref("schemas/User"))}},
      json_body(object_schema({{"name", string_field(200, 0)}}, json::array())));
  paths["/v1/me"]["delete"] = operation(
      "deleteMe", "Close the caller's account (conversations deleted now, personal data purged after 30 days)",
      "Needs profile:read_own and a signed-in user. 409 for the last administrator of an organisation with other users.",
      {{"204", no_content("Closed")}, {"409", ref("responses/Conflict")}});
  paths["/v1/me/export"]["get"] = operation(
      "exportMe", "Every piece of the caller's data as one JSON document",
      "Needs profile:read_own and a signed-in user.",
      {{"200", ok("The export", {{"type", "object"}, {"required", {"user", "organization", "sessions", "api_keys", "usage", "audit"}}})}});
  paths["/v1/sessions/export"]["get"] = operation(
      "exportSessions", "Every session of the caller with its turns", "Needs chat:bulk_export.",
      {{"200", ok("The sessions", list_of(ref("schemas/Session")))}});
  paths["/v1/api-keys"]["get"] = operation(
      "listApiKeys", "API keys: the caller's own; the organisation's with organization:manage_users",
      "Needs api:access.", {{"200", ok("The keys", list_of(api_key_schema()))}});
  paths["/v1/api-keys"]["post"] = operation(
      "createApiKey", "Create an API key (the key is shown once)",
      "Needs api:access; scopes must be a subset of the caller's permissions; not with an API key.",
      {{"201", ok("The key", api_key_schema())}},
      json_body(object_schema({{"name", string_field(100)},
                               {"scopes", {{"type", "array"}, {"minItems", 1}, {"items", {{"type", "string"}}}}},
                               {"expires_in_days", {{"type", "integer"}, {"minimum", 1}, {"maximum", 3650}}}},
                              {"name", "scopes"})));
  paths["/v1/api-keys/{id}"]["parameters"] = path_id("API key id (key_...)");
  paths["/v1/api-keys/{id}"]["delete"] = operation(
      "revokeApiKey", "Revoke an API key", "Needs api:access (another member's key: organization:manage_users).",
      {{"204", no_content("Revoked")}});
}

void add_organization_paths(json& paths) {
  const json user_fields = {{"email", string_field(254)},
                            {"password", string_field(1024, 8)},
                            {"name", string_field(200, 0)},
                            {"role", {{"type", "string"}, {"enum", {"guest", "user", "pro_user", "organization_admin", "system_admin"}}}}};
  paths["/v1/organization"]["get"] = operation("getOrganization", "The caller's organisation",
                                               "Needs organization:read.",
                                               {{"200", ok("The organisation", ref("schemas/Organization"))}});
  paths["/v1/organization"]["patch"] = operation(
      "updateOrganization", "Rename the organisation (organization:update) or change its plan (billing:update)",
      "Needs organization:read, and the permission of each field.",
      {{"200", ok("The organisation", ref("schemas/Organization"))}},
      json_body(object_schema({{"name", string_field(200)}, {"plan", string_field(32)}}, json::array())));
  paths["/v1/organization/users"]["get"] = operation("listOrganizationUsers", "The organisation's users",
                                                     "Needs organization:manage_users.",
                                                     {{"200", ok("The users", list_of(ref("schemas/User")))}});
  paths["/v1/organization/users"]["post"] = operation(
      "createOrganizationUser", "Add a user (role not above the caller's)", "Needs organization:manage_users.",
      {{"201", ok("The user", ref("schemas/User"))}, {"409", ref("responses/Conflict")}},
      json_body(object_schema(user_fields, {"email", "password"})));
  paths["/v1/organization/users/{id}"]["parameters"] = path_id("User id (usr_...)");
  paths["/v1/organization/users/{id}"]["get"] = operation("getOrganizationUser", "One user of the organisation",
                                                          "Needs organization:manage_users.",
                                                          {{"200", ok("The user", ref("schemas/User"))}});
  paths["/v1/organization/users/{id}"]["patch"] = operation(
      "updateOrganizationUser", "Rename a user or change their role",
      "Needs organization:manage_users; 409 when the last administrator would go.",
      {{"200", ok("The user", ref("schemas/User"))}, {"409", ref("responses/Conflict")}},
      json_body(object_schema({{"name", string_field(200, 0)}, {"role", user_fields["role"]}}, json::array())));
  paths["/v1/organization/users/{id}"]["delete"] = operation(
      "deleteOrganizationUser", "Remove a user (their conversations go at once)",
      "Needs organization:manage_users; 409 for the last administrator.",
      {{"204", no_content("Removed")}, {"409", ref("responses/Conflict")}});
}

}  // namespace

void add_platform_to_openapi(json& document) {
  json& paths = document["paths"];
  add_identity_paths(paths);
  add_account_paths(paths);
  add_organization_paths(paths);

  json& components = document["components"];
  components["securitySchemes"]["bearer"] = {
      {"type", "http"}, {"scheme", "bearer"},
      {"description", "An access token (JWT) from /v1/auth/login, or an API key (key_....secret)"}};
  components["responses"]["TooManyRequests"] = {
      {"description", "rate_limited (with Retry-After) or QUOTA_EXCEEDED ({meter, current_usage, limit, reset_at})"},
      {"content", {{"application/json", {{"schema", ref("schemas/Error")}}}}}};

  // Public routes; every other operation needs a bearer credential when auth is on.
  static const std::set<std::string> kPublic = {"/health/live", "/health/ready",
                                                "/v1/openapi.json", "/v1/auth/register", "/v1/auth/login",
                                                "/v1/auth/refresh", "/v1/auth/logout"};
  for (auto& [path, item] : paths.items()) {
    const bool open = kPublic.count(path) > 0;
    for (auto& [method, op] : item.items()) {
      if (method == "parameters" || !op.is_object()) continue;
      json& responses = op["responses"];
      // Any request can have a malformed head (a control character in a header value).
      if (!responses.contains("400")) responses["400"] = ref("responses/BadRequest");
      if (path == "/health/live" || path == "/health/ready" || path == "/v1/openapi.json") continue;
      if (!responses.contains("429")) responses["429"] = ref("responses/TooManyRequests");
      if (open) {
        op["security"] = json::array();
        continue;
      }
      op["security"] = json::array({{{"bearer", json::array()}}});
      if (!responses.contains("401")) responses["401"] = ref("responses/Unauthenticated");
      if (!responses.contains("403")) responses["403"] = ref("responses/Forbidden");
    }
  }
}

}  // namespace ragd::server
