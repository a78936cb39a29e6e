// SessionStore: conversation summaries and their BM25 search.
//
// Search runs in SQLite's FTS5 index (schema version 4) rather than by analysing every
// summary in C++ per call: recall runs on every answer, and an owner with thousands of
// summaries would pay milliseconds per turn. The index tokenises with FTS5's porter
// unicode61 (lower case, accents folded, English stemming), close to ragd's Analyzer but
// not identical: identifiers such as "v2.1.0" are split into words there, and match as the
// phrase of those words.
#include <algorithm>
#include <cstdint>
#include <unordered_set>
#include <utility>

#include "store/session_store.h"
#include "store/session_store_impl.h"
#include "text/normalize.h"

namespace ragd {
namespace {

// More distinct query words than this are dropped (the first ones are kept), so a long
// question costs a bounded full-text query.
constexpr size_t kMaxQueryWords = 64;

// An FTS5 query matching any of the words of `query`, each a quoted string, so nothing
// the user typed is read as FTS5 syntax (operators, column filters, prefixes, NEAR); empty
// when the query has no word besides stopwords. Invalid UTF-8 separates words.
std::string match_any_word(const Analyzer& analyzer, const std::string& query) {
  std::vector<std::string> words;
  analyzer.analyze(query, words);
  std::unordered_set<std::string> seen;
  std::string match;
  for (const std::string& word : words) {
    if (seen.size() == kMaxQueryWords) break;
    if (!seen.insert(word).second) continue;
    if (!match.empty()) match += " OR ";
    match += '"';
    for (char c : word) {
      if (c == '"') match += '"';
      match += c;
    }
    match += '"';
  }
  return match;
}

}  // namespace

Result<SummaryInfo> SessionStore::add_summary(const std::string& session_public_id,
                                              const std::string& owner, int64_t first_ordinal,
                                              int64_t last_ordinal, const std::string& text) {
  Impl& m = *impl_;
  auto checked = Impl::checked_text(text, m.options.max_summary_bytes, "summary");
  if (!checked) return checked.status();
  if (clean_line(*checked).empty()) return Status::invalid("a summary must not be empty");
  int64_t summary_id = 0;
  Status status = m.store.in_transaction([&]() -> Status {
    int64_t session = 0;
    auto info = m.find_session(session_public_id, owner, &session);
    if (!info) return info.status();
    if (first_ordinal < 1 || first_ordinal > last_ordinal || last_ordinal > info->turn_count) {
      return Status::invalid("a summary of turns " + std::to_string(first_ordinal) + ".." +
                             std::to_string(last_ordinal) + " does not fit a session of " +
                             std::to_string(info->turn_count) + " turns");
    }
    {
      auto covering = m.statement(SessionSql::kCoveringSummary);
      if (!covering) return covering.status();
      StatementReset reset(**covering);
      RAGD_RETURN_IF_ERROR((*covering)->bind_all(session, first_ordinal, last_ordinal));
      auto row = (*covering)->step();
      if (!row) return row.status();
      if (*row) {
        return Status::error(ErrorCode::kAlreadyExists, "turns " + std::to_string(first_ordinal) +
                                                            ".." + std::to_string(last_ordinal) +
                                                            " are already summarised");
      }
    }
    auto insert = m.statement(SessionSql::kInsertSummary);
    if (!insert) return insert.status();
    StatementReset reset(**insert);
    RAGD_RETURN_IF_ERROR(
        (*insert)->bind_all(session, owner, first_ordinal, last_ordinal, *checked, m.now()));
    RAGD_RETURN_IF_ERROR((*insert)->run());
    summary_id = m.last_insert_id();
    return Status::ok();
  });
  if (!status) return status;
  auto get = m.statement(SessionSql::kGetSummary);
  if (!get) return get.status();
  StatementReset reset(**get);
  RAGD_RETURN_IF_ERROR((*get)->bind_all(summary_id));
  auto row = (*get)->step();
  if (!row) return row.status();
  if (!*row) return Status::internal("a summary just written cannot be read back");
  return Impl::read_summary(**get);
}

Result<std::vector<SummaryInfo>> SessionStore::summaries_for_session(
    const std::string& session_public_id, const std::string& owner) {
  Impl& m = *impl_;
  std::vector<SummaryInfo> result;
  Status status = m.store.in_read_snapshot([&]() -> Status {
    auto session = m.session_id(session_public_id, owner);
    if (!session) return session.status();
    auto list = m.statement(SessionSql::kSessionSummaries);
    if (!list) return list.status();
    StatementReset reset(**list);
    RAGD_RETURN_IF_ERROR((*list)->bind_all(*session));
    for (;;) {
      auto row = (*list)->step();
      if (!row) return row.status();
      if (!*row) return Status::ok();
      result.push_back(Impl::read_summary(**list));
    }
  });
  if (!status) return status;
  return result;
}

Result<std::vector<SummaryHit>> SessionStore::search_summaries(
    const std::string& owner, const std::string& query, size_t k,
    const std::string& exclude_session_public_id) {
  Impl& m = *impl_;
  RAGD_RETURN_IF_ERROR(m.check_owner(owner));
  std::vector<SummaryHit> hits;
  if (k == 0 || m.options.max_summaries_searched == 0) return hits;
  const std::string match = match_any_word(m.query_words, query);
  if (match.empty()) return hits;

  auto search = m.statement(SessionSql::kSearchSummaries);
  if (!search) return search.status();
  Statement& s = **search;
  StatementReset reset(s);
  RAGD_RETURN_IF_ERROR(s.bind_all(
      owner, exclude_session_public_id, match,
      static_cast<int64_t>(std::min<size_t>(m.options.max_summaries_searched, INT64_MAX))));
  // Rows arrive best first; each run of equal scores is ordered by recency before the
  // first (best) summary of each session is taken.
  std::unordered_set<std::string> sessions_seen;
  std::vector<SummaryHit> equal;
  const auto take_equal = [&] {
    std::sort(equal.begin(), equal.end(), [](const SummaryHit& a, const SummaryHit& b) {
      if (a.summary.created_at != b.summary.created_at) {
        return a.summary.created_at > b.summary.created_at;
      }
      return a.summary.id > b.summary.id;
    });
    for (SummaryHit& hit : equal) {
      if (hits.size() == k) break;
      if (sessions_seen.insert(hit.summary.session_public_id).second) {
        hits.push_back(std::move(hit));
      }
    }
    equal.clear();
  };
  for (;;) {
    auto row = s.step();
    if (!row) return row.status();
    if (!*row) break;
    SummaryHit hit{Impl::read_summary(s), s.column_double(7)};
    if (!equal.empty() && hit.score != equal.front().score) {
      take_equal();
      if (hits.size() == k) return hits;
    }
    equal.push_back(std::move(hit));
  }
  take_equal();
  return hits;
}

}  // namespace ragd
