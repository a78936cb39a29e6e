// SessionStore: conversation summaries and their BM25 search.
//
// Search scores in memory over the owner's summaries rather than through an FTS table:
// the owner's summaries are few (one per folded batch of turns), the ranking must use
// ragd's own Analyzer (identifiers kept whole, the same stemming as the documents), and the
// schema stays as it is.
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <utility>

#include "store/session_store.h"
#include "store/session_store_impl.h"
#include "text/normalize.h"

namespace ragd {
namespace {

constexpr double kK1 = 1.2;
constexpr double kB = 0.75;

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
  if (k == 0) return hits;
  std::vector<std::string> query_terms;
  m.analyzer.analyze(query, query_terms);
  std::sort(query_terms.begin(), query_terms.end());
  query_terms.erase(std::unique(query_terms.begin(), query_terms.end()), query_terms.end());
  if (query_terms.empty()) return hits;

  std::vector<SummaryInfo> summaries;
  {
    auto list = m.statement(SessionSql::kOwnerSummaries);
    if (!list) return list.status();
    StatementReset reset(**list);
    RAGD_RETURN_IF_ERROR((*list)->bind_all(
        owner, exclude_session_public_id,
        static_cast<int64_t>(std::min<size_t>(m.options.max_summaries_searched, INT64_MAX))));
    for (;;) {
      auto row = (*list)->step();
      if (!row) return row.status();
      if (!*row) break;
      summaries.push_back(Impl::read_summary(**list));
    }
  }
  if (summaries.empty()) return hits;

  // Per summary: its length in terms and the frequency of each query term in it.
  const std::unordered_set<std::string_view> wanted(query_terms.begin(), query_terms.end());
  std::vector<size_t> lengths(summaries.size());
  std::vector<std::unordered_map<std::string_view, int>> frequencies(summaries.size());
  std::unordered_map<std::string_view, int> document_frequency;
  std::vector<std::string> terms;
  double total_length = 0;
  for (size_t i = 0; i < summaries.size(); ++i) {
    terms.clear();
    m.analyzer.analyze(summaries[i].text, terms);
    lengths[i] = terms.size();
    total_length += static_cast<double>(terms.size());
    for (const std::string& term : terms) {
      auto found = wanted.find(term);
      if (found != wanted.end() && frequencies[i][*found]++ == 0) ++document_frequency[*found];
    }
  }
  const double n = static_cast<double>(summaries.size());
  const double average_length = std::max(1.0, total_length / n);
  for (size_t i = 0; i < summaries.size(); ++i) {
    if (frequencies[i].empty()) continue;
    double score = 0;
    // Summed in query-term order (sorted) so equal inputs give bit-identical scores.
    for (const std::string& term : query_terms) {
      auto tf_found = frequencies[i].find(term);
      if (tf_found == frequencies[i].end()) continue;
      const double df = document_frequency[tf_found->first];
      const double idf = std::log(1.0 + (n - df + 0.5) / (df + 0.5));
      const double tf = tf_found->second;
      const double norm = 1.0 - kB + kB * static_cast<double>(lengths[i]) / average_length;
      score += idf * (kK1 + 1.0) * tf / (tf + kK1 * norm);
    }
    hits.push_back(SummaryHit{std::move(summaries[i]), score});
  }
  std::sort(hits.begin(), hits.end(), [](const SummaryHit& a, const SummaryHit& b) {
    if (a.score != b.score) return a.score > b.score;
    if (a.summary.created_at != b.summary.created_at) {
      return a.summary.created_at > b.summary.created_at;
    }
    return a.summary.id > b.summary.id;
  });
  std::unordered_set<std::string> sessions_seen;
  std::vector<SummaryHit> best;
  for (SummaryHit& hit : hits) {
    if (best.size() == k) break;
    if (!sessions_seen.insert(hit.summary.session_public_id).second) continue;
    best.push_back(std::move(hit));
  }
  return best;
}

}  // namespace ragd
