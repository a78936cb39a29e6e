// OpenAiChatClient: an LlmProvider for any OpenAI-compatible chat-completions server
// (llama.cpp server, vLLM, Ollama, LM Studio, OpenAI, ...): POST {base}/v1/chat/completions.
//
// Streaming reads the SSE stream incrementally (SseParser): `data: {json}` chunks carry
// choices[0].delta.content and finish_reason, a final chunk may carry usage (requested with
// stream_options.include_usage), `data: [DONE]` ends it. A stream that ends before [DONE]
// is a failure (kConnectionLost) unless a finish_reason arrived. A server that answers a
// streaming request with plain JSON is read as a non-streaming answer.
//
// Sampling parameters are clamped before sending (see CompletionRequest); stop sequences
// are sent to the server (at most 4), not enforced locally. Invalid UTF-8 from the server
// is replaced with U+FFFD before parsing, so deltas are always valid UTF-8. Usage comes
// from the server when it sends it, else is counted locally with count_tokens
// (usage.counted_locally). Timeouts map to kTimeoutConnect / kTimeoutFirstToken (no content
// delta, or no head for non-streaming calls, within first_token_timeout) / kTimeoutIdle /
// kTimeoutTotal.
//
// Thread-safety: complete() may be called from many threads at once.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

#include "llm/llm_provider.h"
#include "net/http_client.h"

namespace ragd {

struct OpenAiChatOptions {
  std::string name = "openai";  // reported in results, errors and metrics
  // "http://host:port" (the client appends /v1/chat/completions) or a URL ending in /v1.
  std::string base_url;
  std::string api_key;  // sent as "Authorization: Bearer ..." when non-empty
  std::string model;    // used when the request names none
  std::chrono::milliseconds connect_timeout{5'000};
  std::chrono::milliseconds first_token_timeout{60'000};
  std::chrono::milliseconds idle_timeout{60'000};  // 0: none
  std::chrono::milliseconds total_timeout{300'000};
  uint64_t max_response_bytes = 16u << 20;
  int max_tokens_limit = 32'768;
  bool request_usage = true;  // ask for the final usage chunk when streaming
  bool verify_tls = true;
  std::string ca_file;
  std::vector<HttpHeader> extra_headers;
};

class OpenAiChatClient final : public LlmProvider {
 public:
  explicit OpenAiChatClient(OpenAiChatOptions options);

  CompletionOutcome complete(const CompletionRequest& request, const DeltaCallback& on_delta,
                             const std::atomic<bool>* cancel = nullptr) override;
  const std::string& name() const override { return options_.name; }

  // The endpoint URL and the JSON body that complete() sends for `request` (after
  // clamping and UTF-8 repair).
  const std::string& endpoint() const { return endpoint_; }
  std::string request_json(const CompletionRequest& request) const;

 private:
  OpenAiChatOptions options_;
  std::string endpoint_;
  HttpClient http_;
};

}  // namespace ragd
