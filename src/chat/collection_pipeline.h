// Builds the AnswerPipeline of one open collection: retrieval through the collection's
// lexical and vector indexes (each search in its own read snapshot after catching the
// indexes up), collection statistics for the extractive answerer, the collection's embedding
// model for semantic citation checks, its domains, prompts and the LLM chain. Shared by the
// CLI (ask, chat, eval qa) and the HTTP server (one pipeline per worker thread).
// Thread-safety: the pipeline, like the handle, belongs to one thread; the LLM provider may
// be shared by many pipelines.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "chat/answer_pipeline.h"
#include "chat/domain_config.h"
#include "chat/prompt_templates.h"
#include "jobs/collection_handle.h"
#include "retrieve/query_router.h"

namespace ragd {

struct CollectionPipelineOptions {
  SearchMode mode = SearchMode::kAuto;
  std::shared_ptr<LlmProvider> llm;  // null: extractive answers
  PromptTemplates prompts;
  // The collection's domains; when not given, those stored with the collection (see
  // domains_state_key), if any.
  std::optional<std::vector<DomainConfig>> domains;
};

// `handle` must outlive the pipeline.
Result<std::unique_ptr<AnswerPipeline>> make_collection_pipeline(CollectionHandle& handle,
                                                                 CollectionPipelineOptions options);

// The store state key under which a collection's domains.json is kept.
std::string domains_state_key(int64_t collection_id);

}  // namespace ragd
