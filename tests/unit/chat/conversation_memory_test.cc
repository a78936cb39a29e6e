#include "chat/conversation_memory.h"

#include <gtest/gtest.h>

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "chat/citation_parser.h"
#include "chat/conversation_summarizer.h"
#include "store/session_store.h"
#include "store/store.h"
#include "text/normalize.h"
#include "text/sentences.h"

namespace ragd {
namespace {

// The history's cost as the contract defines it.
size_t history_cost(const ConversationContext& context, size_t overhead) {
  size_t total = 0;
  for (const ChatMessage& message : context.history)
    total += count_tokens(message.content) + overhead;
  return total;
}

class ConversationMemoryTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto opened = Store::open(":memory:");
    ASSERT_TRUE(opened.is_ok()) << opened.status().to_string();
    store_ = std::move(*opened);
    SessionStoreOptions options;
    options.clock = [this] { return clock_; };
    sessions_ = std::make_unique<SessionStore>(*store_, options);
  }

  std::string new_session(const std::string& owner, const std::string& title = "") {
    auto session = sessions_->create_session(owner, std::nullopt, title);
    EXPECT_TRUE(session.is_ok()) << session.status().to_string();
    return session.is_ok() ? session->public_id : std::string();
  }

  void add_turn(const std::string& session, const std::string& owner, const std::string& question,
                const std::string& answer) {
    TurnRecord record;
    record.question = question;
    record.answer = answer;
    auto appended = sessions_->append_turn(session, owner, record);
    ASSERT_TRUE(appended.is_ok()) << appended.status().to_string();
  }

  // Turn i of a test conversation: lengths vary so budgets fall between turns.
  static std::string question(int i) {
    return "Question number " + std::to_string(i) + " about topic" + std::string(i % 3, 'x') + "?";
  }
  static std::string answer(int i) {
    std::string text = "Answer " + std::to_string(i) + " first sentence [1]. Then more detail";
    for (int k = 0; k < i % 4; ++k) text += " and further words here";
    return text + " [2].";
  }

  int64_t clock_ = 1'714'521'600;  // 2024-05-01
  std::unique_ptr<Store> store_;
  std::unique_ptr<SessionStore> sessions_;
};

TEST(ConversationSummarizer, FitToTokensNeverExceedsTheBudget) {
  const std::string text =
      "The reserve tier includes two tastings a year, priority booking and a 15% discount "
      "on every bottle. Members also receive \xE2\x80\x9C"
      "early\xE2\x80\x9D access to "
      "\xE5\xA4\xA7\xE5\x90\x89 releases; supercalifragilisticexpialidocious.";
  const size_t full = count_tokens(text);
  EXPECT_EQ(fit_to_tokens(text, full), text);
  for (size_t budget = 0; budget < full; ++budget) {
    const std::string cut = fit_to_tokens(text, budget);
    EXPECT_LE(count_tokens(cut), budget) << budget;
    EXPECT_TRUE(is_valid_utf8(cut)) << budget;
    EXPECT_LT(cut.size(), text.size());
    // Cuts grow with the budget.
    if (budget > 0) {
      EXPECT_GE(cut.size() + 3, fit_to_tokens(text, budget - 1).size());
    }
  }
  // The(1) reserve(2) tier(1) includes(2): the cut ends at a word, with room for the ellipsis.
  EXPECT_EQ(fit_to_tokens(text, 6), "The reserve tier\xE2\x80\xA6");
  const std::string hostile("\xff\xfe\xc3(\0[1]\xe2\x82", 11);
  for (size_t budget = 0; budget < 12; ++budget) {
    EXPECT_LE(count_tokens(fit_to_tokens(hostile, budget)), budget);
  }
}

TEST(ConversationSummarizer, ExtractiveKeepsQuestionAndFirstSentence) {
  SummaryRequest request;
  request.turns = {
      {"Which wines are red?", "", "Merlot and Syrah are red [1]. Both are dry. Ask us."},
      {"and it?", "Is Merlot dry?", "Yes, Merlot is dry [2]."}};
  request.token_budget = 1000;
  const std::string summary = extractive_summary(request);
  EXPECT_EQ(summary,
            "Q: Which wines are red? A: Merlot and Syrah are red.\n"
            "Q: Is Merlot dry? A: Yes, Merlot is dry.");
  EXPECT_EQ(extractive_summary(request), summary);  // deterministic

  ExtractiveSummaryOptions two;
  two.answer_sentences = 2;
  EXPECT_NE(extractive_summary(request, two).find("Both are dry."), std::string::npos);

  // Earlier summaries come first and keep their words; long lines give way first.
  request.summaries = {"Earlier: prices."};
  request.turns[0].answer = std::string(400, 'a') + ".";
  for (size_t budget : {0, 3, 10, 20, 40, 80}) {
    request.token_budget = budget;
    const std::string cut = extractive_summary(request);
    EXPECT_LE(count_tokens(cut), budget);
    if (budget >= 20) {
      EXPECT_EQ(cut.substr(0, 16), "Earlier: prices.") << budget;
    }
  }
  request.token_budget = 0;
  EXPECT_EQ(extractive_summary(request), "");
}

TEST_F(ConversationMemoryTest, ShortConversationIsWholeAndInOrder) {
  const std::string session = new_session("alice");
  for (int i = 1; i <= 3; ++i) add_turn(session, "alice", question(i), answer(i));
  ConversationMemory memory(*sessions_);
  auto context = memory.build(session, "alice", "next?");
  ASSERT_TRUE(context.is_ok()) << context.status().to_string();
  ASSERT_EQ(context->turns.size(), 3u);
  ASSERT_EQ(context->history.size(), 6u);
  EXPECT_EQ(context->first_window_ordinal, 1);
  for (int i = 0; i < 3; ++i) {
    EXPECT_EQ(context->turns[i].question, question(i + 1));
    EXPECT_EQ(context->history[2 * i].role, "user");
    EXPECT_EQ(context->history[2 * i].content, question(i + 1));
    EXPECT_EQ(context->history[2 * i + 1].role, "assistant");
    EXPECT_EQ(context->history[2 * i + 1].content, strip_citation_markers(answer(i + 1)));
  }
  EXPECT_EQ(context->history_tokens, history_cost(*context, 4));
  EXPECT_EQ(context->session_summary, "");
  EXPECT_TRUE(context->memories.empty());
  auto summaries = sessions_->summaries_for_session(session, "alice");
  ASSERT_TRUE(summaries.is_ok());
  EXPECT_TRUE(summaries->empty());
}

TEST_F(ConversationMemoryTest, BudgetIsRespectedExactly) {
  const std::string session = new_session("alice");
  constexpr int kTurns = 12;
  for (int i = 1; i <= kTurns; ++i) add_turn(session, "alice", question(i), answer(i));
  // First measure every turn's cost with a budget that holds them all.
  MemoryOptions roomy;
  roomy.history_token_budget = 100000;
  auto all = ConversationMemory(*sessions_, roomy).build(session, "alice", "q");
  ASSERT_TRUE(all.is_ok());
  ASSERT_EQ(all->turns.size(), static_cast<size_t>(kTurns));
  const size_t total = all->history_tokens;
  EXPECT_EQ(total, history_cost(*all, roomy.message_overhead_tokens));

  // A budget of exactly the total keeps every turn, and summarises nothing.
  MemoryOptions exact;
  exact.history_token_budget = total;
  auto same = ConversationMemory(*sessions_, exact).build(session, "alice", "q");
  ASSERT_TRUE(same.is_ok());
  EXPECT_EQ(same->turns.size(), static_cast<size_t>(kTurns));
  EXPECT_EQ(same->history_tokens, total);
  EXPECT_TRUE(sessions_->summaries_for_session(session, "alice")->empty());

  // One token less: the oldest turns are folded until the rest fits half the budget.
  MemoryOptions tight;
  tight.history_token_budget = total - 1;
  auto folded = ConversationMemory(*sessions_, tight).build(session, "alice", "q");
  ASSERT_TRUE(folded.is_ok()) << folded.status().to_string();
  const size_t target = tight.history_token_budget / 2;
  EXPECT_LE(folded->history_tokens, target);
  EXPECT_EQ(folded->history_tokens, history_cost(*folded, tight.message_overhead_tokens));
  ASSERT_FALSE(folded->turns.empty());
  // Maximal: the turn just before the window would not have fitted.
  const size_t window = folded->turns.size();
  const int64_t first = folded->first_window_ordinal;
  EXPECT_EQ(first, kTurns - static_cast<int64_t>(window) + 1);
  size_t previous_cost = count_tokens(question(first - 1)) +
                         count_tokens(strip_citation_markers(answer(first - 1))) +
                         2 * tight.message_overhead_tokens;
  EXPECT_GT(folded->history_tokens + previous_cost, target);
  // The window is the newest turns, in order.
  for (size_t i = 0; i < window; ++i) {
    EXPECT_EQ(folded->turns[i].question, question(static_cast<int>(first + i)));
  }
  // The older turns are one stored summary, which the context carries.
  auto summaries = sessions_->summaries_for_session(session, "alice");
  ASSERT_TRUE(summaries.is_ok());
  ASSERT_EQ(summaries->size(), 1u);
  EXPECT_EQ((*summaries)[0].first_ordinal, 1);
  EXPECT_EQ((*summaries)[0].last_ordinal, first - 1);
  EXPECT_EQ(folded->session_summary, (*summaries)[0].text);
  EXPECT_NE(folded->session_summary.find("Q: " + question(1)), std::string::npos);
  EXPECT_LE(count_tokens(folded->session_summary), tight.summary_token_budget);
}

TEST_F(ConversationMemoryTest, ATurnLargerThanTheBudgetIsSummarisedNotSent) {
  const std::string session = new_session("alice");
  add_turn(session, "alice", "Tell me everything", std::string(3000, 'w') + ".");
  MemoryOptions options;
  options.history_token_budget = 100;
  auto context = ConversationMemory(*sessions_, options).build(session, "alice", "q");
  ASSERT_TRUE(context.is_ok());
  EXPECT_TRUE(context->history.empty());
  EXPECT_EQ(context->history_tokens, 0u);
  EXPECT_EQ(context->first_window_ordinal, 2);
  EXPECT_NE(context->session_summary.find("Q: Tell me everything"), std::string::npos);
}

TEST_F(ConversationMemoryTest, SummariesAreMadeOnceInBatches) {
  const std::string session = new_session("alice");
  int calls = 0;
  Summarizer counting = [&](const SummaryRequest& request) -> Result<std::string> {
    ++calls;
    return extractive_summary(request);
  };
  MemoryOptions options;
  options.history_token_budget = 120;
  options.summary_token_budget = 100000;  // no roll-ups in this test
  ConversationMemory memory(*sessions_, options, counting);
  constexpr int kTurns = 40;
  size_t previous_summaries = 0;
  for (int i = 1; i <= kTurns; ++i) {
    add_turn(session, "alice", question(i), answer(i));
    auto context = memory.build(session, "alice", "next");
    ASSERT_TRUE(context.is_ok()) << context.status().to_string();
    EXPECT_LE(context->history_tokens, options.history_token_budget);
    // Window and summaries together cover every turn, without overlap.
    auto summaries = sessions_->summaries_for_session(session, "alice");
    ASSERT_TRUE(summaries.is_ok());
    int64_t next = 1;
    for (const SummaryInfo& summary : *summaries) {
      EXPECT_EQ(summary.first_ordinal, next);
      next = summary.last_ordinal + 1;
    }
    EXPECT_EQ(next, context->first_window_ordinal);
    EXPECT_EQ(context->first_window_ordinal + static_cast<int64_t>(context->turns.size()), i + 1);
    // Building again without a new turn changes nothing.
    auto again = memory.build(session, "alice", "next");
    ASSERT_TRUE(again.is_ok());
    EXPECT_EQ(again->first_window_ordinal, context->first_window_ordinal);
    EXPECT_EQ(sessions_->summaries_for_session(session, "alice")->size(), summaries->size());
    previous_summaries = summaries->size();
  }
  // Each fold moved several turns at once, and the summariser ran once per stored summary.
  EXPECT_GT(previous_summaries, 2u);
  EXPECT_LT(previous_summaries, static_cast<size_t>(kTurns) / 2);
  EXPECT_EQ(static_cast<size_t>(calls), previous_summaries);
}

TEST_F(ConversationMemoryTest, SummariesRollUpWithinTheirBudget) {
  const std::string session = new_session("alice");
  MemoryOptions options;
  options.history_token_budget = 80;
  options.summary_token_budget = 60;
  options.fold_token_budget = 40;
  ConversationMemory memory(*sessions_, options);
  for (int i = 1; i <= 30; ++i) {
    add_turn(session, "alice", question(i), answer(i));
    auto context = memory.build(session, "alice", "next");
    ASSERT_TRUE(context.is_ok()) << context.status().to_string();
    EXPECT_LE(count_tokens(context->session_summary), options.summary_token_budget);
    EXPECT_LE(context->history_tokens, options.history_token_budget);
  }
  // Roll-ups are summaries from turn 1 that replace narrower ones.
  size_t from_first = 0;
  auto summaries = sessions_->summaries_for_session(session, "alice");
  ASSERT_TRUE(summaries.is_ok());
  for (const SummaryInfo& summary : *summaries) {
    if (summary.first_ordinal == 1) ++from_first;
  }
  const bool rolled_up = from_first > 1;
  EXPECT_TRUE(rolled_up);
}

TEST_F(ConversationMemoryTest, FailingSummariserFallsBackWithAWarning) {
  const std::string session = new_session("alice");
  for (int i = 1; i <= 6; ++i) add_turn(session, "alice", question(i), answer(i));
  MemoryOptions options;
  options.history_token_budget = 60;
  Summarizer broken = [](const SummaryRequest&) -> Result<std::string> {
    return Status::error(ErrorCode::kBusy, "LLM down");
  };
  auto context = ConversationMemory(*sessions_, options, broken).build(session, "alice", "q");
  ASSERT_TRUE(context.is_ok()) << context.status().to_string();
  ASSERT_FALSE(context->warnings.empty());
  EXPECT_NE(context->warnings[0].find("LLM down"), std::string::npos);
  EXPECT_NE(context->session_summary.find("Q: " + question(1)), std::string::npos);

  // An LLM summary over its budget is cut to it.
  const std::string other = new_session("alice");
  for (int i = 1; i <= 6; ++i) add_turn(other, "alice", question(i), answer(i));
  Summarizer verbose = [](const SummaryRequest&) -> Result<std::string> {
    return std::string(5000, 'v');
  };
  auto cut = ConversationMemory(*sessions_, options, verbose).build(other, "alice", "q");
  ASSERT_TRUE(cut.is_ok());
  EXPECT_LE(count_tokens(cut->session_summary), options.fold_token_budget);
  EXPECT_FALSE(cut->session_summary.empty());
}

TEST_F(ConversationMemoryTest, RecallFindsTheOwnersEarlierSessionsOnly) {
  const std::string wine = new_session("alice", "Wine prices");
  add_turn(wine, "alice", "How much is the Merlot?", "The Merlot costs 20 euros [1]. It is dry.");
  add_turn(wine, "alice", "And the Syrah?", "The Syrah costs 24 euros [2].");
  clock_ += 86400;
  const std::string visit = new_session("alice", "Visiting");
  add_turn(visit, "alice", "When are you open?", "Daily from 10 to 18 [1].");
  const std::string bob = new_session("bob", "Bob's wine");
  add_turn(bob, "bob", "Merlot price?", "Bob's Merlot answer costs.");
  clock_ += 86400;

  ConversationMemory memory(*sessions_);
  // The first build of a new session closes the owner's earlier sessions (summaries), then
  // recalls from them.
  const std::string now = new_session("alice");
  auto context = memory.build(now, "alice", "What did the Merlot cost?");
  ASSERT_TRUE(context.is_ok()) << context.status().to_string();
  ASSERT_EQ(context->memories.size(), 1u);
  const RecalledMemory& recalled = context->memories[0];
  EXPECT_EQ(recalled.session_public_id, wine);
  EXPECT_EQ(recalled.session_title, "Wine prices");
  EXPECT_EQ(recalled.date, "2024-05-03");
  EXPECT_NE(recalled.text.find("Merlot costs 20 euros"), std::string::npos);
  EXPECT_GT(recalled.score, 0);
  EXPECT_EQ(render_memories(context->memories),
            "- [2024-05-03, session \"Wine prices\"] " + recalled.text + "\n");

  // Bob's sessions stay out of it (his was not closed by alice, and is his alone).
  auto bob_summaries = sessions_->summaries_for_session(bob, "bob");
  ASSERT_TRUE(bob_summaries.is_ok());
  EXPECT_TRUE(bob_summaries->empty());
  const std::string bob_new = new_session("bob");
  auto bob_context = memory.build(bob_new, "bob", "What did the Merlot cost?");
  ASSERT_TRUE(bob_context.is_ok());
  ASSERT_EQ(bob_context->memories.size(), 1u);
  EXPECT_EQ(bob_context->memories[0].session_public_id, bob);

  // The current session never recalls itself; a question about opening hours finds the visit.
  add_turn(now, "alice", "Merlot again?", "Merlot Merlot.");
  ASSERT_TRUE(memory.close_session(now, "alice").is_ok());
  auto later = memory.build(now, "alice", "When are you open?");
  ASSERT_TRUE(later.is_ok());
  ASSERT_EQ(later->memories.size(), 1u);
  EXPECT_EQ(later->memories[0].session_public_id, visit);

  // Recall respects its budget.
  MemoryOptions small;
  small.recall_token_budget = 5;
  auto trimmed = ConversationMemory(*sessions_, small).build(now, "alice", "Merlot euros open");
  ASSERT_TRUE(trimmed.is_ok());
  size_t recalled_tokens = 0;
  for (const auto& m : trimmed->memories) recalled_tokens += count_tokens(m.text);
  EXPECT_LE(recalled_tokens, 5u);
}

TEST_F(ConversationMemoryTest, AnotherOwnersSessionIsNotFound) {
  const std::string session = new_session("alice");
  add_turn(session, "alice", "secret?", "secret.");
  ConversationMemory memory(*sessions_);
  EXPECT_EQ(memory.build(session, "bob", "q").status().code(), ErrorCode::kNotFound);
  EXPECT_EQ(memory.close_session(session, "bob").code(), ErrorCode::kNotFound);
  EXPECT_TRUE(sessions_->summaries_for_session(session, "alice")->empty());
}

TEST_F(ConversationMemoryTest, HostileTurnsNeverBreakTheBudget) {
  const std::string session = new_session("alice");
  const std::string soup("\xff[1]\xe2\x80\x9c\0 Ab. It\n\n[2, 3] \xF0\x9F\x8D\xB7 2023-?", 30);
  for (int i = 0; i < 12; ++i) add_turn(session, "alice", soup + std::to_string(i), soup + soup);
  MemoryOptions options;
  options.history_token_budget = 50;
  options.summary_token_budget = 20;
  auto context = ConversationMemory(*sessions_, options).build(session, "alice", soup);
  ASSERT_TRUE(context.is_ok()) << context.status().to_string();
  EXPECT_LE(context->history_tokens, 50u);
  EXPECT_EQ(context->history_tokens, history_cost(*context, options.message_overhead_tokens));
  EXPECT_LE(count_tokens(context->session_summary), 20u);
  EXPECT_TRUE(is_valid_utf8(context->session_summary));
}

}  // namespace
}  // namespace ragd
