// The LLM provider chain ragd answers with: one OpenAI-compatible client per URL, tried in
// order (FallbackChain, each with its own retries and circuit breaker).
// Thread-safety: the returned provider allows concurrent calls.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "common/status.h"
#include "llm/llm_provider.h"

namespace ragd {

struct LlmChainSettings {
  std::vector<std::string> urls;  // fallback order; "URL" or "URL#model"
  std::string model;              // for URLs without "#model"
  std::string api_key;
  double first_token_timeout_s = 30;  // also the idle timeout between tokens
  double total_timeout_s = 120;
};

// Null when no URL is given; kInvalidArgument for a URL that is not http(s).
Result<std::shared_ptr<LlmProvider>> make_llm_chain(const LlmChainSettings& settings);

}  // namespace ragd
