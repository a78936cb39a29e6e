// The API's error responses: {"code", "message", "details", "request_id"} with the HTTP status
// that fits, so clients can branch on `code` and people can read `message`. Messages describe
// the caller's mistake; internal error text never reaches a response (internal failures say
// only that something failed, and the log carries the request id).
// Thread-safety: pure functions.
#pragma once

#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "server/http_message.h"

namespace ragd::server {

// Codes used across the API (the `code` field).
namespace error_code {
inline constexpr const char* kBadRequest = "bad_request";              // 400
inline constexpr const char* kInvalidJson = "invalid_json";            // 400
inline constexpr const char* kInvalidUtf8 = "invalid_utf8";            // 400
inline constexpr const char* kNotFound = "not_found";                  // 404
inline constexpr const char* kMethodNotAllowed = "method_not_allowed"; // 405
inline constexpr const char* kConflict = "conflict";                   // 409
inline constexpr const char* kTooLarge = "payload_too_large";          // 413
inline constexpr const char* kUnsupportedMediaType = "unsupported_media_type";  // 415
inline constexpr const char* kValidation = "validation_failed";        // 422
inline constexpr const char* kRateLimited = "rate_limited";            // 429
inline constexpr const char* kInternal = "internal_error";             // 500
inline constexpr const char* kUnavailable = "unavailable";             // 503
inline constexpr const char* kTimeout = "deadline_exceeded";           // 504
}  // namespace error_code

Response error_response(int status, std::string_view code, std::string_view message,
                        const std::string& request_id,
                        const nlohmann::json& details = nlohmann::json::object());

// 204 No Content (no body, no content type).
Response no_content();

// A JSON body: serialised with invalid UTF-8 replaced, never throwing.
Response json_response(const nlohmann::json& body, int status = 200);

// JSON text with invalid UTF-8 replaced, never throwing (bodies and stream events).
std::string json_text(const nlohmann::json& value);

}  // namespace ragd::server
