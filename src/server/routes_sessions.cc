// Sessions: list, get with turns, delete; feedback on a message. Until authentication
// arrives every request is the local user's (owner "").
#include "server/api_error.h"
#include "server/api_exception.h"
#include "server/json_input.h"
#include "server/routes.h"
#include "store/session_store.h"

namespace ragd::server {

namespace {

const std::string kOwner;  // the local user

struct SessionAccess {
  std::unique_ptr<Store> store;
  std::unique_ptr<SessionStore> sessions;
};

SessionAccess open_sessions(Services& services) {
  auto store = Store::open(services.data.store_path());
  if (!store.is_ok()) throw ApiException(503, error_code::kUnavailable, "the store is not available");
  SessionAccess access;
  access.store = std::move(store).value();
  access.sessions = std::make_unique<SessionStore>(*access.store);
  return access;
}

[[noreturn]] void throw_status(const Status& status, const std::string& what) {
  if (status.code() == ErrorCode::kNotFound) throw ApiException(404, error_code::kNotFound, "no " + what);
  if (status.code() == ErrorCode::kInvalidArgument) throw ApiException(422, error_code::kValidation, status.message());
  throw ApiException(503, error_code::kUnavailable, "the store is not available");
}

nlohmann::json session_json(const SessionInfo& s) {
  return {{"id", s.public_id}, {"title", s.title}, {"created_at", s.created_at},
          {"updated_at", s.updated_at}, {"turn_count", s.turn_count}};
}

Response no_content() {
  Response response;
  response.status = 204;
  response.content_type.clear();
  return response;
}

}  // namespace

void add_session_routes(Router& router, Services& services) {
  router.add("GET", "/v1/sessions", guarded([&services](Request& request, ResponseWriter& w) {
    auto limit = static_cast<size_t>(query_int(request, "limit", 50, 1, 1000));
    std::optional<std::string> before;
    if (const std::string* value = request.query_param("before")) before = *value;
    SessionAccess access = open_sessions(services);
    auto page = access.sessions->list_sessions(kOwner, limit, before);
    if (!page.is_ok()) throw_status(page.status(), "such page");
    nlohmann::json data = nlohmann::json::array();
    for (const SessionInfo& s : page->sessions) data.push_back(session_json(s));
    w.respond(json_response({{"data", data},
                             {"next_cursor", page->next_cursor ? nlohmann::json(*page->next_cursor)
                                                               : nlohmann::json(nullptr)}}));
  }));

  router.add("GET", "/v1/sessions/{id}", guarded([&services](Request& request, ResponseWriter& w) {
    const std::string& id = request.params["id"];
    SessionAccess access = open_sessions(services);
    auto session = access.sessions->get_session(id, kOwner);
    if (!session.is_ok()) throw_status(session.status(), "session '" + id.substr(0, 100) + "'");
    auto turns = access.sessions->turns(id, kOwner, 10000);
    if (!turns.is_ok()) throw_status(turns.status(), "session '" + id.substr(0, 100) + "'");
    nlohmann::json body = session_json(*session);
    nlohmann::json list = nlohmann::json::array();
    for (const TurnInfo& t : *turns) {
      auto citations = nlohmann::json::parse(t.record.citations_json, nullptr, false);
      list.push_back({{"id", t.public_id},
                      {"ordinal", t.ordinal},
                      {"question", t.record.question},
                      {"answer", t.record.answer},
                      {"citations", citations.is_discarded() ? nlohmann::json::array() : citations},
                      {"strategy", t.record.strategy},
                      {"model", t.record.model},
                      {"created_at", t.created_at},
                      {"feedback", t.feedback_rating
                                       ? nlohmann::json{{"rating", *t.feedback_rating},
                                                        {"text", t.feedback_text.value_or("")}}
                                       : nlohmann::json(nullptr)}});
    }
    body["turns"] = list;
    w.respond(json_response(body));
  }));

  router.add("DELETE", "/v1/sessions/{id}", guarded([&services](Request& request, ResponseWriter& w) {
    const std::string& id = request.params["id"];
    SessionAccess access = open_sessions(services);
    Status status = access.sessions->delete_session(id, kOwner);
    if (!status.is_ok()) throw_status(status, "session '" + id.substr(0, 100) + "'");
    w.respond(no_content());
  }));

  router.add("POST", "/v1/messages/{id}/feedback", guarded([&services](Request& request, ResponseWriter& w) {
    const std::string& id = request.params["id"];
    nlohmann::json body = parse_json_body(request);
    reject_unknown_fields(body, {"rating", "text"});
    auto rating = optional_int(body, "rating", 1, 5);
    if (!rating) fail_field("rating", "is required (1 to 5)");
    std::string text = optional_string(body, "text", 4000).value_or("");
    SessionAccess access = open_sessions(services);
    Status status = access.sessions->set_feedback(id, kOwner, static_cast<int>(*rating), text);
    if (!status.is_ok()) throw_status(status, "message '" + id.substr(0, 100) + "'");
    w.respond(no_content());
  }));
}

}  // namespace ragd::server
