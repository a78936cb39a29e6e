#include "server/platform_json.h"

#include "platform/usage_period.h"
#include "server/api_error.h"

namespace ragd::server {

namespace {

nlohmann::json time_or_null(int64_t t) {
  return t ? nlohmann::json(platform::rfc3339(t)) : nlohmann::json(nullptr);
}

nlohmann::json text_or_null(const std::string& text) {
  return text.empty() ? nlohmann::json(nullptr) : nlohmann::json(text);
}

nlohmann::json limit_json(int64_t limit) { return limit < 0 ? nlohmann::json(nullptr) : nlohmann::json(limit); }

}  // namespace

nlohmann::json user_json(const platform::User& user) {
  return {{"id", user.id},         {"email", user.email},
          {"name", user.name},     {"role", user.role},
          {"organization", user.organization},
          {"created_at", platform::rfc3339(user.created_at)}};
}

nlohmann::json organization_json(const platform::Organization& organization) {
  return {{"id", organization.id},
          {"name", organization.name},
          {"plan", organization.plan},
          {"created_at", platform::rfc3339(organization.created_at)}};
}

nlohmann::json token_pair_json(const platform::TokenPair& tokens) {
  return {{"access_token", tokens.access_token},
          {"token_type", "Bearer"},
          {"expires_in", tokens.expires_in},
          {"refresh_token", tokens.refresh_token},
          {"user", user_json(tokens.user)},
          {"organization", organization_json(tokens.organization)}};
}

nlohmann::json api_key_json(const platform::ApiKey& key) {
  return {{"id", key.id},
          {"name", key.name},
          {"scopes", key.scopes},
          {"user", key.user},
          {"created_at", platform::rfc3339(key.created_at)},
          {"expires_at", time_or_null(key.expires_at)},
          {"last_used_at", time_or_null(key.last_used_at)},
          {"revoked_at", time_or_null(key.revoked_at)}};
}

nlohmann::json plan_json(const platform::Plan& plan) {
  return {{"name", plan.name},
          {"price_cents_per_month", plan.price_cents_per_month},
          {"messages_per_month", limit_json(plan.messages_per_month)},
          {"tokens_per_message", limit_json(plan.tokens_per_message)},
          {"api_calls_per_day", limit_json(plan.api_calls_per_day)},
          {"storage_bytes", limit_json(plan.storage_bytes)},
          {"requests_per_minute", limit_json(plan.requests_per_minute)},
          {"chat_per_minute", limit_json(plan.chat_per_minute)},
          {"search_per_minute", limit_json(plan.search_per_minute)}};
}

nlohmann::json audit_entry_json(const platform::AuditEntry& entry) {
  nlohmann::json details = nlohmann::json::parse(entry.details, nullptr, false);
  if (details.is_discarded() || !details.is_object()) details = nlohmann::json::object();
  return {{"id", entry.id},
          {"at", platform::rfc3339(entry.at)},
          {"organization", text_or_null(entry.organization)},
          {"actor_user", text_or_null(entry.actor_user)},
          {"actor_key", text_or_null(entry.actor_key)},
          {"action", entry.action},
          {"target", entry.target},
          {"outcome", entry.outcome},
          {"ip", entry.ip},
          {"user_agent", entry.user_agent},
          {"request_id", entry.request_id},
          {"details", details}};
}

void account_service_unavailable() {
  throw ApiException(503, error_code::kUnavailable, "the account service is not available");
}

void throw_auth_failure(platform::AuthFailure failure, const std::string& message) {
  using platform::AuthFailure;
  switch (failure) {
    case AuthFailure::kUnauthenticated:
      throw ApiException(401, "unauthenticated", message);
    case AuthFailure::kForbidden:
      throw ApiException(403, "forbidden", message);
    case AuthFailure::kNotFound:
      throw ApiException(404, error_code::kNotFound, message);
    case AuthFailure::kConflict:
      throw ApiException(409, error_code::kConflict, message);
    case AuthFailure::kInvalid:
      throw ApiException(422, error_code::kValidation, message);
    case AuthFailure::kNone:
    case AuthFailure::kUnavailable:
      break;
  }
  account_service_unavailable();
}

}  // namespace ragd::server
