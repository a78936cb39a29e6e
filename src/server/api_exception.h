// ApiException: how route code reports a client error deep inside request parsing and
// validation; the route wrapper (routes.h, guarded) turns it into an error response. Never
// thrown across a library boundary: only route handlers throw it, only the wrapper catches it.
#pragma once

#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

namespace ragd::server {

class ApiException : public std::runtime_error {
 public:
  ApiException(int status, std::string code, const std::string& message,
               nlohmann::json details = nlohmann::json::object())
      : std::runtime_error(message), status(status), code(std::move(code)),
        details(std::move(details)) {}
  int status;
  std::string code;
  nlohmann::json details;
  std::vector<std::pair<std::string, std::string>> headers;  // added to the error response
};

// 422 validation_failed naming the field.
[[noreturn]] inline void fail_field(const std::string& field, const std::string& message) {
  throw ApiException(422, "validation_failed", field + ": " + message, {{"field", field}});
}

}  // namespace ragd::server
