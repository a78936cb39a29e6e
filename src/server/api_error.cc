#include "server/api_error.h"

namespace ragd::server {

std::string json_text(const nlohmann::json& value) {
  return value.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

Response no_content() {
  Response response;
  response.status = 204;
  response.content_type.clear();
  return response;
}

Response json_response(const nlohmann::json& body, int status) {
  Response response;
  response.status = status;
  response.body = json_text(body);
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

}  // namespace ragd::server
