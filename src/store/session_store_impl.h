// SessionStore::Impl: the state behind SessionStore's header — the shared connection, the
// lazily prepared statements, the analyzer that picks a search query's words, and the
// checks every public call shares (ids, owners, text caps). Private to
// src/store/session_*.cc; not thread-safe, like the SessionStore that owns it.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "common/status.h"
#include "sqlite/statement.h"
#include "store/session_store.h"
#include "text/analyzer.h"

namespace ragd {

enum class SessionSql : size_t {
  kCollectionExists,
  kInsertSession,
  kFindSession,
  kListSessions,
  kListSessionsBefore,
  kDeleteSession,
  kMaxOrdinal,
  kInsertTurn,
  kTouchSession,
  kTurns,
  kGetTurn,
  kSetFeedback,
  kCoveringSummary,
  kInsertSummary,
  kGetSummary,
  kSessionSummaries,
  kSearchSummaries,
  kCount,
};

// The session columns every session query selects, in this order (read by read_session).
#define RAGD_SESSION_COLUMNS                                                        \
  "s.id, s.public_id, s.owner, s.collection_id, s.collection_id IS NULL, s.title, " \
  "s.created_at, s.updated_at, "                                                    \
  "(SELECT COALESCE(MAX(t.ordinal), 0) FROM chat_turns t WHERE t.session_id = s.id)"

// The turn columns every turn query selects, in this order (read by read_turn).
#define RAGD_TURN_COLUMNS                                                           \
  "t.public_id, s.public_id, t.ordinal, t.question, t.rewritten_query, t.answer, "  \
  "t.citations_json, t.strategy, t.model, t.prompt_tokens, t.completion_tokens, "   \
  "t.latency_json, t.feedback_rating, t.feedback_rating IS NULL, t.feedback_text, " \
  "t.created_at"

// The summary columns every summary query selects, in this order (read by read_summary).
#define RAGD_SUMMARY_COLUMNS \
  "m.id, s.public_id, s.title, m.first_ordinal, m.last_ordinal, m.summary, m.created_at"

struct SessionStore::Impl {
  Impl(Store& store, SessionStoreOptions options);

  // The statement for `sql`, prepared on first use and kept for the Impl's lifetime.
  Result<Statement*> statement(SessionSql sql);
  int64_t now() const;
  // Rows changed by the last INSERT, UPDATE or DELETE on the connection.
  int64_t changes() const;
  int64_t last_insert_id() const;

  // The internal id of the owner's session `public_id`; kNotFound for a malformed id, an
  // unknown id and another owner's session alike.
  Result<int64_t> session_id(const std::string& public_id, const std::string& owner);
  Result<SessionInfo> find_session(const std::string& public_id, const std::string& owner,
                                   int64_t* internal_id);

  Status check_owner(const std::string& owner) const;
  // `text` as valid UTF-8 (invalid sequences replaced), or kTooLarge beyond `cap` bytes.
  static Result<std::string> checked_text(std::string_view text, size_t cap, const char* what);
  // `text` (empty: `empty_value`) when it parses as JSON of the wanted kind within `cap`.
  static Result<std::string> checked_json(std::string_view text, size_t cap, bool want_array,
                                          const char* what);

  static SessionInfo read_session(const Statement& row, int64_t* internal_id);
  static TurnInfo read_turn(const Statement& row);
  static SummaryInfo read_summary(const Statement& row);

  Store& store;
  sqlite3* db;
  SessionStoreOptions options;
  // Folded, unstemmed, stopwords dropped: the words of a summary search query, which the
  // FTS5 index stems itself (porter).
  Analyzer query_words;
  std::array<Statement, static_cast<size_t>(SessionSql::kCount)> statements;
  std::array<bool, static_cast<size_t>(SessionSql::kCount)> prepared{};
};

// Whether `id` has the shape of a public id with `prefix` (the prefix and 22 base64url
// characters).
bool looks_like_public_id(std::string_view id, std::string_view prefix);

}  // namespace ragd
