// LlmProvider: the interface every text generator behind ragd's answers implements (an
// OpenAI-compatible server, a fallback chain of them), with the request, result and
// failure values they exchange.
//
// Contract for implementations:
//  - complete() blocks until the answer is complete, failed or cancelled, and never throws;
//  - when request.stream is true, text is handed to on_delta as it arrives (valid UTF-8,
//    in order, concatenating to CompletionResult::text); on_delta returning false cancels
//    the call (failure kind kCancelled). Non-streaming calls hand the whole text to
//    on_delta once, on success;
//  - `cancel` (may be null) is checked while waiting; setting it ends the call promptly;
//  - a failure says whether deltas had already been handed out (partial_output), because
//    then the caller must not retry or switch providers silently.
//
// Thread-safety: implementations allow concurrent complete() calls.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "llm/chat_message.h"
#include "net/outcome.h"

namespace ragd {

struct CompletionRequest {
  std::vector<ChatMessage> messages;
  std::string model;              // empty: the provider's configured model
  int max_tokens = 512;           // clamped by providers to [1, their limit]
  double temperature = 0.2;       // clamped to [0, 2]; not finite -> 0.2
  double top_p = 1.0;             // clamped to [0.01, 1]; not finite -> 1
  std::vector<std::string> stop;  // at most 4 non-empty sequences are sent
  bool stream = true;
  std::string traceparent;  // W3C trace context, forwarded when non-empty
};

struct TokenUsage {
  int64_t prompt_tokens = 0;
  int64_t completion_tokens = 0;
  bool counted_locally = false;  // the provider sent no usage; counted with count_tokens
};

struct CompletionResult {
  std::string text;
  std::string finish_reason;  // "stop", "length", ... as the provider said; may be empty
  std::string model;          // the model that answered, as the provider named it
  TokenUsage usage;
  double first_token_ms = 0;  // from the start of the call to the first delta
  double total_ms = 0;
  std::string provider;  // the name of the provider that answered
};

enum class LlmErrorKind {
  kInvalidRequest,  // nothing to send (no messages), or a bad URL: not retryable
  kConnect,         // DNS or TCP connect failed
  kConnectionLost,  // the connection closed before the answer completed
  kTls,             // TLS handshake or certificate failure: a setup problem
  kTimeoutConnect,
  kTimeoutFirstToken,  // no first token within the first-token timeout
  kTimeoutIdle,        // the stream stalled between tokens longer than the idle timeout
  kTimeoutTotal,
  kHttpStatus,   // a non-2xx status other than 429 (see http_status)
  kRateLimited,  // 429 (see retry_after)
  kProtocol,     // malformed response: wrong content type, bad JSON or SSE
  kTooLarge,     // the response exceeded the size limit
  kCancelled,    // the caller cancelled
  kCircuitOpen,  // the provider's circuit breaker refused the call
};

const char* llm_error_kind_name(LlmErrorKind kind);

struct LlmError {
  LlmErrorKind kind = LlmErrorKind::kProtocol;
  std::string message;                                   // for people: what failed and why
  std::string provider;                                  // the provider that failed
  int http_status = 0;                                   // for kHttpStatus and kRateLimited
  std::optional<std::chrono::milliseconds> retry_after;  // from a Retry-After header
  bool partial_output = false;  // deltas had already been handed to the caller

  // Timeouts, connection failures, 429 and 5xx: worth another attempt (when no output was
  // handed out yet; the retry policy checks that too).
  bool retryable() const;
  // Whether this failure counts against the provider's circuit breaker (cancellations and
  // the caller's own bad requests do not).
  bool counts_as_provider_failure() const;
  std::string to_string() const;  // "<kind>: <message>"
};

using CompletionOutcome = Outcome<CompletionResult, LlmError>;
// Receives streamed text; false cancels the call.
using DeltaCallback = std::function<bool(std::string_view delta)>;

class LlmProvider {
 public:
  virtual ~LlmProvider() = default;
  virtual CompletionOutcome complete(const CompletionRequest& request,
                                     const DeltaCallback& on_delta,
                                     const std::atomic<bool>* cancel = nullptr) = 0;
  virtual const std::string& name() const = 0;
};

}  // namespace ragd
