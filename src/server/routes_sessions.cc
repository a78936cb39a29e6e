// Sessions: list, get with turns, delete, export; feedback on a message. Every session
// belongs to the user who made it (Principal::session_owner; "" is the local owner with
// authentication off), and another user's ids answer exactly like unknown ones.
#include "server/api_error.h"
#include "server/api_exception.h"
#include "server/json_input.h"
#include "server/request_gate.h"
#include "server/routes.h"
#include "server/session_access.h"
#include "store/session_store.h"

namespace ragd::server {

namespace {

[[noreturn]] void throw_status(const Status& status, const std::string& what) {
  if (status.code() == ErrorCode::kNotFound) throw ApiException(404, error_code::kNotFound, "no " + what);
  if (status.code() == ErrorCode::kInvalidArgument) throw ApiException(422, error_code::kValidation, status.message());
  throw ApiException(503, error_code::kUnavailable, "the store is not available");
}

nlohmann::json session_json(const SessionInfo& s) {
  return {{"id", s.public_id}, {"title", s.title}, {"created_at", s.created_at},
          {"updated_at", s.updated_at}, {"turn_count", s.turn_count}};
}

}  // namespace

nlohmann::json session_with_turns(SessionAccess& access, const std::string& id, const std::string& owner) {
  auto session = access.sessions->get_session(id, owner);
  if (!session.is_ok()) throw_status(session.status(), "session '" + id.substr(0, 100) + "'");
  auto turns = access.sessions->turns(id, owner, 10000);
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
  return body;
}

nlohmann::json all_sessions(SessionAccess& access, const std::string& owner) {
  nlohmann::json out = nlohmann::json::array();
  std::optional<std::string> before;
  while (true) {
    auto page = access.sessions->list_sessions(owner, 200, before);
    if (!page.is_ok()) throw_status(page.status(), "such page");
    for (const SessionInfo& s : page->sessions) out.push_back(session_with_turns(access, s.public_id, owner));
    if (!page->next_cursor) break;
    before = page->next_cursor;
  }
  return out;
}

Status delete_all_sessions(SessionAccess& access, const std::string& owner) {
  while (true) {
    auto page = access.sessions->list_sessions(owner, 200, std::nullopt);
    if (!page.is_ok()) return page.status();
    if (page->sessions.empty()) return Status::ok();
    for (const SessionInfo& s : page->sessions) {
      Status status = access.sessions->delete_session(s.public_id, owner);
      if (!status.is_ok() && status.code() != ErrorCode::kNotFound) return status;
    }
  }
}

SessionAccess open_sessions(Services& services) {
  auto store = Store::open(services.data.store_path());
  if (!store.is_ok()) throw ApiException(503, error_code::kUnavailable, "the store is not available");
  SessionAccess access;
  access.store = std::move(store).value();
  access.sessions = std::make_unique<SessionStore>(*access.store);
  return access;
}

void add_session_routes(Router& router, Services& services) {
  using platform::Permission;
  router.add("GET", "/v1/sessions", secured(services, needs(Permission::kChatReadOwn), [&services](Request& request, ResponseWriter& w) {
    auto limit = static_cast<size_t>(query_int(request, "limit", 50, 1, 1000));
    std::optional<std::string> before;
    if (const std::string* value = request.query_param("before")) before = *value;
    SessionAccess access = open_sessions(services);
    auto page = access.sessions->list_sessions(request.principal.session_owner(), limit, before);
    if (!page.is_ok()) throw_status(page.status(), "such page");
    nlohmann::json data = nlohmann::json::array();
    for (const SessionInfo& s : page->sessions) data.push_back(session_json(s));
    w.respond(json_response({{"data", data},
                             {"next_cursor", page->next_cursor ? nlohmann::json(*page->next_cursor)
                                                               : nlohmann::json(nullptr)}}));
  }));

  router.add("GET", "/v1/sessions/export", secured(services, needs(Permission::kChatBulkExport), [&services](Request& request, ResponseWriter& w) {
    SessionAccess access = open_sessions(services);
    w.respond(json_response({{"data", all_sessions(access, request.principal.session_owner())}}));
    audit_request(services, request, "sessions.export", "", "success");
  }));

  router.add("GET", "/v1/sessions/{id}", secured(services, needs(Permission::kChatReadOwn), [&services](Request& request, ResponseWriter& w) {
    SessionAccess access = open_sessions(services);
    w.respond(json_response(session_with_turns(access, request.params["id"], request.principal.session_owner())));
  }));

  router.add("DELETE", "/v1/sessions/{id}", secured(services, needs(Permission::kChatReadOwn), [&services](Request& request, ResponseWriter& w) {
    const std::string& id = request.params["id"];
    SessionAccess access = open_sessions(services);
    Status status = access.sessions->delete_session(id, request.principal.session_owner());
    if (!status.is_ok()) throw_status(status, "session '" + id.substr(0, 100) + "'");
    w.respond(no_content());
  }));

  router.add("POST", "/v1/messages/{id}/feedback", secured(services, needs(Permission::kChatCreate), [&services](Request& request, ResponseWriter& w) {
    const std::string& id = request.params["id"];
    nlohmann::json body = parse_json_body(request);
    reject_unknown_fields(body, {"rating", "text"});
    auto rating = optional_int(body, "rating", 1, 5);
    if (!rating) fail_field("rating", "is required (1 to 5)");
    std::string text = optional_string(body, "text", 4000).value_or("");
    SessionAccess access = open_sessions(services);
    Status status = access.sessions->set_feedback(id, request.principal.session_owner(), static_cast<int>(*rating), text);
    if (!status.is_ok()) throw_status(status, "message '" + id.substr(0, 100) + "'");
    w.respond(no_content());
  }));
}

}  // namespace ragd::server
