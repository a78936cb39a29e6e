#include "llm/openai_response_reader.h"

#include <nlohmann/json.hpp>

#include "text/normalize.h"

namespace ragd {

using nlohmann::json;

namespace {

std::string excerpt(std::string_view text) {
  constexpr size_t kMax = 120;
  std::string out = repair_utf8(text.substr(0, kMax));
  if (text.size() > kMax) out += "...";
  return out;
}

// Token counts as servers send them: non-negative integers; anything else is absent.
std::optional<int64_t> count_field(const json& object, const char* key) {
  auto it = object.find(key);
  if (it == object.end() || !it->is_number_integer()) return std::nullopt;
  const int64_t value = it->get<int64_t>();
  if (value < 0) return std::nullopt;
  return value;
}

}  // namespace

OpenAiResponseReader::OpenAiResponseReader(const DeltaCallback& on_delta) : on_delta_(on_delta) {}

bool OpenAiResponseReader::fail(std::string message) {
  error_ = LlmError{.kind = LlmErrorKind::kProtocol, .message = std::move(message)};
  return false;
}

bool OpenAiResponseReader::feed_sse(std::string_view bytes) {
  if (error_ || cancelled_) return false;
  events_.clear();
  const bool ok = parser_.feed(bytes, events_);
  for (const SseEvent& event : events_) {
    if (!handle_event(event)) return false;
  }
  if (!ok) return fail("the server sent an SSE line or event beyond the size limit");
  return true;
}

bool OpenAiResponseReader::handle_event(const SseEvent& event) {
  if (done_) return true;  // anything after [DONE] is ignored
  std::string_view data = event.data;
  while (!data.empty() && (data.back() == ' ' || data.back() == '\n')) data.remove_suffix(1);
  if (data == "[DONE]") {
    done_ = true;
    return true;
  }
  if (event.type == "error") return fail("the server sent an error event: " + excerpt(data));
  if (event.type != "message") return true;  // other event types carry no completion data
  return handle_object(data, "delta");
}

bool OpenAiResponseReader::handle_object(std::string_view json_text, const char* delta_key) {
  const std::string repaired = repair_utf8(json_text);
  json object = json::parse(repaired, nullptr, /*allow_exceptions=*/false);
  if (object.is_discarded() || !object.is_object()) {
    return fail("the server sent malformed JSON: " + excerpt(json_text));
  }
  if (auto error = object.find("error"); error != object.end() && !error->is_null()) {
    std::string message = error->dump(-1, ' ', false, json::error_handler_t::replace);
    if (error->is_object()) {
      auto text = error->find("message");
      if (text != error->end() && text->is_string()) message = text->get<std::string>();
    }
    return fail("the server reported an error: " + excerpt(message));
  }
  if (auto model = object.find("model"); model != object.end() && model->is_string()) {
    model_ = model->get<std::string>();
  }
  if (auto usage = object.find("usage"); usage != object.end() && usage->is_object()) {
    TokenUsage parsed;
    parsed.prompt_tokens = count_field(*usage, "prompt_tokens").value_or(0);
    parsed.completion_tokens = count_field(*usage, "completion_tokens").value_or(0);
    usage_ = parsed;
  }
  auto choices = object.find("choices");
  if (choices == object.end() || !choices->is_array()) {
    if (usage_) return true;  // a usage-only chunk
    return fail("the server sent an object without choices: " + excerpt(json_text));
  }
  for (const json& choice : *choices) {
    if (!choice.is_object()) return fail("the server sent a malformed choice");
    auto index = choice.find("index");
    if (index != choice.end() && index->is_number_integer() && index->get<int64_t>() != 0) {
      continue;  // ragd asks for one choice; others are not part of the answer
    }
    if (auto reason = choice.find("finish_reason"); reason != choice.end() && reason->is_string()) {
      finish_reason_ = reason->get<std::string>();
    }
    auto delta = choice.find(delta_key);
    if (delta == choice.end() || delta->is_null()) continue;
    if (!delta->is_object()) return fail("the server sent a malformed delta");
    auto content = delta->find("content");
    if (content == delta->end() || content->is_null()) continue;
    if (!content->is_string()) return fail("the server sent non-text content");
    if (!emit(content->get_ref<const std::string&>())) return false;
  }
  return true;
}

bool OpenAiResponseReader::emit(std::string_view content) {
  if (content.empty()) return true;
  if (!first_content_at_) first_content_at_ = std::chrono::steady_clock::now();
  std::string repaired;
  if (!is_valid_utf8(content)) {
    repaired = repair_utf8(content);
    content = repaired;
  }
  text_.append(content);
  if (on_delta_ && !on_delta_(content)) {
    cancelled_ = true;
    return false;
  }
  return true;
}

bool OpenAiResponseReader::read_whole(std::string_view body) {
  // Whole answers are handed out once, at the end, so the delta callback sees the same
  // text it would have seen streamed.
  const DeltaCallback none;
  std::string text;
  {
    OpenAiResponseReader inner(none);
    if (!inner.handle_object(body, "message")) {
      error_ = inner.error_;
      return false;
    }
    if (!inner.usage_ && inner.finish_reason_.empty() && inner.text_.empty()) {
      return fail("the server's answer has no message");
    }
    text = std::move(inner.text_);
    finish_reason_ = std::move(inner.finish_reason_);
    model_ = std::move(inner.model_);
    usage_ = inner.usage_;
  }
  done_ = true;
  return emit(text);
}

}  // namespace ragd
