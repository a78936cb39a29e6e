#include "server/api_error.h"
#include "server/api_exception.h"
#include "server/json_input.h"
#include "server/routes.h"

namespace ragd::server {

Handler guarded(std::function<void(Request&, ResponseWriter&)> handler) {
  return [handler = std::move(handler)](Request& request, ResponseWriter& writer) {
    try {
      handler(request, writer);
    } catch (const ApiException& e) {
      if (!writer.responded()) {
        Response response = error_response(e.status, e.code, e.what(), request.request_id, e.details);
        response.headers = e.headers;
        if (e.status == 401) response.headers.emplace_back("WWW-Authenticate", "Bearer realm=\"ragd\"");
        writer.respond(std::move(response));
      }
    } catch (const std::exception&) {
      if (!writer.responded()) {
        writer.respond(error_response(500, error_code::kInternal,
                                      "the request failed inside the server",
                                      request.request_id));
      }
    }
  };
}

std::string collection_or_default(const std::optional<std::string>& name) {
  if (!name) return "default";
  return checked_collection_name(*name);
}

}  // namespace ragd::server
