#include "cli/answer_setup.h"

#include <chrono>
#include <cstdlib>
#include <future>
#include <utility>

#include "chat/collection_pipeline.h"
#include "llm/llm_chain.h"
#include "retrieve/query_router.h"

namespace ragd::cli {

namespace {

std::string env_or(const char* name, const std::string& fallback) {
  const char* value = std::getenv(name);
  return value != nullptr && *value != '\0' ? std::string(value) : fallback;
}


}  // namespace

void add_answer_flags(CLI::App* command, AnswerFlags& flags) {
  command->add_option("--mode", flags.mode, "Retrieval: lexical, dense, hybrid or auto")
      ->default_val("auto");
  command->add_option("-k", flags.k, "Passages retrieved before the context budget")
      ->default_val(8)
      ->check(CLI::Range(1, 100));
  command->add_option("--llm", flags.llm_urls,
                      "OpenAI-compatible server URL (repeat for a fallback chain; URL#model "
                      "names its model). Default: $RAGD_LLM_URL; none: extractive answers");
  command->add_option("--model", flags.model, "Model name sent to the LLM server(s)");
  command->add_option("--api-key", flags.api_key,
                      "API key for the LLM server(s) (default: $RAGD_LLM_API_KEY)");
  command->add_option("--first-token-timeout", flags.first_token_timeout_s,
                      "Seconds to wait for the LLM's first token")
      ->default_val(30)
      ->check(CLI::Range(0.1, 3600.0));
  command->add_option("--timeout", flags.total_timeout_s, "Seconds for a whole LLM answer")
      ->default_val(120)
      ->check(CLI::Range(0.1, 3600.0));
  command->add_option("--prompts", flags.prompts_dir,
                      "Folder of prompt templates (default: $RAGD_PROMPTS_DIR, else built in)");
  command->add_option("--domains", flags.domains_file,
                      "domains.json with the collection's domains (default: the one in the "
                      "collection's source folder, if any)");
  command->add_option("--max-tokens", flags.max_tokens, "Most tokens the LLM may write")
      ->default_val(512)
      ->check(CLI::Range(1, 32768));
  command->add_option("--temperature", flags.temperature, "LLM sampling temperature")
      ->default_val(0.2)
      ->check(CLI::Range(0.0, 2.0));
}

AnswerRequest make_answer_request(const AnswerFlags& flags, std::string question) {
  AnswerRequest request;
  request.question = std::move(question);
  request.k = flags.k;
  request.max_tokens = flags.max_tokens;
  request.temperature = flags.temperature;
  return request;
}

Result<std::shared_ptr<LlmProvider>> make_llm_chain(const AnswerFlags& flags) {
  LlmChainSettings settings;
  settings.urls = flags.llm_urls;
  if (settings.urls.empty()) {
    std::string from_env = env_or("RAGD_LLM_URL", "");
    if (!from_env.empty()) settings.urls.push_back(from_env);
  }
  settings.api_key = flags.api_key.empty() ? env_or("RAGD_LLM_API_KEY", "") : flags.api_key;
  settings.model = flags.model.empty() ? env_or("RAGD_LLM_MODEL", "") : flags.model;
  settings.first_token_timeout_s = flags.first_token_timeout_s;
  settings.total_timeout_s = flags.total_timeout_s;
  return ragd::make_llm_chain(settings);
}

Result<std::unique_ptr<AnswerPipeline>> make_answer_pipeline(CollectionHandle& handle,
                                                             const AnswerFlags& flags) {
  auto mode = parse_search_mode(flags.mode);
  if (!mode.is_ok()) return mode.status();
  auto llm = make_llm_chain(flags);
  if (!llm.is_ok()) return llm.status();
  std::string prompts_dir =
      flags.prompts_dir.empty() ? env_or("RAGD_PROMPTS_DIR", "") : flags.prompts_dir;
  auto prompts = PromptTemplates::load(prompts_dir);
  if (!prompts.is_ok()) return prompts.status();
  CollectionPipelineOptions options;
  options.mode = *mode;
  options.llm = *llm;
  options.prompts = std::move(*prompts);
  if (!flags.domains_file.empty()) {
    auto loaded = load_domain_configs(flags.domains_file);
    if (!loaded.is_ok()) return loaded.status();
    options.domains = std::move(*loaded);
  }
  return make_collection_pipeline(handle, std::move(options));
}

}  // namespace ragd::cli
