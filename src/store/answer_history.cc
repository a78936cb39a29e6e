#include "store/answer_history.h"

#include "sqlite/statement.h"

namespace ragd {

Result<std::vector<PastAnswer>> AnswerHistory::recent(int64_t collection_id,
                                                      const std::vector<std::string>& strategies,
                                                      size_t limit) {
  std::vector<PastAnswer> out;
  if (strategies.empty() || limit == 0) return out;
  std::string placeholders;
  for (size_t i = 0; i < strategies.size(); ++i) placeholders += i ? ", ?" : "?";
  auto statement = Statement::prepare(
      store_.connection(),
      "SELECT t.question, t.rewritten_query, t.answer, t.citations_json, t.model, t.created_at "
      "FROM chat_turns t JOIN chat_sessions s ON s.id = t.session_id "
      "WHERE s.collection_id = ? AND t.strategy IN (" +
          placeholders + ") ORDER BY t.id DESC LIMIT ?");
  if (!statement) return statement.status();
  Statement& s = *statement;
  int index = 1;
  Status status = s.bind(index++, collection_id);
  for (const std::string& strategy : strategies) {
    if (status.is_ok()) status = s.bind(index++, strategy);
  }
  if (status.is_ok()) status = s.bind(index, static_cast<int64_t>(limit));
  if (!status.is_ok()) return status;
  while (true) {
    auto row = s.step();
    if (!row) return row.status();
    if (!*row) break;
    out.push_back(PastAnswer{s.column_text(0), s.column_text(1), s.column_text(2),
                             s.column_text(3), s.column_text(4), s.column_int64(5)});
  }
  return out;
}

}  // namespace ragd
