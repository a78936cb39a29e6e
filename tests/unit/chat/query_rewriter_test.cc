#include "chat/query_rewriter.h"

#include <gtest/gtest.h>

#include <stdexcept>
#include <string>
#include <vector>

#include "test_support.h"

namespace ragd {
namespace {

const int32_t kToday = testing_support::day("2025-06-15");

struct Case {
  std::vector<ConversationTurn> history;
  const char* question;
  const char* expected;  // nullptr: unchanged
};

ConversationTurn turn(std::string question, std::string answer = "", std::string rewritten = "") {
  return ConversationTurn{std::move(question), std::move(rewritten), std::move(answer)};
}

TEST(QueryRewriter, Table) {
  const Case cases[] = {
      // No history: nothing to resolve.
      {{}, "How much is it?", nullptr},
      // Fragments re-ask the previous question.
      {{turn("How much is the Estate Pinot Noir?")},
       "What about the Syrah?",
       "How much is the Syrah?"},
      {{turn("How much is the Estate Pinot Noir?", "", "How much is the Estate Pinot Noir?"),
        turn("What about the Syrah?", "", "How much is the Syrah?")},
       "And the Zinfandel?",
       "How much is the Zinfandel?"},
      {{turn("What was the harvest like in 2021?")},
       "And in 2022?",
       "What was the harvest like in 2022?"},
      {{turn("What was the harvest like?")}, "and in 2022?", "What was the harvest like in 2022?"},
      {{turn("How much was the Reserve Pinot Noir in 2021?")},
       "what about the Syrah in 2022?",
       "How much was the Syrah in 2022?"},
      {{turn("What are the opening hours?")},
       "What about on weekends?",
       "What are the opening hours on weekends?"},
      {{turn("What is the Reserve tier?")},
       "what about the Heritage tier?",
       "What is the Heritage tier?"},
      {{turn("What does the Estate Flight include?")},
       "Same for the Reserve Tasting",
       "What does the Reserve Tasting include?"},
      // Pronouns take the previous question's topic.
      {{turn("Tell me about the Reserve Pinot Noir.")},
       "How much does it cost?",
       "How much does the Reserve Pinot Noir cost?"},
      {{turn("What is the Reserve tier?")},
       "How many bottles are in it?",
       "How many bottles are in the Reserve tier?"},
      {{turn("What is the Confluence?")},
       "What grapes are in it?",
       "What grapes are in the Confluence?"},
      {{turn("What is the return policy for merchandise?")},
       "Does it apply to wine?",
       "Does the return policy for merchandise apply to wine?"},
      {{turn("What are the Creekside and Heritage tiers?")},
       "How much do they cost?",
       "How much do the Creekside and Heritage tiers cost?"},
      {{turn("What are the benefits of the Reserve tier of the wine club?")},
       "How much does it cost?",
       "How much does the Reserve tier cost?"},
      {{turn("What is ACV-POL-0215?")}, "Who does it apply to?", "Who does ACV-POL-0215 apply to?"},
      {{turn("Tell me about the Old Vine Zinfandel")},
       "What is its price?",
       "What is the Old Vine Zinfandel's price?"},
      {{turn("What is the Confluence?")},
       "How much is that wine?",
       "How much is the Confluence wine?"},
      {{turn("What is the Reserve tier?")},
       "How many bottles come in that tier?",
       "How many bottles come in the Reserve tier?"},
      {{turn("What is the Reserve tier?")}, "It includes what?", "The Reserve tier includes what?"},
      {{turn("What is the Loft?")}, "Where is it?", "Where is the Loft?"},
      {{turn("What is the Cave Tour?")},
       "What does that include?",
       "What does the Cave Tour include?"},
      {{turn("How much does the Estate Flight cost?")},
       "Can I book it online?",
       "Can I book the Estate Flight online?"},
      // People: he/she from a name in the question, else in the answer.
      {{turn("Who is the winemaker?", "Dana Okafor has been our winemaker since 2014 [1].")},
       "When did she join?",
       "When did Dana Okafor join?"},
      {{turn("Tell me about Luis Ortega")}, "What does he do?", "What does Luis Ortega do?"},
      {{turn("Who is Claire Alder?")},
       "What is her background?",
       "What is Claire Alder's background?"},
      // Places.
      {{turn("How do I get to the Alder Creek Trail?")},
       "Are dogs allowed there?",
       "Are dogs allowed at the Alder Creek Trail?"},
      {{turn("Where is the Creekside Meadow?")},
       "How do I get there?",
       "How do I get to the Creekside Meadow?"},
      // An older turn answers when the latest names nothing.
      {{turn("What is the Blanc de Blancs?"), turn("Thanks, that helps.")},
       "How much is it?",
       "How much is the Blanc de Blancs?"},
      // Standalone questions stay as they are.
      {{turn("What is the Reserve tier?")}, "Are dogs allowed at the estate?", nullptr},
      {{turn("What is the Reserve tier?")}, "When is the Harvest Festival?", nullptr},
      {{turn("What are the tasting options?")}, "Is there a picnic area?", nullptr},
      {{turn("What are the tasting options?")}, "Are there any discounts?", nullptr},
      {{turn("What is the Cave Tour?")}, "Is it possible to book online?", nullptr},
      {{turn("What is the Estate Flight?")}, "Is there a tasting that includes food?", nullptr},
      {{turn("What is the Reserve tier?")}, "Does the Reserve tier include it?", nullptr},
      {{turn("What is the Reserve tier?")},
       "How long does it take to drive from Ferndell?",
       nullptr},
      {{turn("What is the Reserve tier?")}, "", nullptr},
      // A pronoun with nothing named before: the earlier words are appended.
      {{turn("how do I book a tasting")},
       "How much does it cost?",
       "How much does it cost (book tasting)?"},
  };
  QueryRewriter rewriter;
  for (const Case& c : cases) {
    const QueryRewrite r = rewriter.rewrite(c.question, c.history, kToday);
    const std::string expected = c.expected ? c.expected : c.question;
    EXPECT_EQ(r.query, expected) << "question: " << c.question;
    EXPECT_EQ(r.changed, c.expected != nullptr) << c.question;
    EXPECT_STREQ(rewrite_method_name(r.method), c.expected ? "heuristic" : "none") << c.question;
    if (c.expected) {
      EXPECT_FALSE(r.carried_over.empty()) << c.question;
    }
  }
}

TEST(QueryRewriter, OnlyTheLastTurnsAreConsulted) {
  std::vector<ConversationTurn> history = {turn("What is the Blanc de Blancs?"), turn("Hi"),
                                           turn("Hello"), turn("Thanks")};
  QueryRewriter near(2);
  // Two turns back there is nothing named; the keywords of the latest turn are appended.
  EXPECT_EQ(near.rewrite("How much is it?", history, kToday).query, "How much is it (thanks)?");
  QueryRewriter far(4);
  EXPECT_EQ(far.rewrite("How much is it?", history, kToday).query,
            "How much is the Blanc de Blancs?");
  QueryRewriter none(0);
  EXPECT_FALSE(none.rewrite("How much is it?", history, kToday).changed);
}

TEST(QueryRewriter, LlmHookIsUsedAndItsFailuresFallBack) {
  std::vector<ConversationTurn> history = {turn("What is the Reserve tier?")};
  QueryRewriter rewriter;
  int calls = 0;
  rewriter.set_llm_hook([&](std::string_view question,
                            std::span<const ConversationTurn> turns) -> Result<std::string> {
    ++calls;
    EXPECT_EQ(turns.size(), 1u);
    if (question == "fail") return Status::error(ErrorCode::kBusy, "provider down");
    if (question == "throw") throw std::runtime_error("boom");
    if (question == "empty") return std::string("  \n");
    if (question == "bad utf8") return std::string("\xff\xfe");
    if (question == "same") return std::string("same");
    return std::string(" \"How many bottles does the Reserve tier ship?\"\n");
  });
  QueryRewrite r = rewriter.rewrite("How many bottles does it ship?", history, kToday);
  EXPECT_EQ(r.query, "How many bottles does the Reserve tier ship?");
  EXPECT_TRUE(r.changed);
  EXPECT_EQ(r.method, RewriteMethod::kLlm);
  for (const char* q : {"fail", "throw", "empty", "bad utf8"}) {
    r = rewriter.rewrite(q, history, kToday);
    EXPECT_EQ(r.method, RewriteMethod::kNone) << q;  // heuristic: nothing to resolve
    EXPECT_EQ(r.query, q);
  }
  r = rewriter.rewrite("same", history, kToday);
  EXPECT_FALSE(r.changed);
  // Heuristic fallback still resolves pronouns when the hook fails.
  rewriter.set_llm_hook(
      [](std::string_view, std::span<const ConversationTurn>) -> Result<std::string> {
        return Status::internal("no");
      });
  EXPECT_EQ(rewriter.rewrite("How much does it cost?", history, kToday).query,
            "How much does the Reserve tier cost?");
  // No history: the hook is not asked.
  const int before = calls;
  rewriter.set_llm_hook(
      [&](std::string_view, std::span<const ConversationTurn>) -> Result<std::string> {
        ++calls;
        return std::string("x");
      });
  EXPECT_FALSE(rewriter.rewrite("How much is it?", {}, kToday).changed);
  EXPECT_EQ(calls, before);
}

TEST(QueryRewriter, HostileInputNeverCrashes) {
  QueryRewriter rewriter;
  for (uint32_t seed = 1; seed <= 30; ++seed) {
    std::vector<ConversationTurn> history = {turn(testing_support::hostile_bytes(500, seed),
                                                  testing_support::hostile_bytes(800, seed + 1)),
                                             turn(testing_support::hostile_bytes(300, seed + 2))};
    const std::string q = testing_support::hostile_bytes(200 + seed * 13, seed + 3);
    EXPECT_NO_FATAL_FAILURE(rewriter.rewrite(q, history, kToday));
    EXPECT_NO_FATAL_FAILURE(rewriter.rewrite("What about it?", history, kToday));
    EXPECT_NO_FATAL_FAILURE(rewriter.rewrite("and there?", history, kToday));
  }
  const std::string huge(1'000'000, 'a');
  std::vector<ConversationTurn> history = {turn(huge, huge)};
  EXPECT_FALSE(rewriter.rewrite(huge, history, kToday).changed);
  EXPECT_NO_FATAL_FAILURE(rewriter.rewrite("How much is it?", history, kToday));
  std::vector<ConversationTurn> invalid = {turn("What is the Ros\xff Tier?")};
  EXPECT_NO_FATAL_FAILURE(rewriter.rewrite("How much is it\xc3?", invalid, kToday));
}

}  // namespace
}  // namespace ragd
