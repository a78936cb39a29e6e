// What `ragd ask`, `ragd chat` and `ragd eval qa` share: the flags that configure answering
// (retrieval mode, LLM providers, prompts, domains) and the construction of an AnswerPipeline
// over an open collection.
#pragma once

#include <CLI/CLI.hpp>

#include <memory>
#include <string>
#include <vector>

#include "chat/answer_pipeline.h"
#include "chat/collection_pipeline.h"
#include "jobs/collection_handle.h"

namespace ragd::cli {

struct AnswerFlags {
  std::string mode = "auto";
  size_t k = 8;
  std::vector<std::string> llm_urls;  // fallback order; "URL" or "URL#model"
  std::string model;                  // for URLs without "#model"
  std::string api_key;                // default: $RAGD_LLM_API_KEY
  double first_token_timeout_s = 30;
  double total_timeout_s = 120;
  std::string prompts_dir;            // default: $RAGD_PROMPTS_DIR, else built-in prompts
  std::string domains_file;           // a domains.json; default: the one ingested with the collection
  int max_tokens = 512;
  double temperature = 0.2;
};

// Registers the flags above on `command`.
void add_answer_flags(CLI::App* command, AnswerFlags& flags);

// A request for `question` carrying the flags' answering settings (k, max_tokens,
// temperature); session, persistence and filters keep AnswerRequest's defaults for the
// caller to set.
AnswerRequest make_answer_request(const AnswerFlags& flags, std::string question);

// The LLM chain for the flags ($RAGD_LLM_URL when no --llm is given); null for none.
Result<std::shared_ptr<LlmProvider>> make_llm_chain(const AnswerFlags& flags);

// A pipeline over `handle` (which must outlive it). Retrieval runs each search inside its own
// read snapshot after catching the indexes up, so the pipeline may write turns in between.
Result<std::unique_ptr<AnswerPipeline>> make_answer_pipeline(CollectionHandle& handle,
                                                             const AnswerFlags& flags);

// The store state key under which `ragd ingest` keeps the domains.json of a collection's
// source folder (the collection's default domains).
using ragd::domains_state_key;

}  // namespace ragd::cli
