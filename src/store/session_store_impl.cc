// SessionStore::Impl: the SQL of the session tables, statement preparation, public ids and
// the input checks shared by session_store.cc and session_summaries.cc.
#include "store/session_store_impl.h"

#include <openssl/rand.h>
#include <sqlite3.h>

#include <ctime>
#include <nlohmann/json.hpp>
#include <utility>

#include "text/normalize.h"

namespace ragd {
namespace {

constexpr const char* kSql[] = {
    // kCollectionExists
    "SELECT 1 FROM collections WHERE id = ?1",
    // kInsertSession
    "INSERT INTO chat_sessions(public_id, owner, collection_id, title, created_at, updated_at) "
    "VALUES (?1, ?2, ?3, ?4, ?5, ?5)",
    // kFindSession
    "SELECT " RAGD_SESSION_COLUMNS " FROM chat_sessions s WHERE s.public_id = ?1 AND s.owner = ?2",
    // kListSessions
    "SELECT " RAGD_SESSION_COLUMNS
    " FROM chat_sessions s WHERE s.owner = ?1 ORDER BY s.updated_at DESC, s.id DESC LIMIT ?2",
    // kListSessionsBefore
    "SELECT " RAGD_SESSION_COLUMNS
    " FROM chat_sessions s WHERE s.owner = ?1 AND (s.updated_at, s.id) < (?3, ?4) "
    "ORDER BY s.updated_at DESC, s.id DESC LIMIT ?2",
    // kDeleteSession
    "DELETE FROM chat_sessions WHERE id = ?1",
    // kMaxOrdinal
    "SELECT COALESCE(MAX(ordinal), 0) FROM chat_turns WHERE session_id = ?1",
    // kInsertTurn
    "INSERT INTO chat_turns(public_id, session_id, ordinal, question, rewritten_query, answer, "
    "citations_json, strategy, model, prompt_tokens, completion_tokens, latency_json, "
    "created_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)",
    // kTouchSession
    "UPDATE chat_sessions SET updated_at = MAX(updated_at, ?2), "
    "title = CASE WHEN title = '' THEN ?3 ELSE title END WHERE id = ?1",
    // kTurns
    "SELECT " RAGD_TURN_COLUMNS
    " FROM chat_turns t JOIN chat_sessions s ON s.id = t.session_id WHERE t.session_id = ?1 "
    "ORDER BY t.ordinal LIMIT ?2 OFFSET ?3",
    // kGetTurn
    "SELECT " RAGD_TURN_COLUMNS
    " FROM chat_turns t JOIN chat_sessions s ON s.id = t.session_id "
    "WHERE t.public_id = ?1 AND s.owner = ?2",
    // kSetFeedback
    "UPDATE chat_turns SET feedback_rating = ?1, feedback_text = ?2 WHERE public_id = ?3 AND "
    "session_id IN (SELECT id FROM chat_sessions WHERE owner = ?4)",
    // kCoveringSummary
    "SELECT 1 FROM session_summaries WHERE session_id = ?1 AND first_ordinal <= ?2 AND "
    "last_ordinal >= ?3 LIMIT 1",
    // kInsertSummary
    "INSERT INTO session_summaries(session_id, owner, first_ordinal, last_ordinal, summary, "
    "created_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
    // kGetSummary
    "SELECT " RAGD_SUMMARY_COLUMNS
    " FROM session_summaries m JOIN chat_sessions s ON s.id = m.session_id WHERE m.id = ?1",
    // kSessionSummaries
    "SELECT " RAGD_SUMMARY_COLUMNS
    " FROM session_summaries m JOIN chat_sessions s ON s.id = m.session_id "
    "WHERE m.session_id = ?1 ORDER BY m.first_ordinal, m.id",
    // kSearchSummaries: ?1 owner, ?2 excluded session, ?3 the query's OR of quoted words,
    // ?4 max_summaries_searched. The FTS5 index finds the summaries that share a word with
    // the query among the owner's ?4 most recent (owner_key narrows the postings, the joins
    // check the owner exactly) and orders them by bm25() over the summary column (negative,
    // lower is better). ORDER BY rank alone lets FTS5 sort, so rows stream best first and
    // the caller stops after k sessions instead of joining every match; ties by recency are
    // the caller's. A summary that another summary of its session covers (a roll-up) is
    // superseded and left out.
    "SELECT " RAGD_SUMMARY_COLUMNS
    ", -f.rank FROM session_summaries_fts f JOIN session_summaries m ON m.id = f.rowid"
    " JOIN chat_sessions s ON s.id = m.session_id"
    " WHERE f.session_summaries_fts MATCH"
    " 'owner_key : \"o' || hex(?1) || '\" AND summary : (' || ?3 || ')'"
    " AND f.rank MATCH 'bm25(0.0, 1.0)'"
    " AND f.rowid > COALESCE((SELECT id FROM session_summaries WHERE owner = ?1"
    " ORDER BY id DESC LIMIT 1 OFFSET ?4), 0)"
    " AND m.owner = ?1 AND s.owner = ?1 AND s.public_id != ?2 AND NOT EXISTS ("
    "SELECT 1 FROM session_summaries c WHERE c.session_id = m.session_id AND c.id != m.id"
    " AND c.first_ordinal <= m.first_ordinal AND c.last_ordinal >= m.last_ordinal)"
    " ORDER BY f.rank",
};
static_assert(std::size(kSql) == static_cast<size_t>(SessionSql::kCount));

constexpr size_t kPublicIdChars = 22;
constexpr char kBase64Url[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

bool is_base64url(char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
         c == '_';
}

}  // namespace

Result<std::string> make_public_id(const std::string& prefix) {
  unsigned char bytes[16];
  if (RAND_bytes(bytes, sizeof bytes) != 1) {
    return Status::internal("the system's random number generator failed (OpenSSL RAND_bytes)");
  }
  // 128 bits as 22 base64url digits, 6 bits each (the last digit holds 2 bits).
  std::string id = prefix;
  uint32_t buffer = 0;
  int bits = 0;
  for (unsigned char byte : bytes) {
    buffer = (buffer << 8) | byte;
    bits += 8;
    while (bits >= 6) {
      bits -= 6;
      id.push_back(kBase64Url[(buffer >> bits) & 0x3F]);
    }
  }
  if (bits > 0) id.push_back(kBase64Url[(buffer << (6 - bits)) & 0x3F]);
  return id;
}

bool looks_like_public_id(std::string_view id, std::string_view prefix) {
  if (id.size() != prefix.size() + kPublicIdChars || id.substr(0, prefix.size()) != prefix) {
    return false;
  }
  for (char c : id.substr(prefix.size())) {
    if (!is_base64url(c)) return false;
  }
  return true;
}

SessionStore::Impl::Impl(Store& store_in, SessionStoreOptions options_in)
    : store(store_in),
      db(store_in.connection()),
      options(std::move(options_in)),
      query_words(AnalyzerConfig{.stem = false}) {}

Result<Statement*> SessionStore::Impl::statement(SessionSql sql) {
  const size_t index = static_cast<size_t>(sql);
  if (!prepared[index]) {
    auto made = Statement::prepare(db, kSql[index]);
    if (!made) return made.status();
    statements[index] = std::move(*made);
    prepared[index] = true;
  }
  return &statements[index];
}

int64_t SessionStore::Impl::now() const {
  if (options.clock) return options.clock();
  return static_cast<int64_t>(std::time(nullptr));
}

int64_t SessionStore::Impl::changes() const {
  return sqlite3_changes64(db);
}

int64_t SessionStore::Impl::last_insert_id() const {
  return sqlite3_last_insert_rowid(db);
}

Result<SessionInfo> SessionStore::Impl::find_session(const std::string& public_id,
                                                     const std::string& owner,
                                                     int64_t* internal_id) {
  RAGD_RETURN_IF_ERROR(check_owner(owner));
  if (!looks_like_public_id(public_id, "s_")) {
    return Status::not_found("no session '" + repair_utf8(public_id.substr(0, 64)) + "'");
  }
  auto find = statement(SessionSql::kFindSession);
  if (!find) return find.status();
  Statement& s = **find;
  StatementReset reset(s);
  RAGD_RETURN_IF_ERROR(s.bind_all(public_id, owner));
  auto row = s.step();
  if (!row) return row.status();
  if (!*row) return Status::not_found("no session '" + public_id + "'");
  return read_session(s, internal_id);
}

Result<int64_t> SessionStore::Impl::session_id(const std::string& public_id,
                                               const std::string& owner) {
  int64_t id = 0;
  auto found = find_session(public_id, owner, &id);
  if (!found) return found.status();
  return id;
}

Status SessionStore::Impl::check_owner(const std::string& owner) const {
  if (owner.size() > options.max_owner_bytes) {
    return Status::error(
        ErrorCode::kTooLarge,
        "an owner name is longer than " + std::to_string(options.max_owner_bytes) + " bytes");
  }
  if (!is_valid_utf8(owner)) return Status::invalid("an owner name is not valid UTF-8");
  return Status::ok();
}

Result<std::string> SessionStore::Impl::checked_text(std::string_view text, size_t cap,
                                                     const char* what) {
  std::string repaired = is_valid_utf8(text) ? std::string(text) : repair_utf8(text);
  if (repaired.size() > cap) {
    return Status::error(ErrorCode::kTooLarge,
                         std::string("the ") + what + " is " + std::to_string(repaired.size()) +
                             " bytes, more than the limit of " + std::to_string(cap));
  }
  return repaired;
}

Result<std::string> SessionStore::Impl::checked_json(std::string_view text, size_t cap,
                                                     bool want_array, const char* what) {
  if (text.empty()) return std::string(want_array ? "[]" : "{}");
  if (text.size() > cap) {
    return Status::error(ErrorCode::kTooLarge,
                         std::string("the ") + what + " is " + std::to_string(text.size()) +
                             " bytes, more than the limit of " + std::to_string(cap));
  }
  // nlohmann's parser refuses invalid UTF-8 inside strings, so stored JSON is valid UTF-8.
  nlohmann::json parsed = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (parsed.is_discarded() || (want_array ? !parsed.is_array() : !parsed.is_object())) {
    return Status::invalid(std::string("the ") + what + " is not a JSON " +
                           (want_array ? "array" : "object") + " in valid UTF-8");
  }
  return std::string(text);
}

SessionInfo SessionStore::Impl::read_session(const Statement& row, int64_t* internal_id) {
  SessionInfo info;
  if (internal_id != nullptr) *internal_id = row.column_int64(0);
  info.public_id = row.column_text(1);
  info.owner = row.column_text(2);
  if (row.column_int64(4) == 0) info.collection_id = row.column_int64(3);
  info.title = row.column_text(5);
  info.created_at = row.column_int64(6);
  info.updated_at = row.column_int64(7);
  info.turn_count = row.column_int64(8);
  return info;
}

TurnInfo SessionStore::Impl::read_turn(const Statement& row) {
  TurnInfo turn;
  turn.public_id = row.column_text(0);
  turn.session_public_id = row.column_text(1);
  turn.ordinal = row.column_int64(2);
  turn.record.question = row.column_text(3);
  turn.record.rewritten_query = row.column_text(4);
  turn.record.answer = row.column_text(5);
  turn.record.citations_json = row.column_text(6);
  turn.record.strategy = row.column_text(7);
  turn.record.model = row.column_text(8);
  turn.record.prompt_tokens = row.column_int64(9);
  turn.record.completion_tokens = row.column_int64(10);
  turn.record.latency_json = row.column_text(11);
  if (row.column_int64(13) == 0) turn.feedback_rating = static_cast<int>(row.column_int64(12));
  turn.feedback_text = row.column_optional_text(14);
  turn.created_at = row.column_int64(15);
  return turn;
}

SummaryInfo SessionStore::Impl::read_summary(const Statement& row) {
  SummaryInfo summary;
  summary.id = row.column_int64(0);
  summary.session_public_id = row.column_text(1);
  summary.session_title = row.column_text(2);
  summary.first_ordinal = row.column_int64(3);
  summary.last_ordinal = row.column_int64(4);
  summary.text = row.column_text(5);
  summary.created_at = row.column_int64(6);
  return summary;
}

}  // namespace ragd
