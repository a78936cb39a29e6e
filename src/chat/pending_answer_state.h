// The values one answer carries between the phases of AnswerPipeline (internal to the chat
// module: only answer_pipeline.cc and pending_answer.cc include it). Plain values; see
// PendingAnswer for thread-safety.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "chat/answer.h"
#include "chat/context_builder.h"
#include "chat/conversation_memory.h"
#include "chat/domain_router.h"
#include "chat/pending_answer.h"
#include "chat/query_analysis.h"
#include "llm/llm_provider.h"

namespace ragd {

struct PendingAnswer::State {
  using Clock = std::chrono::steady_clock;
  static double ms_since(Clock::time_point start) {
    return std::chrono::duration<double, std::milli>(Clock::now() - start).count();
  }

  AnswerRequest request;
  int64_t collection_id = 0;  // the collection begin() ran against
  Clock::time_point start;    // of begin(): total_ms spans every phase and the waits between
  int32_t today = 0;
  std::string session_id;
  ConversationContext memory;  // released at the end of begin()
  QueryAnalysis analysis;
  DomainRoute route;
  std::string search_query;
  bool retrieval_failed = false;
  BuiltContext context;
  AnswerResult result;  // filled in by every phase

  // Decided by begin().
  bool abstain = false;           // nothing relevant found: result holds the "does not say"
  bool needs_generation = false;  // `completion` is rendered and the LLM is to be asked
  CompletionRequest completion;

  // Set by generate().
  bool generation_ran = false;
  std::optional<CompletionResult> generated;  // the LLM's answer, when it succeeded
};

}  // namespace ragd
