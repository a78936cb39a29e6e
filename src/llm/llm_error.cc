#include "llm/llm_provider.h"

namespace ragd {

const char* llm_error_kind_name(LlmErrorKind kind) {
  switch (kind) {
    case LlmErrorKind::kInvalidRequest:
      return "invalid_request";
    case LlmErrorKind::kConnect:
      return "connect";
    case LlmErrorKind::kConnectionLost:
      return "connection_lost";
    case LlmErrorKind::kTls:
      return "tls";
    case LlmErrorKind::kTimeoutConnect:
      return "timeout_connect";
    case LlmErrorKind::kTimeoutFirstToken:
      return "timeout_first_token";
    case LlmErrorKind::kTimeoutIdle:
      return "timeout_idle";
    case LlmErrorKind::kTimeoutTotal:
      return "timeout_total";
    case LlmErrorKind::kHttpStatus:
      return "http_status";
    case LlmErrorKind::kRateLimited:
      return "rate_limited";
    case LlmErrorKind::kProtocol:
      return "protocol";
    case LlmErrorKind::kTooLarge:
      return "too_large";
    case LlmErrorKind::kCancelled:
      return "cancelled";
    case LlmErrorKind::kCircuitOpen:
      return "circuit_open";
  }
  return "unknown";
}

bool LlmError::retryable() const {
  switch (kind) {
    case LlmErrorKind::kConnect:
    case LlmErrorKind::kConnectionLost:
    case LlmErrorKind::kTimeoutConnect:
    case LlmErrorKind::kTimeoutFirstToken:
    case LlmErrorKind::kTimeoutIdle:
    case LlmErrorKind::kTimeoutTotal:
    case LlmErrorKind::kRateLimited:
      return true;
    case LlmErrorKind::kHttpStatus:
      return http_status >= 500 && http_status <= 599;
    default:
      return false;
  }
}

bool LlmError::counts_as_provider_failure() const {
  return kind != LlmErrorKind::kCancelled && kind != LlmErrorKind::kInvalidRequest &&
         kind != LlmErrorKind::kCircuitOpen;
}

std::string LlmError::to_string() const {
  std::string out = llm_error_kind_name(kind);
  if (http_status != 0) out += " " + std::to_string(http_status);
  out += ": " + message;
  return out;
}

}  // namespace ragd
