#include "llm/openai_chat_client.h"

#include <algorithm>
#include <cmath>
#include <nlohmann/json.hpp>

#include "llm/openai_response_reader.h"
#include "net/retry_after.h"
#include "text/normalize.h"
#include "text/sentences.h"

namespace ragd {

using nlohmann::json;
using Clock = std::chrono::steady_clock;

namespace {

constexpr size_t kMaxStopSequences = 4;
constexpr size_t kErrorBodyBytes = 4096;

std::string make_endpoint(std::string base) {
  while (!base.empty() && base.back() == '/') base.pop_back();
  if (base.size() >= 3 && base.compare(base.size() - 3, 3, "/v1") == 0) {
    return base + "/chat/completions";
  }
  return base + "/v1/chat/completions";
}

double ms_since(Clock::time_point start, Clock::time_point end) {
  return std::chrono::duration<double, std::milli>(end - start).count();
}

LlmErrorKind map_net_error(NetErrorKind kind) {
  switch (kind) {
    case NetErrorKind::kInvalidRequest:
      return LlmErrorKind::kInvalidRequest;
    case NetErrorKind::kDns:
    case NetErrorKind::kConnect:
      return LlmErrorKind::kConnect;
    case NetErrorKind::kTls:
      return LlmErrorKind::kTls;
    case NetErrorKind::kConnectTimeout:
      return LlmErrorKind::kTimeoutConnect;
    case NetErrorKind::kFirstByteTimeout:
      return LlmErrorKind::kTimeoutFirstToken;
    case NetErrorKind::kIdleTimeout:
      return LlmErrorKind::kTimeoutIdle;
    case NetErrorKind::kTotalTimeout:
      return LlmErrorKind::kTimeoutTotal;
    case NetErrorKind::kCancelled:
      return LlmErrorKind::kCancelled;
    case NetErrorKind::kConnectionLost:
      return LlmErrorKind::kConnectionLost;
    case NetErrorKind::kProtocol:
      return LlmErrorKind::kProtocol;
    case NetErrorKind::kTooLarge:
      return LlmErrorKind::kTooLarge;
  }
  return LlmErrorKind::kProtocol;
}

// The "message" of an OpenAI-style error body, or the start of the body.
std::string error_text(const std::string& body) {
  json parsed = json::parse(repair_utf8(body), nullptr, false);
  if (parsed.is_object()) {
    auto error = parsed.find("error");
    if (error != parsed.end()) {
      if (error->is_string()) return error->get<std::string>();
      if (error->is_object()) {
        auto message = error->find("message");
        if (message != error->end() && message->is_string()) return message->get<std::string>();
      }
    }
  }
  std::string text = repair_utf8(std::string_view(body).substr(0, 300));
  return text.empty() ? "(empty body)" : text;
}

bool starts_with_type(const std::optional<std::string>& content_type, std::string_view type) {
  if (!content_type) return false;
  std::string lower = *content_type;
  std::transform(lower.begin(), lower.end(), lower.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  lower.erase(0, lower.find_first_not_of(" \t"));
  return lower.compare(0, type.size(), type) == 0;
}

}  // namespace

OpenAiChatClient::OpenAiChatClient(OpenAiChatOptions options)
    : options_(std::move(options)),
      endpoint_(make_endpoint(options_.base_url)),
      http_(HttpClientOptions{.verify_tls = options_.verify_tls, .ca_file = options_.ca_file}) {}

std::string OpenAiChatClient::request_json(const CompletionRequest& request) const {
  json body;
  body["model"] = repair_utf8(request.model.empty() ? options_.model : request.model);
  json messages = json::array();
  for (const ChatMessage& message : request.messages) {
    messages.push_back(
        {{"role", repair_utf8(message.role)}, {"content", repair_utf8(message.content)}});
  }
  body["messages"] = std::move(messages);
  const int limit = std::max(1, options_.max_tokens_limit);
  body["max_tokens"] = std::clamp(request.max_tokens, 1, limit);
  const double temperature = std::isfinite(request.temperature) ? request.temperature : 0.2;
  body["temperature"] = std::clamp(temperature, 0.0, 2.0);
  const double top_p = std::isfinite(request.top_p) ? request.top_p : 1.0;
  body["top_p"] = std::clamp(top_p, 0.01, 1.0);
  json stop = json::array();
  for (const std::string& sequence : request.stop) {
    if (!sequence.empty() && stop.size() < kMaxStopSequences) stop.push_back(repair_utf8(sequence));
  }
  if (!stop.empty()) body["stop"] = std::move(stop);
  body["stream"] = request.stream;
  if (request.stream && options_.request_usage) {
    body["stream_options"] = {{"include_usage", true}};
  }
  return body.dump(-1, ' ', false, json::error_handler_t::replace);
}

CompletionOutcome OpenAiChatClient::complete(const CompletionRequest& request,
                                             const DeltaCallback& on_delta,
                                             const std::atomic<bool>* cancel) {
  const auto start = Clock::now();
  auto failure = [&](LlmErrorKind kind, std::string message) {
    return LlmError{.kind = kind, .message = std::move(message), .provider = options_.name};
  };
  if (request.messages.empty()) {
    return failure(LlmErrorKind::kInvalidRequest, "the request has no messages");
  }

  HttpRequest http_request;
  http_request.method = "POST";
  http_request.url = endpoint_;
  http_request.headers = {{"Content-Type", "application/json"},
                          {"Accept", request.stream ? "text/event-stream" : "application/json"}};
  if (!options_.api_key.empty()) {
    http_request.headers.push_back({"Authorization", "Bearer " + options_.api_key});
  }
  if (!request.traceparent.empty()) {
    http_request.headers.push_back({"traceparent", request.traceparent});
  }
  for (const HttpHeader& header : options_.extra_headers) http_request.headers.push_back(header);
  http_request.body = request_json(request);

  enum class Mode { kSse, kJson, kErrorBody };
  Mode mode = Mode::kErrorBody;
  std::optional<LlmError> head_error;
  std::string collected;  // a JSON answer or an error body
  OpenAiResponseReader reader(on_delta);

  HttpCallOptions call;
  call.connect_timeout = options_.connect_timeout;
  call.first_byte_timeout = options_.first_token_timeout;
  call.idle_timeout = options_.idle_timeout;
  call.total_timeout = options_.total_timeout;
  call.max_response_bytes = options_.max_response_bytes;
  call.cancel = cancel;
  call.on_head = [&](const HttpResponse& head) {
    if (head.status < 200 || head.status > 299) {
      mode = Mode::kErrorBody;
      return true;
    }
    const auto content_type = head.header("Content-Type");
    if (request.stream && starts_with_type(content_type, "text/event-stream")) {
      mode = Mode::kSse;
    } else if (starts_with_type(content_type, "application/json")) {
      mode = Mode::kJson;
    } else {
      head_error = failure(LlmErrorKind::kProtocol,
                           "the server answered with Content-Type '" + content_type.value_or("") +
                               "' instead of " +
                               (request.stream ? "text/event-stream" : "application/json") +
                               " (is the URL an OpenAI-compatible API?)");
      return false;
    }
    return true;
  };
  call.on_body = [&](std::string_view piece) {
    if (mode == Mode::kSse) return reader.feed_sse(piece);
    if (mode == Mode::kErrorBody) {
      collected.append(
          piece.substr(0, kErrorBodyBytes - std::min(kErrorBodyBytes, collected.size())));
      return true;
    }
    collected.append(piece);
    return true;
  };
  // For streams, "first byte" means the first token: a server that sends its head (and
  // maybe an empty role chunk) and then thinks counts as not having answered yet.
  if (request.stream) {
    call.first_byte_seen = [&] { return mode != Mode::kSse || reader.started(); };
  }

  HttpResult response = http_.fetch(http_request, call);
  const auto end = Clock::now();
  const bool partial = reader.any_content();

  auto with_partial = [&](LlmError error) {
    error.partial_output = partial;
    return error;
  };

  if (!response.ok()) {
    const NetError& net = response.error();
    if (head_error) return *head_error;
    if (reader.error()) {
      LlmError error = *reader.error();
      error.provider = options_.name;
      return with_partial(std::move(error));
    }
    if (reader.cancelled()) {
      return with_partial(failure(LlmErrorKind::kCancelled, "the caller stopped the stream"));
    }
    if (net.kind == NetErrorKind::kConnectionLost && mode == Mode::kSse &&
        !reader.finish_reason().empty()) {
      // The answer was complete; only the [DONE] marker was lost.
    } else {
      return with_partial(failure(map_net_error(net.kind), net.message));
    }
  } else {
    const HttpResponse& head = response.value();
    if (head.status == 429) {
      LlmError error = failure(LlmErrorKind::kRateLimited,
                               "rate limited by the server: " + error_text(collected));
      error.http_status = 429;
      if (auto retry_after = head.header("Retry-After")) {
        error.retry_after = parse_retry_after(*retry_after, std::chrono::system_clock::now());
      }
      return error;
    }
    if (head.status < 200 || head.status > 299) {
      LlmError error = failure(
          LlmErrorKind::kHttpStatus,
          "the server answered HTTP " + std::to_string(head.status) + ": " + error_text(collected));
      error.http_status = head.status;
      return error;
    }
    if (mode == Mode::kJson) {
      if (!reader.read_whole(collected)) {
        if (reader.cancelled()) {
          return failure(LlmErrorKind::kCancelled, "the caller stopped the answer");
        }
        LlmError error = *reader.error();
        error.provider = options_.name;
        return error;
      }
    } else if (!reader.done() && reader.finish_reason().empty()) {
      return with_partial(failure(LlmErrorKind::kConnectionLost,
                                  "the stream ended before [DONE] and before a finish_reason"));
    }
  }

  CompletionResult result;
  result.text = reader.text();
  result.finish_reason = reader.finish_reason();
  result.model = reader.model().empty() ? (request.model.empty() ? options_.model : request.model)
                                        : reader.model();
  result.provider = options_.name;
  result.total_ms = ms_since(start, end);
  result.first_token_ms =
      reader.first_content_at() ? ms_since(start, *reader.first_content_at()) : result.total_ms;
  if (reader.usage()) {
    result.usage = *reader.usage();
  } else {
    result.usage.counted_locally = true;
    for (const ChatMessage& message : request.messages) {
      result.usage.prompt_tokens += static_cast<int64_t>(count_tokens(message.content)) + 4;
    }
    result.usage.completion_tokens = static_cast<int64_t>(count_tokens(result.text));
  }
  return result;
}

}  // namespace ragd
