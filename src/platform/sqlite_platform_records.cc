// SqlitePlatformStore: metering records and the audit log.
#include <sqlite3.h>

#include <algorithm>

#include "platform/sqlite_platform_store.h"

namespace ragd::platform {
namespace {

// The most audit entries one query returns, whatever the caller asks.
constexpr size_t kMaxAuditLimit = 10000;

// Each filter is off when its parameter is NULL or 0. The prefix compares a substring, so
// '%' and '_' in an action need no escaping.
#define RAGD_AUDIT_SELECT                                                               \
  "SELECT id, at, organization_id, actor_user, actor_key, action, target, outcome, ip," \
  " user_agent, request_id, details FROM audit_log WHERE "
#define RAGD_AUDIT_FILTERS                                                    \
  " AND (?2 IS NULL OR actor_user = ?2) AND (?3 IS NULL OR action = ?3)"      \
  " AND (?4 IS NULL OR substr(action, 1, length(?4)) = ?4)"                   \
  " AND (?5 = 0 OR at >= ?5) AND (?6 = 0 OR at < ?6) AND (?7 = 0 OR id < ?7)" \
  " ORDER BY id DESC LIMIT ?8"

}  // namespace

// ---- usage

Status SqlitePlatformStore::record_usage(const std::vector<UsageRecord>& records) {
  for (const UsageRecord& record : records) {
    if (record.organization.empty() || record.meter.empty()) {
      return Status::invalid("a usage record needs an organisation and a meter");
    }
  }
  if (records.empty()) return Status::ok();
  std::lock_guard lock(mutex_);
  // One row is atomic on its own; several (the meters of one request) share a transaction.
  if (records.size() == 1) {
    const UsageRecord& record = records.front();
    auto inserted = execute(
        "INSERT INTO usage_records(organization_id, user_id, api_key_id, meter, amount, at, "
        "request_id) VALUES (?, ?, ?, ?, ?, ?, ?)",
        "cannot record usage", record.organization, record.user, record.api_key, record.meter,
        record.amount, record.at, record.request_id);
    return inserted ? Status::ok() : inserted.status();
  }
  return atomically("cannot record usage", [&]() -> Status {
    for (const UsageRecord& record : records) {
      auto inserted = execute(
          "INSERT INTO usage_records(organization_id, user_id, api_key_id, meter, amount, at, "
          "request_id) VALUES (?, ?, ?, ?, ?, ?, ?)",
          "cannot record usage", record.organization, record.user, record.api_key, record.meter,
          record.amount, record.at, record.request_id);
      if (!inserted) return inserted.status();
    }
    return Status::ok();
  });
}

Result<int64_t> SqlitePlatformStore::usage_total(const std::string& organization,
                                                 const std::string& meter, int64_t from,
                                                 int64_t to) {
  std::lock_guard lock(mutex_);
  auto prepared = statement(
      "SELECT COALESCE(SUM(amount), 0) FROM usage_records "
      "WHERE organization_id = ? AND meter = ? AND at >= ? AND at < ?");
  if (!prepared) return prepared.status();
  Statement& s = **prepared;
  StatementReset reset(s);
  RAGD_RETURN_IF_ERROR(s.bind_all(organization, meter, from, to));
  auto row = s.step("cannot sum usage");
  if (!row) return row.status();
  return *row ? s.column_int64(0) : int64_t{0};
}

Result<std::vector<UsageRow>> SqlitePlatformStore::usage_report(const UsageQuery& query) {
  std::lock_guard lock(mutex_);
  // Grouping by constant '' keeps one statement for the four shapes of report.
  auto prepared = statement(
      "SELECT CASE WHEN ?5 THEN user_id ELSE '' END AS u,"
      " CASE WHEN ?6 THEN strftime('%Y-%m-%d', at, 'unixepoch') ELSE '' END AS d,"
      " meter, SUM(amount) FROM usage_records"
      " WHERE organization_id = ?1 AND (?2 IS NULL OR user_id = ?2) AND at >= ?3 AND at < ?4"
      " GROUP BY u, d, meter ORDER BY u, d, meter");
  if (!prepared) return prepared.status();
  Statement& s = **prepared;
  StatementReset reset(s);
  RAGD_RETURN_IF_ERROR(s.bind_all(query.organization, query.user, query.from, query.to,
                                  query.by_user, query.by_day));
  std::vector<UsageRow> out;
  while (true) {
    auto row = s.step("cannot report usage");
    if (!row) return row.status();
    if (!*row) break;
    UsageRow line;
    line.user = s.column_text(0);
    line.day = s.column_text(1);
    line.meter = s.column_text(2);
    line.amount = s.column_int64(3);
    out.push_back(std::move(line));
  }
  return out;
}

// ---- audit

Result<int64_t> SqlitePlatformStore::append_audit(const AuditEntry& entry) {
  if (entry.action.empty()) return Status::invalid("an audit entry needs an action");
  std::lock_guard lock(mutex_);
  auto inserted = execute(
      "INSERT INTO audit_log(at, organization_id, actor_user, actor_key, action, target, "
      "outcome, ip, user_agent, request_id, details) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
      "cannot append to the audit log", entry.at, entry.organization, entry.actor_user,
      entry.actor_key, entry.action, entry.target, entry.outcome, entry.ip, entry.user_agent,
      entry.request_id, entry.details.empty() ? std::string("{}") : entry.details);
  if (!inserted) return inserted.status();
  return static_cast<int64_t>(sqlite3_last_insert_rowid(db_));
}

Result<std::vector<AuditEntry>> SqlitePlatformStore::query_audit(const AuditQuery& query) {
  std::optional<std::string> exact;
  std::optional<std::string> prefix;
  if (query.action) {
    (!query.action->empty() && query.action->back() == '.' ? prefix : exact) = *query.action;
  }
  int64_t limit = static_cast<int64_t>(std::min(query.limit, kMaxAuditLimit));
  std::lock_guard lock(mutex_);
  // Two statements, so that an organisation's query walks its own index (organization_id,
  // id) newest first instead of the whole log.
  auto prepared = query.organization
                      ? statement(RAGD_AUDIT_SELECT "organization_id = ?1" RAGD_AUDIT_FILTERS)
                      : statement(RAGD_AUDIT_SELECT "?1 IS NULL" RAGD_AUDIT_FILTERS);
  if (!prepared) return prepared.status();
  Statement& s = **prepared;
  StatementReset reset(s);
  RAGD_RETURN_IF_ERROR(s.bind_all(query.organization, query.actor_user, exact, prefix, query.since,
                                  query.until, query.before_id, limit));
  std::vector<AuditEntry> out;
  while (true) {
    auto row = s.step("cannot read the audit log");
    if (!row) return row.status();
    if (!*row) break;
    AuditEntry entry;
    entry.id = s.column_int64(0);
    entry.at = s.column_int64(1);
    entry.organization = s.column_text(2);
    entry.actor_user = s.column_text(3);
    entry.actor_key = s.column_text(4);
    entry.action = s.column_text(5);
    entry.target = s.column_text(6);
    entry.outcome = s.column_text(7);
    entry.ip = s.column_text(8);
    entry.user_agent = s.column_text(9);
    entry.request_id = s.column_text(10);
    entry.details = s.column_text(11);
    out.push_back(std::move(entry));
  }
  return out;
}

}  // namespace ragd::platform
