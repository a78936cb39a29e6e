// JSON of the platform's objects as the API shows them (docs/api.md: User, Organization,
// Session, API key), and the mapping of AuthService failures to API errors.
// Thread-safety: pure functions.
#pragma once

#include <utility>

#include <nlohmann/json.hpp>

#include "platform/auth_service.h"
#include "server/api_exception.h"

namespace ragd::server {

nlohmann::json user_json(const platform::User& user);  // never the password hash
nlohmann::json organization_json(const platform::Organization& organization);
nlohmann::json token_pair_json(const platform::TokenPair& tokens);
nlohmann::json api_key_json(const platform::ApiKey& key);  // never the digest
nlohmann::json plan_json(const platform::Plan& plan);

// An audit log entry (organization and actors null when empty; details an object).
nlohmann::json audit_entry_json(const platform::AuditEntry& entry);

// 503 unavailable: the account service (the platform store) failed; nothing more is said.
[[noreturn]] void account_service_unavailable();

// Throws the ApiException of a failed AuthResult: 401 unauthenticated, 403 forbidden, 404
// not_found, 409 conflict, 422 validation_failed, 503 unavailable.
[[noreturn]] void throw_auth_failure(platform::AuthFailure failure, const std::string& message);

template <typename T>
T unwrap(platform::AuthResult<T> result) {
  if (!result.ok()) throw_auth_failure(result.failure, result.message);
  return std::move(*result.value);
}

}  // namespace ragd::server
