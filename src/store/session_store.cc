// SessionStore: sessions, turns and feedback. Summaries are in session_summaries.cc.
#include "store/session_store.h"

#include <charconv>
#include <limits>
#include <utility>

#include "store/session_store_impl.h"
#include "text/normalize.h"

namespace ragd {
namespace {

constexpr size_t kMaxListLimit = 1000;
constexpr char kEllipsis[] = "\xE2\x80\xA6";  // U+2026

// Largest cut <= `limit` that does not split a UTF-8 sequence.
size_t char_boundary(std::string_view text, size_t limit) {
  if (limit >= text.size()) return text.size();
  while (limit > 0 && (static_cast<unsigned char>(text[limit]) & 0xC0) == 0x80) --limit;
  return limit;
}

std::string make_cursor(const SessionInfo& last, int64_t last_id) {
  return std::to_string(last.updated_at) + "." + std::to_string(last_id);
}

bool parse_int64(std::string_view text, int64_t* value) {
  if (text.empty()) return false;
  auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), *value);
  return error == std::errc() && end == text.data() + text.size();
}

bool parse_cursor(std::string_view cursor, int64_t* updated_at, int64_t* id) {
  const size_t dot = cursor.find('.');
  if (dot == std::string_view::npos) return false;
  return parse_int64(cursor.substr(0, dot), updated_at) && parse_int64(cursor.substr(dot + 1), id);
}

int64_t clamp_to_int64(size_t value) {
  constexpr auto kMax = static_cast<size_t>(std::numeric_limits<int64_t>::max());
  return static_cast<int64_t>(value > kMax ? kMax : value);
}

}  // namespace

std::string title_from_question(const std::string& question, size_t max_bytes) {
  std::string line = clean_line(question);
  if (line.size() <= max_bytes) return line;
  const size_t ellipsis = sizeof(kEllipsis) - 1;
  if (max_bytes <= ellipsis) return line.substr(0, char_boundary(line, max_bytes));
  size_t cut = char_boundary(line, max_bytes - ellipsis);
  const size_t space = line.rfind(' ', cut);
  // A word boundary unless it would leave less than half the room used.
  if (space != std::string::npos && space > 0 && space >= cut / 2) cut = space;
  std::string title = line.substr(0, cut);
  while (!title.empty() && title.back() == ' ') title.pop_back();
  return title + kEllipsis;
}

SessionStore::SessionStore(Store& store, SessionStoreOptions options)
    : impl_(std::make_unique<Impl>(store, std::move(options))) {}

SessionStore::~SessionStore() = default;

int64_t SessionStore::now() const {
  return impl_->now();
}

Result<SessionInfo> SessionStore::create_session(const std::string& owner,
                                                 std::optional<int64_t> collection_id,
                                                 const std::string& title) {
  Impl& m = *impl_;
  RAGD_RETURN_IF_ERROR(m.check_owner(owner));
  std::string clean_title = title_from_question(repair_utf8(title), m.options.max_title_bytes);
  auto public_id = make_public_id("s_");
  if (!public_id) return public_id.status();
  Status status = m.store.in_transaction([&]() -> Status {
    if (collection_id) {
      auto exists = m.statement(SessionSql::kCollectionExists);
      if (!exists) return exists.status();
      StatementReset reset(**exists);
      RAGD_RETURN_IF_ERROR((*exists)->bind_all(*collection_id));
      auto row = (*exists)->step();
      if (!row) return row.status();
      if (!*row)
        return Status::not_found("no collection with id " + std::to_string(*collection_id));
    }
    auto insert = m.statement(SessionSql::kInsertSession);
    if (!insert) return insert.status();
    Statement& s = **insert;
    StatementReset reset(s);
    RAGD_RETURN_IF_ERROR(s.bind_all(*public_id, owner));
    RAGD_RETURN_IF_ERROR(collection_id ? s.bind(3, *collection_id) : s.bind(3, nullptr));
    RAGD_RETURN_IF_ERROR(s.bind(4, clean_title));
    RAGD_RETURN_IF_ERROR(s.bind(5, m.now()));
    return s.run();
  });
  if (!status) return status;
  return get_session(*public_id, owner);
}

Result<SessionInfo> SessionStore::get_session(const std::string& public_id,
                                              const std::string& owner) {
  return impl_->find_session(public_id, owner, nullptr);
}

Result<SessionPage> SessionStore::list_sessions(const std::string& owner, size_t limit,
                                                const std::optional<std::string>& before) {
  Impl& m = *impl_;
  RAGD_RETURN_IF_ERROR(m.check_owner(owner));
  if (limit == 0 || limit > kMaxListLimit) {
    return Status::invalid("a session list limit must be 1.." + std::to_string(kMaxListLimit));
  }
  int64_t cursor_time = 0;
  int64_t cursor_id = 0;
  if (before && !parse_cursor(*before, &cursor_time, &cursor_id)) {
    return Status::invalid("malformed session list cursor; pass back a next_cursor unchanged");
  }
  auto list = m.statement(before ? SessionSql::kListSessionsBefore : SessionSql::kListSessions);
  if (!list) return list.status();
  Statement& s = **list;
  StatementReset reset(s);
  RAGD_RETURN_IF_ERROR(s.bind_all(owner, static_cast<int64_t>(limit)));
  if (before) {
    RAGD_RETURN_IF_ERROR(s.bind(3, cursor_time));
    RAGD_RETURN_IF_ERROR(s.bind(4, cursor_id));
  }
  SessionPage page;
  int64_t last_id = 0;
  for (;;) {
    auto row = s.step();
    if (!row) return row.status();
    if (!*row) break;
    page.sessions.push_back(Impl::read_session(s, &last_id));
  }
  if (page.sessions.size() == limit) page.next_cursor = make_cursor(page.sessions.back(), last_id);
  return page;
}

Status SessionStore::delete_session(const std::string& public_id, const std::string& owner) {
  Impl& m = *impl_;
  return m.store.in_transaction([&]() -> Status {
    auto id = m.session_id(public_id, owner);
    if (!id) return id.status();
    auto remove = m.statement(SessionSql::kDeleteSession);
    if (!remove) return remove.status();
    StatementReset reset(**remove);
    RAGD_RETURN_IF_ERROR((*remove)->bind_all(*id));
    return (*remove)->run();  // turns and summaries go by ON DELETE CASCADE
  });
}

Result<TurnInfo> SessionStore::append_turn(const std::string& session_public_id,
                                           const std::string& owner, const TurnRecord& record) {
  Impl& m = *impl_;
  const SessionStoreOptions& o = m.options;
  TurnRecord clean;
  {
    auto question = Impl::checked_text(record.question, o.max_question_bytes, "question");
    if (!question) return question.status();
    if (clean_line(*question).empty()) return Status::invalid("a turn needs a non-empty question");
    auto rewritten =
        Impl::checked_text(record.rewritten_query, o.max_question_bytes, "rewritten query");
    if (!rewritten) return rewritten.status();
    auto answer = Impl::checked_text(record.answer, o.max_answer_bytes, "answer");
    if (!answer) return answer.status();
    auto citations =
        Impl::checked_json(record.citations_json, o.max_json_bytes, true, "citations JSON");
    if (!citations) return citations.status();
    auto strategy = Impl::checked_text(record.strategy, o.max_label_bytes, "strategy");
    if (!strategy) return strategy.status();
    auto model = Impl::checked_text(record.model, o.max_label_bytes, "model name");
    if (!model) return model.status();
    auto latency = Impl::checked_json(record.latency_json, o.max_json_bytes, false, "latency JSON");
    if (!latency) return latency.status();
    if (record.prompt_tokens < 0 || record.completion_tokens < 0) {
      return Status::invalid("token counts must not be negative");
    }
    clean = TurnRecord{std::move(*question),  std::move(*rewritten),    std::move(*answer),
                       std::move(*citations), std::move(*strategy),     std::move(*model),
                       record.prompt_tokens,  record.completion_tokens, std::move(*latency)};
  }
  auto public_id = make_public_id("m_");
  if (!public_id) return public_id.status();
  const int64_t now = m.now();
  const std::string title = title_from_question(clean.question, o.max_title_bytes);
  int64_t ordinal = 0;
  // BEGIN IMMEDIATE holds the write lock from the read of MAX(ordinal) to the insert, so
  // concurrent appenders on other connections queue instead of picking the same ordinal.
  Status status = m.store.in_transaction([&]() -> Status {
    auto session = m.session_id(session_public_id, owner);
    if (!session) return session.status();
    {
      auto max = m.statement(SessionSql::kMaxOrdinal);
      if (!max) return max.status();
      StatementReset reset(**max);
      RAGD_RETURN_IF_ERROR((*max)->bind_all(*session));
      auto row = (*max)->step();
      if (!row) return row.status();
      ordinal = (*max)->column_int64(0) + 1;
    }
    {
      auto insert = m.statement(SessionSql::kInsertTurn);
      if (!insert) return insert.status();
      Statement& s = **insert;
      StatementReset reset(s);
      RAGD_RETURN_IF_ERROR(s.bind_all(*public_id, *session, ordinal, clean.question,
                                      clean.rewritten_query, clean.answer, clean.citations_json,
                                      clean.strategy, clean.model, clean.prompt_tokens,
                                      clean.completion_tokens, clean.latency_json, now));
      RAGD_RETURN_IF_ERROR(s.run());
    }
    auto touch = m.statement(SessionSql::kTouchSession);
    if (!touch) return touch.status();
    StatementReset reset(**touch);
    RAGD_RETURN_IF_ERROR((*touch)->bind_all(*session, now, title));
    return (*touch)->run();
  });
  if (!status) return status;
  TurnInfo turn;
  turn.public_id = std::move(*public_id);
  turn.session_public_id = session_public_id;
  turn.ordinal = ordinal;
  turn.record = std::move(clean);
  turn.created_at = now;
  return turn;
}

Result<std::vector<TurnInfo>> SessionStore::turns(const std::string& session_public_id,
                                                  const std::string& owner, size_t limit,
                                                  size_t offset) {
  Impl& m = *impl_;
  std::vector<TurnInfo> result;
  Status status = m.store.in_read_snapshot([&]() -> Status {
    auto session = m.session_id(session_public_id, owner);
    if (!session) return session.status();
    auto list = m.statement(SessionSql::kTurns);
    if (!list) return list.status();
    Statement& s = **list;
    StatementReset reset(s);
    RAGD_RETURN_IF_ERROR(s.bind_all(*session, clamp_to_int64(limit), clamp_to_int64(offset)));
    for (;;) {
      auto row = s.step();
      if (!row) return row.status();
      if (!*row) return Status::ok();
      result.push_back(Impl::read_turn(s));
    }
  });
  if (!status) return status;
  return result;
}

Result<TurnInfo> SessionStore::get_turn(const std::string& turn_public_id,
                                        const std::string& owner) {
  Impl& m = *impl_;
  RAGD_RETURN_IF_ERROR(m.check_owner(owner));
  if (!looks_like_public_id(turn_public_id, "m_")) {
    return Status::not_found("no turn '" + repair_utf8(turn_public_id.substr(0, 64)) + "'");
  }
  auto get = m.statement(SessionSql::kGetTurn);
  if (!get) return get.status();
  Statement& s = **get;
  StatementReset reset(s);
  RAGD_RETURN_IF_ERROR(s.bind_all(turn_public_id, owner));
  auto row = s.step();
  if (!row) return row.status();
  if (!*row) return Status::not_found("no turn '" + turn_public_id + "'");
  return Impl::read_turn(s);
}

Status SessionStore::set_feedback(const std::string& turn_public_id, const std::string& owner,
                                  int rating, const std::string& text) {
  Impl& m = *impl_;
  RAGD_RETURN_IF_ERROR(m.check_owner(owner));
  if (rating < 1 || rating > 5) {
    return Status::invalid("a feedback rating must be 1 to 5, not " + std::to_string(rating));
  }
  auto checked = Impl::checked_text(text, m.options.max_feedback_bytes, "feedback text");
  if (!checked) return checked.status();
  if (!looks_like_public_id(turn_public_id, "m_")) {
    return Status::not_found("no turn '" + repair_utf8(turn_public_id.substr(0, 64)) + "'");
  }
  auto update = m.statement(SessionSql::kSetFeedback);
  if (!update) return update.status();
  Statement& s = **update;
  StatementReset reset(s);
  const std::optional<std::string> feedback =
      checked->empty() ? std::nullopt : std::optional<std::string>(std::move(*checked));
  RAGD_RETURN_IF_ERROR(s.bind_all(static_cast<int64_t>(rating), feedback, turn_public_id, owner));
  RAGD_RETURN_IF_ERROR(s.run());
  if (m.changes() == 0) return Status::not_found("no turn '" + turn_public_id + "'");
  return Status::ok();
}

}  // namespace ragd
