// Conversation summaries: the Summarizer interface ConversationMemory calls when older turns
// leave the history window, the extractive default (no model), and the token-budget text
// helpers both use. Token counts are text/sentences.h count_tokens throughout.
//
// Thread-safety: the free functions are pure and thread-safe. A Summarizer is called from
// the thread that uses its ConversationMemory; one that is shared must be thread-safe itself.
#pragma once

#include <cstddef>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "chat/conversation_turn.h"
#include "common/status.h"

namespace ragd {

// What to summarise: turns that left the window, and, for a roll-up, the earlier summaries
// being merged (both oldest first; either may be empty).
struct SummaryRequest {
  std::vector<ConversationTurn> turns;
  std::vector<std::string> summaries;
  size_t token_budget = 0;  // the summary should have at most this many tokens
};

// Returns the summary text, or an error (ConversationMemory then falls back to the
// extractive summary and reports a warning). An LLM summariser plugs in here; output over
// the budget is cut to it.
using Summarizer = std::function<Result<std::string>(const SummaryRequest&)>;

struct ExtractiveSummaryOptions {
  size_t answer_sentences = 1;  // leading sentences of each answer kept
};

// The default summariser, deterministic: one line per item, earlier summaries as they are,
// then "Q: <question> A: <first sentence(s) of the answer>" per turn (the resolved question;
// citation markers removed; whitespace collapsed). When the lines exceed the budget, every
// line is cut to a common cap, the largest that fits (long lines give way first; short ones
// stay whole). Never more than `request.token_budget` tokens; empty when the budget is 0.
std::string extractive_summary(const SummaryRequest& request,
                               const ExtractiveSummaryOptions& options = {});

// The longest prefix of `text` (cut at a word boundary when one is in the second half,
// else at a character boundary) that, with an ellipsis appended when cut, has at most
// `budget` tokens. `text` itself when it fits; empty when not even one character does.
std::string fit_to_tokens(std::string_view text, size_t budget);

// `texts` cut so that their tokens together are at most `budget`: each to a common cap, the
// largest that fits (long texts give way first; short ones stay whole). Same size and order
// as `texts`; a text may become empty.
std::vector<std::string> fit_all_to_tokens(const std::vector<std::string>& texts, size_t budget);

}  // namespace ragd
