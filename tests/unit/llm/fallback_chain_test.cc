#include "llm/fallback_chain.h"

#include <gtest/gtest.h>

#include "fakes.h"

namespace ragd {
namespace {

using testing::error_step;
using testing::ok_step;
using testing::RecordingSleeper;
using testing::ScriptedProvider;

CompletionRequest question() {
  return CompletionRequest{.messages = {{"user", "What is the tasting fee?"}}};
}

class FallbackChainTest : public ::testing::Test {
 protected:
  std::shared_ptr<ScriptedProvider> provider(std::string name, std::vector<testing::Step> steps) {
    return std::make_shared<ScriptedProvider>(std::move(name), std::move(steps));
  }
  std::shared_ptr<CircuitBreaker> breaker(CircuitBreakerOptions options = {}) {
    return std::make_shared<CircuitBreaker>(options, clock_);
  }
  FallbackChain chain(std::vector<FallbackEntry> entries) {
    return FallbackChain(std::move(entries), "chain", &sleeper_, [] { return 0.0; });
  }
  std::shared_ptr<testing::ManualClock> clock_ = std::make_shared<testing::ManualClock>();
  RecordingSleeper sleeper_;
};

TEST_F(FallbackChainTest, FirstProviderAnswers) {
  auto a = provider("a", {ok_step("from a")});
  auto b = provider("b", {});
  FallbackChain c = chain({{a, breaker()}, {b, breaker()}});
  std::string streamed;
  ChainReport report;
  CompletionOutcome outcome = c.complete_with_report(
      question(),
      [&](std::string_view d) {
        streamed += d;
        return true;
      },
      nullptr, &report);
  ASSERT_TRUE(outcome.ok());
  EXPECT_EQ(outcome->text, "from a");
  EXPECT_EQ(outcome->provider, "a");
  EXPECT_EQ(streamed, "from a");
  EXPECT_EQ(report.answered_by, "a");
  EXPECT_EQ(report.attempts.size(), 1u);
  EXPECT_EQ(b->calls(), 0);
}

TEST_F(FallbackChainTest, RetriesThenFallsBack) {
  auto a = provider(
      "a", {error_step(LlmErrorKind::kHttpStatus, 503),
            error_step(LlmErrorKind::kTimeoutFirstToken), error_step(LlmErrorKind::kConnect)});
  auto b = provider("b", {ok_step("from b")});
  FallbackChain c = chain({{a, breaker()}, {b, breaker()}});
  ChainReport report;
  CompletionOutcome outcome = c.complete_with_report(question(), {}, nullptr, &report);
  ASSERT_TRUE(outcome.ok());
  EXPECT_EQ(outcome->provider, "b");
  EXPECT_EQ(a->calls(), 3);
  ASSERT_EQ(report.attempts.size(), 4u);
  EXPECT_EQ(report.attempts[0].provider, "a");
  EXPECT_EQ(report.attempts[2].attempt, 3);
  EXPECT_EQ(report.attempts[3].provider, "b");
  EXPECT_EQ(sleeper_.delays.size(), 2u);  // between a's attempts only
}

TEST_F(FallbackChainTest, PermanentFailureSkipsRetriesButFallsBack) {
  auto a = provider("a", {error_step(LlmErrorKind::kHttpStatus, 401)});
  auto b = provider("b", {ok_step("from b")});
  FallbackChain c = chain({{a, breaker()}, {b, breaker()}});
  CompletionOutcome outcome = c.complete(question(), {});
  ASSERT_TRUE(outcome.ok());
  EXPECT_EQ(a->calls(), 1);
}

TEST_F(FallbackChainTest, NoSwitchAfterPartialOutput) {
  auto a = provider("a", {error_step(LlmErrorKind::kConnectionLost, 0, {"The fee ", "is "})});
  auto b = provider("b", {ok_step("from b")});
  FallbackChain c = chain({{a, breaker()}, {b, breaker()}});
  std::string streamed;
  ChainReport report;
  CompletionOutcome outcome = c.complete_with_report(
      question(),
      [&](std::string_view d) {
        streamed += d;
        return true;
      },
      nullptr, &report);
  ASSERT_FALSE(outcome.ok());
  EXPECT_TRUE(outcome.error().partial_output);
  EXPECT_EQ(outcome.error().kind, LlmErrorKind::kConnectionLost);
  EXPECT_EQ(outcome.error().provider, "a");
  EXPECT_EQ(streamed, "The fee is ");
  EXPECT_EQ(a->calls(), 1);
  EXPECT_EQ(b->calls(), 0);
  EXPECT_TRUE(report.answered_by.empty());
}

TEST_F(FallbackChainTest, OpenBreakerSkipsProviderAndHalfOpensLater) {
  auto shared_breaker = breaker({.failure_threshold = 3});
  std::vector<testing::Step> failures(3, error_step(LlmErrorKind::kConnect));
  auto a = provider("a", failures);
  auto b = provider("b", {ok_step("1"), ok_step("2"), ok_step("3")});
  FallbackChain c = chain({{a, shared_breaker}, {b, breaker()}});
  ASSERT_TRUE(c.complete(question(), {}).ok());  // a fails 3 times -> open; b answers
  EXPECT_EQ(shared_breaker->state(), BreakerState::kOpen);
  ChainReport report;
  CompletionOutcome second = c.complete_with_report(question(), {}, nullptr, &report);
  ASSERT_TRUE(second.ok());
  EXPECT_EQ(a->calls(), 3);  // not called while open
  ASSERT_EQ(report.attempts.size(), 2u);
  ASSERT_TRUE(report.attempts[0].error.has_value());
  EXPECT_EQ(report.attempts[0].error->kind, LlmErrorKind::kCircuitOpen);
  clock_->advance(std::chrono::seconds(120));
  CompletionOutcome third = c.complete(question(), {});  // a's script is empty: it succeeds
  ASSERT_TRUE(third.ok());
  EXPECT_EQ(third->provider, "a");
  EXPECT_EQ(shared_breaker->state(), BreakerState::kHalfOpen);
}

TEST_F(FallbackChainTest, AllFailReportsEveryProvider) {
  auto a = provider("a", {error_step(LlmErrorKind::kProtocol)});
  auto b = provider("b", {error_step(LlmErrorKind::kHttpStatus, 400)});
  FallbackChain c = chain({{a, breaker()}, {b, breaker()}});
  CompletionOutcome outcome = c.complete(question(), {});
  ASSERT_FALSE(outcome.ok());
  EXPECT_EQ(outcome.error().kind, LlmErrorKind::kHttpStatus);
  EXPECT_NE(outcome.error().message.find("a: protocol"), std::string::npos)
      << outcome.error().message;
  EXPECT_NE(outcome.error().message.find("b: http_status 400"), std::string::npos);
}

TEST_F(FallbackChainTest, AllBreakersOpenIsCircuitOpen) {
  auto open = breaker({.failure_threshold = 1});
  open->allow();
  open->record_failure();
  FallbackChain c = chain({{provider("a", {}), open}});
  CompletionOutcome outcome = c.complete(question(), {});
  ASSERT_FALSE(outcome.ok());
  EXPECT_EQ(outcome.error().kind, LlmErrorKind::kCircuitOpen);
}

TEST_F(FallbackChainTest, CancelledIsNotHeldAgainstTheProviderAndStopsTheChain) {
  auto a_breaker = breaker({.failure_threshold = 1});
  auto a = provider("a", {error_step(LlmErrorKind::kCancelled)});
  auto b = provider("b", {});
  FallbackChain c = chain({{a, a_breaker}, {b, breaker()}});
  CompletionOutcome outcome = c.complete(question(), {});
  ASSERT_FALSE(outcome.ok());
  EXPECT_EQ(outcome.error().kind, LlmErrorKind::kCancelled);
  EXPECT_EQ(a_breaker->state(), BreakerState::kClosed);
  EXPECT_EQ(b->calls(), 0);
}

TEST_F(FallbackChainTest, EmptyChainIsAClearFailure) {
  FallbackChain c = chain({});
  CompletionOutcome outcome = c.complete(question(), {});
  ASSERT_FALSE(outcome.ok());
  EXPECT_EQ(outcome.error().kind, LlmErrorKind::kInvalidRequest);
}

}  // namespace
}  // namespace ragd
