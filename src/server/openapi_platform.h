// The platform's part of the OpenAPI document: the identity, account, API-key and
// organisation routes, the bearer security scheme, and the 401/403/429 answers every
// non-public route can give (added to each operation, so the routes written before
// authentication need no edits). Thread-safety: pure function.
#pragma once

#include <nlohmann/json.hpp>

namespace ragd::server {

// Adds the above to a parsed OpenAPI document.
void add_platform_to_openapi(nlohmann::json& document);

}  // namespace ragd::server
