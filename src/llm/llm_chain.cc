#include "llm/llm_chain.h"

#include <chrono>

#include "llm/fallback_chain.h"
#include "llm/openai_chat_client.h"

namespace ragd {

namespace {

std::chrono::milliseconds seconds(double s) {
  return std::chrono::milliseconds(static_cast<int64_t>(s * 1000));
}

}  // namespace

Result<std::shared_ptr<LlmProvider>> make_llm_chain(const LlmChainSettings& settings) {
  if (settings.urls.empty()) return std::shared_ptr<LlmProvider>();
  std::vector<FallbackEntry> entries;
  for (size_t i = 0; i < settings.urls.size(); ++i) {
    OpenAiChatOptions options;
    std::string url = settings.urls[i];
    size_t hash = url.find('#');
    options.model = settings.model;
    if (hash != std::string::npos) {
      options.model = url.substr(hash + 1);
      url = url.substr(0, hash);
    }
    if (url.rfind("http://", 0) != 0 && url.rfind("https://", 0) != 0) {
      return Status::invalid("an LLM URL must start with http:// or https://, got '" +
                             settings.urls[i] + "'");
    }
    options.name = "llm" + std::to_string(i + 1);
    options.base_url = url;
    options.api_key = settings.api_key;
    options.first_token_timeout = seconds(settings.first_token_timeout_s);
    options.idle_timeout = seconds(settings.first_token_timeout_s);
    options.total_timeout = seconds(settings.total_timeout_s);
    FallbackEntry entry;
    entry.provider = std::make_shared<OpenAiChatClient>(std::move(options));
    entries.push_back(std::move(entry));
  }
  return std::shared_ptr<LlmProvider>(std::make_shared<FallbackChain>(std::move(entries)));
}

}  // namespace ragd
