#include "chat/conversation_memory.h"

#include <algorithm>
#include <cmath>
#include <utility>

#include "chat/citation_parser.h"
#include "common/dates.h"
#include "text/sentences.h"

namespace ragd {
namespace {

constexpr int64_t kSecondsPerDay = 86400;

ConversationTurn as_conversation_turn(const TurnInfo& turn) {
  return ConversationTurn{turn.record.question, turn.record.rewritten_query, turn.record.answer};
}

std::string iso_date(int64_t unix_seconds) {
  const int64_t days = unix_seconds >= 0 ? unix_seconds / kSecondsPerDay
                                         : -((-unix_seconds + kSecondsPerDay - 1) / kSecondsPerDay);
  return format_iso_date(static_cast<int32_t>(days));
}

}  // namespace

// The session's summaries that cover its turns 1..covered_through without a gap, widest
// first: a roll-up replaces the summaries it merged.
struct ConversationMemory::Coverage {
  int64_t turn_count = 0;
  int64_t covered_through = 0;
  std::vector<SummaryInfo> chain;
};

std::string render_memories(const std::vector<RecalledMemory>& memories) {
  std::string out;
  for (const RecalledMemory& memory : memories) {
    out +=
        "- [" + memory.date + ", session \"" + memory.session_title + "\"] " + memory.text + "\n";
  }
  return out;
}

ConversationMemory::ConversationMemory(SessionStore& sessions, MemoryOptions options,
                                       Summarizer summarizer)
    : sessions_(sessions), options_(std::move(options)), summarizer_(std::move(summarizer)) {}

Result<ConversationMemory::Coverage> ConversationMemory::coverage(
    const std::string& session_public_id, const std::string& owner) {
  auto session = sessions_.get_session(session_public_id, owner);
  if (!session) return session.status();
  auto summaries = sessions_.summaries_for_session(session_public_id, owner);
  if (!summaries) return summaries.status();
  Coverage result;
  result.turn_count = session->turn_count;
  // Summaries arrive ordered by first ordinal, then creation.
  const std::vector<SummaryInfo>& all = *summaries;
  size_t i = 0;
  for (;;) {
    const int64_t next = result.covered_through + 1;
    while (i < all.size() && all[i].first_ordinal < next) ++i;
    const SummaryInfo* widest = nullptr;
    for (; i < all.size() && all[i].first_ordinal == next; ++i) {
      if (widest == nullptr || all[i].last_ordinal >= widest->last_ordinal) widest = &all[i];
    }
    if (widest == nullptr) break;
    result.chain.push_back(*widest);
    result.covered_through = widest->last_ordinal;
  }
  return result;
}

Result<std::string> ConversationMemory::summarize(const SummaryRequest& request,
                                                  std::vector<std::string>* warnings) {
  std::string text;
  if (summarizer_) {
    auto made = summarizer_(request);
    if (made && !made->empty()) {
      text = std::move(*made);
    } else {
      warnings->push_back("the summariser failed (" +
                          (made ? std::string("empty summary") : made.status().to_string()) +
                          "); the extractive summary was used");
    }
  }
  if (text.empty()) text = extractive_summary(request, options_.extractive);
  text = fit_to_tokens(text, request.token_budget);
  if (text.empty()) return Status::invalid("nothing to summarise within the token budget");
  return text;
}

Status ConversationMemory::fold(const std::string& session_public_id, const std::string& owner,
                                int64_t first, int64_t last, std::vector<TurnInfo> turns,
                                std::vector<std::string>* warnings) {
  // Turns before those already loaded are read here (only when a session has more
  // unsummarised turns than the window loads).
  const int64_t loaded_first = turns.empty() ? last + 1 : turns.front().ordinal;
  if (loaded_first > first) {
    auto earlier =
        sessions_.turns(session_public_id, owner, static_cast<size_t>(loaded_first - first),
                        static_cast<size_t>(first - 1));
    if (!earlier) return earlier.status();
    turns.insert(turns.begin(), earlier->begin(), earlier->end());
  }
  SummaryRequest request;
  request.token_budget = options_.fold_token_budget;
  for (const TurnInfo& turn : turns) {
    if (turn.ordinal >= first && turn.ordinal <= last) {
      request.turns.push_back(as_conversation_turn(turn));
    }
  }
  auto text = summarize(request, warnings);
  if (!text) return text.status();
  auto added = sessions_.add_summary(session_public_id, owner, first, last, *text);
  // Another builder stored a summary of these turns first: theirs stands.
  if (!added && added.status().code() != ErrorCode::kAlreadyExists) return added.status();
  return Status::ok();
}

Status ConversationMemory::close_session(const std::string& session_public_id,
                                         const std::string& owner) {
  auto covered = coverage(session_public_id, owner);
  if (!covered) return covered.status();
  if (covered->turn_count <= covered->covered_through) return Status::ok();
  std::vector<std::string> ignored;
  return fold(session_public_id, owner, covered->covered_through + 1, covered->turn_count, {},
              &ignored);
}

Status ConversationMemory::close_other_sessions(const std::string& session_public_id,
                                                const std::string& owner) {
  if (options_.sessions_to_close == 0) return Status::ok();
  auto page =
      sessions_.list_sessions(owner, std::min<size_t>(options_.sessions_to_close + 1, 1000));
  if (!page) return page.status();
  size_t closed = 0;
  for (const SessionInfo& session : page->sessions) {
    if (session.public_id == session_public_id || session.turn_count == 0) continue;
    if (closed++ == options_.sessions_to_close) break;
    RAGD_RETURN_IF_ERROR(close_session(session.public_id, owner));
  }
  return Status::ok();
}

Result<std::vector<RecalledMemory>> ConversationMemory::recall(const std::string& session_public_id,
                                                               const std::string& owner,
                                                               const std::string& question) {
  std::vector<RecalledMemory> memories;
  if (options_.recall_k == 0 || options_.recall_token_budget == 0) return memories;
  auto hits = sessions_.search_summaries(owner, question, options_.recall_k, session_public_id);
  if (!hits) return hits.status();
  std::vector<std::string> texts;
  for (const SummaryHit& hit : *hits) texts.push_back(hit.summary.text);
  texts = fit_all_to_tokens(texts, options_.recall_token_budget);
  for (size_t i = 0; i < hits->size(); ++i) {
    if (texts[i].empty()) continue;
    const SummaryInfo& summary = (*hits)[i].summary;
    memories.push_back(RecalledMemory{summary.session_public_id, summary.session_title,
                                      iso_date(summary.created_at), std::move(texts[i]),
                                      (*hits)[i].score});
  }
  return memories;
}

Result<ConversationContext> ConversationMemory::build(const std::string& session_public_id,
                                                      const std::string& owner,
                                                      const std::string& question) {
  ConversationContext context;
  auto covered = coverage(session_public_id, owner);
  if (!covered) return covered.status();
  const int64_t turn_count = covered->turn_count;
  if (turn_count == 0) RAGD_RETURN_IF_ERROR(close_other_sessions(session_public_id, owner));

  std::vector<TurnInfo> window;
  if (turn_count > covered->covered_through) {
    const int64_t unsummarised_first = covered->covered_through + 1;
    const int64_t max_turns = static_cast<int64_t>(std::max<size_t>(options_.max_window_turns, 1));
    const int64_t load_first = std::max(unsummarised_first, turn_count - max_turns + 1);
    auto loaded =
        sessions_.turns(session_public_id, owner, static_cast<size_t>(turn_count - load_first + 1),
                        static_cast<size_t>(load_first - 1));
    if (!loaded) return loaded.status();
    std::vector<size_t> costs;
    size_t total = 0;
    for (const TurnInfo& turn : *loaded) {
      size_t cost = 0;
      // The same messages the history will hold, so the budget counts what is sent.
      cost += count_tokens(turn.record.question) + options_.message_overhead_tokens;
      if (!turn.record.answer.empty()) {
        const std::string answer = options_.strip_citation_markers
                                       ? strip_citation_markers(turn.record.answer)
                                       : turn.record.answer;
        cost += count_tokens(answer) + options_.message_overhead_tokens;
      }
      costs.push_back(cost);
      total += cost;
    }
    const size_t budget = options_.history_token_budget;
    // The longest suffix of the loaded turns whose cost fits `limit`: its first index.
    auto suffix_start = [&](size_t limit) {
      size_t begin = costs.size();
      size_t sum = 0;
      while (begin > 0 && sum + costs[begin - 1] <= limit) sum += costs[--begin];
      return begin;
    };
    size_t begin = 0;
    if (load_first != unsummarised_first || total > budget) {
      begin = suffix_start(budget * std::min<size_t>(options_.refill_percent, 100) / 100);
      if (begin == costs.size()) begin = suffix_start(budget);
    }
    const int64_t window_first = begin < loaded->size() ? (*loaded)[begin].ordinal : turn_count + 1;
    if (window_first > unsummarised_first) {
      std::vector<TurnInfo> folded(std::make_move_iterator(loaded->begin()),
                                   std::make_move_iterator(loaded->begin() + begin));
      RAGD_RETURN_IF_ERROR(fold(session_public_id, owner, unsummarised_first, window_first - 1,
                                std::move(folded), &context.warnings));
      covered = coverage(session_public_id, owner);
      if (!covered) return covered.status();
    }
    // A concurrent builder may have summarised further than this one chose to: the window
    // starts after whatever is summarised, so no turn is both summarised and verbatim.
    while (begin < loaded->size() && (*loaded)[begin].ordinal <= covered->covered_through) ++begin;
    window.assign(std::make_move_iterator(loaded->begin() + begin),
                  std::make_move_iterator(loaded->end()));
  }

  context.first_window_ordinal = window.empty() ? turn_count + 1 : window.front().ordinal;
  for (const TurnInfo& turn : window) {
    context.turns.push_back(as_conversation_turn(turn));
    context.history.push_back(ChatMessage{"user", turn.record.question});
    context.history_tokens += count_tokens(turn.record.question) + options_.message_overhead_tokens;
    if (turn.record.answer.empty()) continue;
    std::string answer = options_.strip_citation_markers
                             ? strip_citation_markers(turn.record.answer)
                             : turn.record.answer;
    context.history_tokens += count_tokens(answer) + options_.message_overhead_tokens;
    context.history.push_back(ChatMessage{"assistant", std::move(answer)});
  }

  // The summaries of the turns before the window, rolled up when they outgrow the budget.
  std::vector<std::string> texts;
  int64_t summarised_through = 0;
  for (const SummaryInfo& summary : covered->chain) {
    if (summary.last_ordinal >= context.first_window_ordinal) break;
    texts.push_back(summary.text);
    summarised_through = summary.last_ordinal;
  }
  std::string joined;
  for (const std::string& text : texts) joined += (joined.empty() ? "" : "\n") + text;
  if (count_tokens(joined) > options_.summary_token_budget && texts.size() > 1) {
    SummaryRequest request;
    request.summaries = std::move(texts);
    // Half the budget, so that the next folds have room before the next roll-up.
    request.token_budget = std::max<size_t>(options_.summary_token_budget / 2, 1);
    auto rolled = summarize(request, &context.warnings);
    if (rolled) {
      auto added = sessions_.add_summary(session_public_id, owner, 1, summarised_through, *rolled);
      if (!added && added.status().code() != ErrorCode::kAlreadyExists) return added.status();
      joined = std::move(*rolled);
    }
  }
  context.session_summary = fit_to_tokens(joined, options_.summary_token_budget);

  auto memories = recall(session_public_id, owner, question);
  if (!memories) return memories.status();
  context.memories = std::move(*memories);
  return context;
}

}  // namespace ragd
