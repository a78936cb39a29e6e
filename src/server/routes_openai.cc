// OpenAI-compatible routes, so that clients written for the OpenAI API work unchanged:
// GET /v1/models (one model per collection, and "ragd" for the default one),
// POST /v1/chat/completions (RAG over the collection the model names, or the `ragd`
// extension's; citations as [n] in the text and in a `citations` field), POST /v1/embeddings
// (the native encoder). Unknown request fields are ignored here, as OpenAI clients send many.
#include <openssl/evp.h>

#include <ctime>

#include "server/api_error.h"
#include "server/api_exception.h"
#include "server/chat_request.h"
#include "server/json_input.h"
#include "server/quota_support.h"
#include "server/request_gate.h"
#include "server/routes.h"
#include "server/tenant_scope.h"
#include "store/session_store.h"
#include "text/sentences.h"

namespace ragd::server {

namespace {

// The text of a message's content: a string, or the text parts of an array of parts.
std::string content_text(const nlohmann::json& content) {
  if (content.is_string()) return content.get<std::string>();
  std::string text;
  if (content.is_array()) {
    for (const auto& part : content) {
      if (part.is_object() && part.value("type", "") == "text" && part.contains("text") &&
          part["text"].is_string()) {
        text += (text.empty() ? "" : "\n") + part["text"].get<std::string>();
      }
    }
  }
  return text;
}

std::string base64_floats(const std::vector<float>& values) {
  const auto* bytes = reinterpret_cast<const unsigned char*>(values.data());
  size_t n = values.size() * sizeof(float);
  std::string out(4 * ((n + 2) / 3), '\0');
  int written = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()), bytes, static_cast<int>(n));
  out.resize(static_cast<size_t>(written));
  return out;
}

std::string completion_id() {
  auto id = make_public_id("chatcmpl-");
  return id.is_ok() ? *id : "chatcmpl-" + std::to_string(std::time(nullptr));
}

void chat_completions(Services& services, Request& request, ResponseWriter& w) {
  nlohmann::json body = parse_json_body(request);
  std::string model = required_string(body, "model", 200);
  if (!body.contains("messages") || !body["messages"].is_array() || body["messages"].empty()) {
    fail_field("messages", "must be a non-empty array of messages");
  }
  std::string question;
  for (const auto& m : body["messages"]) {
    if (!m.is_object() || !m.contains("role") || !m["role"].is_string()) {
      fail_field("messages", "every message needs a role");
    }
    if (m["role"] == "user" && m.contains("content")) question = content_text(m["content"]);
  }
  if (question.find_first_not_of(" \t\r\n") == std::string::npos) {
    fail_field("messages", "needs a user message with text");
  }
  nlohmann::json extension = body.value("ragd", nlohmann::json::object());
  if (!extension.is_object()) fail_field("ragd", "must be an object");
  std::string collection = model == "ragd" ? "default" : model;
  if (auto named = optional_string(extension, "collection", 64)) collection = *named;
  collection = checked_collection_name(collection, "model");
  nlohmann::json options = extension;
  // OpenAI's own fields, within ragd's ranges.
  if (auto tokens = body.contains("max_completion_tokens") ? optional_int(body, "max_completion_tokens", 1, 1 << 20)
                                                           : optional_int(body, "max_tokens", 1, 1 << 20)) {
    options["max_tokens"] = std::clamp<int64_t>(*tokens, 50, 2000);
  }
  if (auto t = optional_number(body, "temperature", 0, 2)) options["temperature"] = std::min(*t, 1.0);
  ChatJob job = chat_job_from(services, request, options, collection, question);
  job.request.persist = false;  // OpenAI clients send the conversation themselves
  QuotaGrant grant = reserve_quota(services, request, platform::Meter::kMessages, 1);
  bool stream = optional_bool(body, "stream").value_or(false);
  bool include_usage = false;
  if (body.contains("stream_options") && body["stream_options"].is_object()) {
    include_usage = body["stream_options"].value("include_usage", false);
  }
  std::string id = completion_id();
  int64_t created = static_cast<int64_t>(std::time(nullptr));

  if (!stream) {
    auto respond = w.defer();
    auto headers = quota_headers(grant);
    run_chat(services, std::move(job), {}, request.cancelled,
             metered_chat(services, request, std::move(grant), [respond, id, created, model, headers, request_id = request.request_id](Result<ChatOutcome> outcome) {
               if (!outcome.is_ok()) {
                 respond(chat_error_response(outcome.status(), request_id));
                 return;
               }
               const AnswerResult& r = outcome->result;
               nlohmann::json citations = nlohmann::json::array();
               for (const AnswerCitation& c : r.citations) citations.push_back(citation_json(c));
               nlohmann::json response = {
                   {"id", id}, {"object", "chat.completion"}, {"created", created}, {"model", model},
                   {"choices", {{{"index", 0},
                                 {"message", {{"role", "assistant"}, {"content", r.answer}}},
                                 {"finish_reason", "stop"}}}},
                   {"usage", {{"prompt_tokens", r.usage.prompt_tokens},
                              {"completion_tokens", r.usage.completion_tokens},
                              {"total_tokens", r.usage.prompt_tokens + r.usage.completion_tokens}}},
                   {"citations", citations},
                   {"ragd", {{"strategy", answer_strategy_name(r.strategy)},
                             {"abstained", r.abstained},
                             {"cached", outcome->cached}}}};
               Response ok = json_response(response);
               ok.headers = headers;
               respond(std::move(ok));
             }));
    return;
  }

  std::shared_ptr<EventSink> sink = w.start_events(quota_headers(grant));
  auto chunk = [id, created, model](nlohmann::json delta, nlohmann::json finish) {
    return nlohmann::json{{"id", id}, {"object", "chat.completion.chunk"}, {"created", created},
                          {"model", model},
                          {"choices", {{{"index", 0}, {"delta", std::move(delta)},
                                        {"finish_reason", std::move(finish)}}}}};
  };
  sink->send("", json_text(chunk({{"role", "assistant"}, {"content", ""}}, nullptr)));
  AnswerEvents events;
  events.on_delta = [sink, chunk](std::string_view text) {
    return sink->send("", json_text(chunk({{"content", text}}, nullptr)));
  };
  auto citations = std::make_shared<nlohmann::json>(nlohmann::json::array());
  events.on_citation = [citations](const AnswerCitation& c) { citations->push_back(citation_json(c)); };
  run_chat(services, std::move(job), events, request.cancelled,
           metered_chat(services, request, std::move(grant), [sink, chunk, citations, include_usage, id, created, model](Result<ChatOutcome> outcome) {
             if (!outcome.is_ok()) {
               sink->send("", json_text({{"error", {{"message", "the answer could not be produced"},
                                               {"type", "server_error"}}}}));
             } else {
               const AnswerResult& r = outcome->result;
               nlohmann::json last = chunk(nlohmann::json::object(), "stop");
               last["citations"] = *citations;
               last["ragd"] = {{"strategy", answer_strategy_name(r.strategy)},
                               {"abstained", r.abstained}, {"cached", outcome->cached}};
               sink->send("", json_text(last));
               if (include_usage) {
                 sink->send("", json_text({{"id", id}, {"object", "chat.completion.chunk"},
                                      {"created", created}, {"model", model},
                                      {"choices", nlohmann::json::array()},
                                      {"usage", {{"prompt_tokens", r.usage.prompt_tokens},
                                                 {"completion_tokens", r.usage.completion_tokens},
                                                 {"total_tokens", r.usage.prompt_tokens +
                                                                      r.usage.completion_tokens}}}}));
               }
             }
             sink->send("", "[DONE]");
             sink->close();
           }));
}

}  // namespace

void add_openai_routes(Router& router, Services& services) {
  using platform::Permission;
  router.add("GET", "/v1/models", secured(services, needs(Permission::kChatCreate), [&services](Request& request, ResponseWriter& w) {
    auto store = Store::open(services.data.store_path());
    if (!store.is_ok()) throw ApiException(503, error_code::kUnavailable, "the store is not available");
    auto collections = (*store)->list_collections();
    if (!collections.is_ok()) throw ApiException(503, error_code::kUnavailable, "the store is not available");
    nlohmann::json data = nlohmann::json::array();
    int64_t default_created = 0;
    for (const CollectionInfo& c : *collections) {
      auto name = visible_collection(request.principal, c.name);
      if (!name) continue;
      data.push_back({{"id", *name}, {"object", "model"}, {"created", c.created_at}, {"owned_by", "ragd"}});
      if (*name == "default") default_created = c.created_at;
    }
    data.push_back({{"id", "ragd"}, {"object", "model"}, {"created", default_created}, {"owned_by", "ragd"}});
    w.respond(json_response({{"object", "list"}, {"data", data}}));
  }));

  router.add("POST", "/v1/chat/completions", secured(services, needs(Permission::kChatCreate, RateClass::kChat), [&services](Request& request, ResponseWriter& w) {
    chat_completions(services, request, w);
  }));

  router.add("POST", "/v1/embeddings", secured(services, needs(Permission::kApiAccess), [&services](Request& request, ResponseWriter& w) {
    nlohmann::json body = parse_json_body(request);
    if (!body.contains("input")) fail_field("input", "is required");
    std::vector<std::string> inputs = string_list(body, "input", 2048);
    if (inputs.empty()) fail_field("input", "must not be empty");
    for (const std::string& text : inputs) {
      if (text.empty()) fail_field("input", "must not contain empty strings");
      if (text.size() > 64 * 1024) fail_field("input", "each text is limited to 65536 bytes");
    }
    std::string format = optional_string(body, "encoding_format", 16).value_or("float");
    if (format != "float" && format != "base64") fail_field("encoding_format", "must be float or base64");
    std::string model = optional_string(body, "model", 200).value_or("all-MiniLM-L6-v2");
    std::string why;
    EmbeddingProvider* embedder = services.embedder(&why);
    if (embedder == nullptr) {
      throw ApiException(503, error_code::kUnavailable, "no embedding model is installed");
    }
    std::vector<std::string_view> views(inputs.begin(), inputs.end());
    auto flat = embedder->embed(views, EmbedPurpose::kPassage);
    if (!flat.is_ok()) throw ApiException(503, error_code::kUnavailable, "the texts could not be embedded");
    size_t dim = embedder->dimension();
    nlohmann::json data = nlohmann::json::array();
    int64_t tokens = 0;
    for (size_t i = 0; i < inputs.size(); ++i) {
      std::vector<float> row(flat->begin() + static_cast<std::ptrdiff_t>(i * dim),
                             flat->begin() + static_cast<std::ptrdiff_t>((i + 1) * dim));
      nlohmann::json embedding = format == "base64" ? nlohmann::json(base64_floats(row)) : nlohmann::json(row);
      data.push_back({{"object", "embedding"}, {"index", i}, {"embedding", embedding}});
      tokens += static_cast<int64_t>(count_tokens(inputs[i]));
    }
    record_usage(services, request, {{platform::Meter::kEmbeddingTokens, tokens}});
    w.respond(json_response({{"object", "list"},
                             {"data", data},
                             {"model", model},
                             {"usage", {{"prompt_tokens", tokens}, {"total_tokens", tokens}}}}));
  }));
}

}  // namespace ragd::server
