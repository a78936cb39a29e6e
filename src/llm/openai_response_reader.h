// OpenAiResponseReader: builds a chat-completions answer from what an OpenAI-compatible
// server sends: SSE chunks (fed as they arrive) or one whole JSON body. Used by
// OpenAiChatClient; separate so that the parsing can be tested without a network.
//
// Every piece of text handed to on_delta is valid UTF-8 (the server's bytes are repaired
// before JSON parsing). Thread-safety: none; one reader per response.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "llm/llm_provider.h"
#include "net/sse_parser.h"

namespace ragd {

class OpenAiResponseReader {
 public:
  // `on_delta` may be empty; it must outlive the reader.
  explicit OpenAiResponseReader(const DeltaCallback& on_delta);

  // Feeds SSE bytes. Returns false when reading must stop: a malformed event or an error
  // event (error() is set) or the caller's callback returned false (cancelled()).
  bool feed_sse(std::string_view bytes);
  // Reads a whole non-streaming JSON body; false with error() set when it is malformed.
  // The text is handed to on_delta once.
  bool read_whole(std::string_view body);

  bool done() const { return done_; }  // [DONE] seen
  bool cancelled() const { return cancelled_; }
  bool any_content() const { return !text_.empty(); }
  // True once the answer has started or ended: a content delta, a finish_reason or [DONE].
  bool started() const { return !text_.empty() || !finish_reason_.empty() || done_; }
  const std::optional<LlmError>& error() const { return error_; }

  const std::string& text() const { return text_; }
  const std::string& finish_reason() const { return finish_reason_; }
  const std::string& model() const { return model_; }
  const std::optional<TokenUsage>& usage() const { return usage_; }
  // When the first content arrived, if it did.
  const std::optional<std::chrono::steady_clock::time_point>& first_content_at() const {
    return first_content_at_;
  }

 private:
  bool handle_event(const SseEvent& event);
  // Reads one chunk or whole-answer object; `delta_key` is "delta" or "message".
  bool handle_object(std::string_view json_text, const char* delta_key);
  bool emit(std::string_view content);
  bool fail(std::string message);

  const DeltaCallback& on_delta_;
  SseParser parser_;
  std::vector<SseEvent> events_;
  bool done_ = false;
  bool cancelled_ = false;
  std::optional<LlmError> error_;
  std::string text_;
  std::string finish_reason_;
  std::string model_;
  std::optional<TokenUsage> usage_;
  std::optional<std::chrono::steady_clock::time_point> first_content_at_;
};

}  // namespace ragd
