#include "server/api_error.h"

namespace ragd::server {

Response json_response(const nlohmann::json& body, int status) {
  Response response;
  response.status = status;
  response.body = body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  return response;
}

Response error_response(int status, std::string_view code, std::string_view message,
                        const std::string& request_id, const nlohmann::json& details) {
  nlohmann::json body = {{"code", code},
                         {"message", message},
                         {"details", details.is_object() ? details : nlohmann::json::object()},
                         {"request_id", request_id}};
  return json_response(body, status);
}

Response status_response(const Status& status, const std::string& request_id) {
  switch (status.code()) {
    case ErrorCode::kInvalidArgument:
      return error_response(422, error_code::kValidation, status.message(), request_id);
    case ErrorCode::kNotFound:
      return error_response(404, error_code::kNotFound, status.message(), request_id);
    case ErrorCode::kAlreadyExists:
      return error_response(409, error_code::kConflict, status.message(), request_id);
    case ErrorCode::kTooLarge:
      return error_response(413, error_code::kTooLarge, status.message(), request_id);
    case ErrorCode::kBusy:
      return error_response(503, error_code::kUnavailable,
                            "the server is busy; retry in a moment", request_id);
    default:
      return error_response(500, error_code::kInternal,
                            "the request failed inside the server; the log has the details "
                            "under this request id",
                            request_id);
  }
}

}  // namespace ragd::server
