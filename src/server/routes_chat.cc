// POST /v1/chat: an answer with citations, whole or as Server-Sent Events (sources, delta,
// retract, citation, done; error on failure).
#include "chat/answer_json.h"
#include "server/api_error.h"
#include "server/api_exception.h"
#include "server/chat_request.h"
#include "server/json_input.h"
#include "server/quota_support.h"
#include "server/request_gate.h"
#include "server/routes.h"

namespace ragd::server {

namespace {

void stream_chat(Services& services, Request& request, ResponseWriter& w, ChatJob job,
                 QuotaGrant grant) {
  std::shared_ptr<EventSink> sink = w.start_events(quota_headers(grant));
  if (!grant.warning_event.is_null()) sink->send("quota_warning", json_text(grant.warning_event));
  AnswerEvents events;
  events.on_sources = [sink](const std::vector<Passage>& passages) {
    nlohmann::json list = nlohmann::json::array();
    for (const Passage& p : passages) {
      list.push_back({{"number", p.number},
                      {"document", p.document_key},
                      {"chunk_id", p.chunk_id},
                      {"title", p.title},
                      {"section", p.section_path}});
    }
    sink->send("sources", json_text({{"passages", list}}));
  };
  events.on_delta = [sink](std::string_view text) {
    return sink->send("delta", json_text({{"text", text}}));
  };
  events.on_retract = [sink](std::string_view reason) {
    sink->send("retract", json_text({{"reason", reason}}));
  };
  events.on_citation = [sink](const AnswerCitation& c) { sink->send("citation", json_text(citation_json(c))); };
  run_chat(services, std::move(job), events, request.cancelled,
           metered_chat(services, request, std::move(grant), [sink](Result<ChatOutcome> outcome) {
             if (!outcome.is_ok()) {
               ChatError error = chat_error(outcome.status());
               sink->send("error", json_text({{"code", error.code}, {"message", error.message}}));
             } else {
               nlohmann::json body = chat_response_json(*outcome);
               nlohmann::json done = {{"usage", body["usage"]},       {"strategy", body["strategy"]},
                                      {"abstained", body["abstained"]}, {"model", body["model"]},
                                      {"session_id", body["session_id"]},
                                      {"message_id", body["message_id"]},
                                      {"cached", body["cached"]},     {"latency", body["latency"]}};
               sink->send("done", json_text(done));
             }
             sink->close();
           }));
}

}  // namespace

void add_chat_routes(Router& router, Services& services) {
  using platform::Permission;
  router.add("POST", "/v1/chat", secured(services, needs(Permission::kChatCreate, RateClass::kChat), [&services](Request& request, ResponseWriter& w) {
    nlohmann::json body = parse_json_body(request);
    reject_unknown_fields(body, {"message", "session_id", "collection", "enable_rag", "stream",
                                 "filters", "max_tokens", "temperature", "cache"});
    std::string message = required_string(body, "message", 32 * 1024);
    std::string collection = collection_or_default(optional_string(body, "collection", 64));
    ChatJob job = chat_job_from(services, request, body, collection, message);
    job.request.session_id = optional_string(body, "session_id", 64).value_or("");
    QuotaGrant grant = reserve_quota(services, request, platform::Meter::kMessages, 1);
    if (optional_bool(body, "stream").value_or(false)) {
      stream_chat(services, request, w, std::move(job), std::move(grant));
      return;
    }
    // Answered from another thread when an LLM generates; the worker is free meanwhile.
    auto respond = w.defer();
    auto headers = quota_headers(grant);
    run_chat(services, std::move(job), {}, request.cancelled,
             metered_chat(services, request, std::move(grant),
                          [respond, headers, request_id = request.request_id](Result<ChatOutcome> outcome) {
                            Response response = outcome.is_ok()
                                                    ? json_response(chat_response_json(*outcome))
                                                    : chat_error_response(outcome.status(), request_id);
                            response.headers.insert(response.headers.end(), headers.begin(), headers.end());
                            respond(std::move(response));
                          }));
  }));
}

}  // namespace ragd::server
