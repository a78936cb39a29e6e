// ConversationMemory: what a new turn of a chat session remembers — the recent turns
// verbatim within a token budget, the older turns of the session as summaries, and
// summaries of the same owner's earlier sessions that bear on the question (recall).
//
// The window: turns after the last summarised one are kept verbatim while they fit
// `history_token_budget`. When they no longer fit, the oldest are folded into one new
// summary (through SessionStore::add_summary, so each turn is summarised once, in
// batches) until the rest fits `refill_percent` of the budget; the window then grows again
// turn by turn. When the session's summaries together exceed `summary_token_budget`, they
// are rolled up into one summary of all the older turns (stored as well). The first turn of a
// new session closes the owner's most recent other sessions (their unsummarised turns are
// summarised) so that the next recall can find them; continuing such a session later starts
// its window after those turns.
//
// Token counts are count_tokens (text/sentences.h). Guarantees, checked by tests: the
// history's tokens (each message's content plus `message_overhead_tokens`) never exceed
// `history_token_budget`, the session summary never exceeds `summary_token_budget`, the
// recalled texts together never exceed `recall_token_budget`; recall only returns the
// owner's own other sessions.
//
// Thread-safety: not thread-safe (it uses a SessionStore, which is not); use one per
// SessionStore. Concurrent builders on other connections are safe: a summary another one
// already stored is not stored twice.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "chat/conversation_summarizer.h"
#include "chat/conversation_turn.h"
#include "common/status.h"
#include "llm/chat_message.h"
#include "store/session_store.h"

namespace ragd {

struct MemoryOptions {
  size_t history_token_budget = 1200;
  size_t message_overhead_tokens = 4;  // per message, for the chat template's role markers
  size_t refill_percent = 50;          // the window's size, in % of the budget, after a fold
  size_t max_window_turns = 40;        // more unsummarised turns than this are folded
  size_t fold_token_budget = 200;      // each new summary of folded turns
  size_t summary_token_budget = 400;   // the session summary as given to the prompt
  size_t recall_k = 3;                 // earlier sessions recalled at most
  size_t recall_token_budget = 300;    // all recalled texts together
  size_t sessions_to_close = 3;        // closed when a new session starts
  bool strip_citation_markers = true;  // from answers in the history ([n] named old passages)
  ExtractiveSummaryOptions extractive;
};

// A summary of an earlier session that bears on the current question.
struct RecalledMemory {
  std::string session_public_id;
  std::string session_title;
  std::string date;  // ISO date (UTC) the summary was written
  std::string text;  // possibly cut to the recall budget
  double score = 0;  // BM25 against the question
};

struct ConversationContext {
  // The window, oldest first: the same turns as stored and as user/assistant messages.
  std::vector<ConversationTurn> turns;
  std::vector<ChatMessage> history;
  int64_t first_window_ordinal = 0;  // ordinal of turns[0]; turn_count + 1 when empty
  size_t history_tokens = 0;         // sum of count_tokens(content) + overhead per message
  // The session's turns before the window, summarised; empty when there are none.
  std::string session_summary;
  std::vector<RecalledMemory> memories;  // best first
  // Non-fatal trouble (a summariser that failed and was replaced by the extractive one).
  std::vector<std::string> warnings;
};

// The memories as a block of text for a prompt, one per line:
// "- [<date>, session "<title>"] <text>". Empty for no memories.
std::string render_memories(const std::vector<RecalledMemory>& memories);

class ConversationMemory {
 public:
  // `summarizer` empty: the extractive summary.
  explicit ConversationMemory(SessionStore& sessions, MemoryOptions options = {},
                              Summarizer summarizer = {});

  // The memory for a new question in the owner's session (the question itself is not a
  // stored turn yet). Writes the summaries that became due. kNotFound for a session that is
  // not the owner's; store failures are returned, summariser failures are warnings.
  Result<ConversationContext> build(const std::string& session_public_id, const std::string& owner,
                                    const std::string& question);

  // Summarises the session's turns that no summary covers yet (nothing when there are none).
  Status close_session(const std::string& session_public_id, const std::string& owner);

  const MemoryOptions& options() const { return options_; }

 private:
  struct Coverage;
  Result<Coverage> coverage(const std::string& session_public_id, const std::string& owner);
  Result<std::string> summarize(const SummaryRequest& request, std::vector<std::string>* warnings);
  Status fold(const std::string& session_public_id, const std::string& owner, int64_t first,
              int64_t last, std::vector<TurnInfo> turns, std::vector<std::string>* warnings);
  Status close_other_sessions(const std::string& session_public_id, const std::string& owner);
  Result<std::vector<RecalledMemory>> recall(const std::string& session_public_id,
                                             const std::string& owner, const std::string& question);

  SessionStore& sessions_;
  MemoryOptions options_;
  Summarizer summarizer_;
};

}  // namespace ragd
