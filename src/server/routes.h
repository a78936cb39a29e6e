// The API's routes (docs/api.md), registered on a Router over the shared Services. Each
// group lives in its own routes_<group>.cc. Handlers are wrapped by `guarded`, which turns
// ApiException into its error response and any other exception into a 500 that says no more;
// API routes are registered through `secured` (request_gate.h), which puts the platform's
// authentication, permission, rate limit and API-call quota in front of `guarded`.
#pragma once

#include "server/router.h"
#include "server/services.h"

namespace ragd::server {

Handler guarded(std::function<void(Request&, ResponseWriter&)> handler);

void add_ops_routes(Router& router, Services& services);          // health, metrics, openapi
void add_collection_routes(Router& router, Services& services);   // collections
void add_document_routes(Router& router, Services& services);     // documents, jobs
void add_search_routes(Router& router, Services& services);       // search
void add_chat_routes(Router& router, Services& services);         // chat
void add_session_routes(Router& router, Services& services);      // sessions, feedback
void add_openai_routes(Router& router, Services& services);       // OpenAI-compatible
void add_auth_routes(Router& router, Services& services);         // register, login, tokens
void add_account_routes(Router& router, Services& services);      // me, export, API keys
void add_organization_routes(Router& router, Services& services); // organisation, users
void add_usage_routes(Router& router, Services& services);        // quotas, usage, statement
void add_audit_routes(Router& router, Services& services);        // audit log, system admin

inline void add_all_routes(Router& router, Services& services) {
  add_ops_routes(router, services);
  add_collection_routes(router, services);
  add_document_routes(router, services);
  add_search_routes(router, services);
  add_chat_routes(router, services);
  add_session_routes(router, services);
  add_openai_routes(router, services);
  add_auth_routes(router, services);
  add_account_routes(router, services);
  add_organization_routes(router, services);
  add_usage_routes(router, services);
  add_audit_routes(router, services);
}

// The collection a request names (body field or query parameter), "default" when none.
std::string collection_or_default(const std::optional<std::string>& name);

}  // namespace ragd::server
