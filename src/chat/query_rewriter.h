// QueryRewriter: turns a follow-up question into one that stands alone, using the earlier
// turns of the conversation, before retrieval. Pronouns ("How much does it cost?", "When did
// she join?", "Are dogs allowed there?") are replaced by what the previous question was about;
// fragments ("What about the Syrah?", "And in 2022?") are resolved by re-asking the previous
// question with the new topic or period in place. A question that needs nothing from the
// conversation is returned unchanged.
//
// The built-in rewriter is heuristic and deterministic. An LLM rewriter may be installed as a
// hook: it is asked first when there is history, and the heuristic answers when it fails,
// throws or returns nothing usable.
//
// Thread-safety: rewrite() is const and may run concurrently; set_llm_hook() must happen
// before the rewriter is shared, and the hook itself must then be thread-safe.
#pragma once

#include <cstdint>
#include <functional>
#include <span>
#include <string>
#include <string_view>

#include "chat/conversation_turn.h"
#include "common/status.h"

namespace ragd {

enum class RewriteMethod {
  kNone,       // unchanged
  kHeuristic,  // pronouns or a fragment resolved by the built-in rules
  kLlm,        // the hook's rewrite
};

const char* rewrite_method_name(RewriteMethod method);

struct QueryRewrite {
  std::string query;  // the question to retrieve with
  bool changed = false;
  RewriteMethod method = RewriteMethod::kNone;
  // What was carried over from the conversation ("the Reserve tier"), for the report.
  std::string carried_over;
};

// (question, earlier turns oldest first) -> a standalone question, or an error.
using LlmRewriteHook =
    std::function<Result<std::string>(std::string_view, std::span<const ConversationTurn>)>;

class QueryRewriter {
 public:
  // Only the last `max_turns` turns are consulted.
  explicit QueryRewriter(size_t max_turns = 3) : max_turns_(max_turns) {}

  void set_llm_hook(LlmRewriteHook hook) { llm_hook_ = std::move(hook); }

  // `history` is oldest first; `today` (days since epoch) resolves time words. Questions
  // longer than 4 KiB are taken as standalone.
  QueryRewrite rewrite(std::string_view question, std::span<const ConversationTurn> history,
                       int32_t today) const;

 private:
  QueryRewrite heuristic(std::string_view question, std::span<const ConversationTurn> history,
                         int32_t today) const;

  size_t max_turns_;
  LlmRewriteHook llm_hook_;
};

}  // namespace ragd
