// SessionStore: chat sessions, their turns, feedback and conversation summaries in the
// embedded store (schema version 4: chat_sessions, chat_turns, session_summaries and its
// FTS5 index session_summaries_fts).
//
// Identity and ownership: clients see only random public ids ("s_" / "m_" + 22 base64url
// characters, 128 bits from OpenSSL's RAND_bytes); row ids stay internal. Every call names
// the owner, and a session, turn or summary of another owner is reported exactly like one
// that does not exist (kNotFound), so ids cannot be probed across owners.
//
// Text: question, answer and the other free text are stored as valid UTF-8 (invalid
// sequences replaced with U+FFFD); text beyond the configured caps is refused (kTooLarge);
// the JSON fields must parse (kInvalidArgument). Timestamps are unix seconds from the
// options' clock.
//
// Concurrency: a SessionStore shares its Store's connection, and so its transactions (a
// call made inside Store::in_transaction joins it), and, like the Store, is NOT
// thread-safe; use one per Store, and do not let it outlive the Store. Several processes
// or threads, each with its own Store, may append to one session at once: ordinals are
// assigned inside a write transaction, so they never collide and stay contiguous.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "common/status.h"
#include "store/store.h"

namespace ragd {

struct SessionStoreOptions {
  std::function<int64_t()> clock;  // unix seconds; the system clock when empty
  size_t max_owner_bytes = 256;
  size_t max_title_bytes = 200;  // longer titles are cut at a character boundary
  size_t max_question_bytes = 64 * 1024;
  size_t max_answer_bytes = 1024 * 1024;
  size_t max_json_bytes = 1024 * 1024;  // citations_json, latency_json
  size_t max_label_bytes = 256;         // strategy, model
  size_t max_feedback_bytes = 4000;
  size_t max_summary_bytes = 64 * 1024;
  // search_summaries considers only the owner's most recent summaries, at most this many
  // (superseded ones and those of the excluded session included in the count), so its cost
  // stays bounded for an owner with a long history; 0 finds nothing.
  size_t max_summaries_searched = 2000;
};

struct SessionInfo {
  std::string public_id;  // "s_..."
  std::string owner;
  std::optional<int64_t> collection_id;
  std::string title;
  int64_t created_at = 0;
  int64_t updated_at = 0;  // the last appended turn, or creation
  int64_t turn_count = 0;  // also the highest ordinal: ordinals are 1..turn_count
};

// What the answer pipeline records for one question.
struct TurnRecord {
  std::string question;
  std::string rewritten_query;
  std::string answer;
  std::string citations_json = "[]";  // a JSON array; empty means "[]"
  std::string strategy;               // the rung that answered (e.g. "rag", "extractive")
  std::string model;
  int64_t prompt_tokens = 0;
  int64_t completion_tokens = 0;
  std::string latency_json = "{}";  // a JSON object; empty means "{}"
};

struct TurnInfo {
  std::string public_id;  // "m_..."
  std::string session_public_id;
  int64_t ordinal = 0;  // 1-based position in the session
  TurnRecord record;
  std::optional<int> feedback_rating;  // 1..5
  std::optional<std::string> feedback_text;
  int64_t created_at = 0;
};

// A summary of the turns first_ordinal..last_ordinal of one session. Summaries may nest (a
// roll-up covering earlier summaries); the store keeps them all, and search_summaries
// searches only those no other summary of the session covers.
struct SummaryInfo {
  int64_t id = 0;  // internal; orders summaries by creation
  std::string session_public_id;
  std::string session_title;
  int64_t first_ordinal = 0;
  int64_t last_ordinal = 0;
  std::string text;
  int64_t created_at = 0;
};

struct SummaryHit {
  SummaryInfo summary;
  double score = 0;
};

// One page of list_sessions(); `next_cursor` is set when more sessions may follow.
struct SessionPage {
  std::vector<SessionInfo> sessions;
  std::optional<std::string> next_cursor;  // opaque; pass back as `before`
};

class SessionStore {
 public:
  explicit SessionStore(Store& store, SessionStoreOptions options = {});
  ~SessionStore();
  SessionStore(const SessionStore&) = delete;
  SessionStore& operator=(const SessionStore&) = delete;

  // Sessions. An empty title is derived from the first question appended. A collection id
  // that does not exist is kNotFound.
  Result<SessionInfo> create_session(const std::string& owner, std::optional<int64_t> collection_id,
                                     const std::string& title);
  Result<SessionInfo> get_session(const std::string& public_id, const std::string& owner);
  // The owner's sessions, most recently updated first (ties: most recently created first),
  // at most `limit` (1..1000), after the page that returned `before` when one is given.
  // A malformed cursor is kInvalidArgument.
  Result<SessionPage> list_sessions(const std::string& owner, size_t limit,
                                    const std::optional<std::string>& before = std::nullopt);
  // Deletes the session with its turns and summaries.
  Status delete_session(const std::string& public_id, const std::string& owner);

  // Turns. append_turn assigns the next ordinal and updates the session's updated_at (and
  // its title when empty) in one transaction.
  Result<TurnInfo> append_turn(const std::string& session_public_id, const std::string& owner,
                               const TurnRecord& record);
  // Turns in ordinal order, skipping the first `offset`, at most `limit`.
  Result<std::vector<TurnInfo>> turns(const std::string& session_public_id,
                                      const std::string& owner, size_t limit, size_t offset = 0);
  Result<TurnInfo> get_turn(const std::string& turn_public_id, const std::string& owner);
  // Records (or replaces) the owner's rating (1..5, else kInvalidArgument) and optional
  // text (empty: none) of a turn.
  Status set_feedback(const std::string& turn_public_id, const std::string& owner, int rating,
                      const std::string& text);

  // Summaries. add_summary needs 1 <= first <= last <= the session's turn count
  // (kInvalidArgument) and non-empty text; a range already covered by one summary of the
  // session is kAlreadyExists (so two writers racing to summarise the same turns store it
  // once). Returns the new summary.
  Result<SummaryInfo> add_summary(const std::string& session_public_id, const std::string& owner,
                                  int64_t first_ordinal, int64_t last_ordinal,
                                  const std::string& text);
  // The session's summaries ordered by first_ordinal, then creation.
  Result<std::vector<SummaryInfo>> summaries_for_session(const std::string& session_public_id,
                                                         const std::string& owner);
  // The owner's summaries (among the most recent max_summaries_searched) ranked for
  // `query` by SQLite FTS5's bm25() (k1 1.2, b 0.75; porter unicode61 tokens: lower case,
  // accents folded, English stemming), at most `k`, at most one per session (its best),
  // best first, ties broken by recency; `score` is the negated bm25(), positive, higher is
  // better. The query's words are those of ragd's English Analyzer without stemming
  // (stopwords dropped, the first 64 distinct words kept), each matched as a plain word or
  // phrase: FTS5 syntax in the query is read as plain words. Left out: other owners' summaries,
  // summaries of `exclude_session_public_id`, summaries that share no word with the query,
  // and superseded summaries (covered by another summary of their session, such as a
  // roll-up). An empty, stopword-only or unreadable query returns no hits, not an error.
  // The corpus statistics of bm25() (document count, average length, word frequencies)
  // are those of all owners' summaries: scores, and so the order, depend slightly on other
  // owners' summaries; which summaries can be returned never does.
  Result<std::vector<SummaryHit>> search_summaries(
      const std::string& owner, const std::string& query, size_t k,
      const std::string& exclude_session_public_id = "");

  int64_t now() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// A new random public id: `prefix` followed by 22 base64url characters (128 bits).
Result<std::string> make_public_id(const std::string& prefix);

// A session title from a question: one line, cut at a word boundary to at most `max_bytes`
// bytes (an ellipsis marks the cut).
std::string title_from_question(const std::string& question, size_t max_bytes);

}  // namespace ragd
