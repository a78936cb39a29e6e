#include "llm/retry_policy.h"

#include <gtest/gtest.h>

#include "fakes.h"

namespace ragd {
namespace {

using std::chrono::milliseconds;
using testing::error_step;
using testing::ok_step;
using testing::RecordingSleeper;

UnitRandom fixed(double value) {
  return [value] { return value; };
}

CompletionOutcome fail(LlmErrorKind kind, int status = 0) {
  return LlmError{.kind = kind, .message = "x", .http_status = status};
}

TEST(LlmError, Retryability) {
  for (LlmErrorKind kind :
       {LlmErrorKind::kConnect, LlmErrorKind::kConnectionLost, LlmErrorKind::kTimeoutConnect,
        LlmErrorKind::kTimeoutFirstToken, LlmErrorKind::kTimeoutIdle, LlmErrorKind::kTimeoutTotal,
        LlmErrorKind::kRateLimited}) {
    EXPECT_TRUE(LlmError{.kind = kind}.retryable()) << llm_error_kind_name(kind);
  }
  EXPECT_TRUE((LlmError{.kind = LlmErrorKind::kHttpStatus, .http_status = 503}.retryable()));
  EXPECT_TRUE((LlmError{.kind = LlmErrorKind::kHttpStatus, .http_status = 500}.retryable()));
  EXPECT_FALSE((LlmError{.kind = LlmErrorKind::kHttpStatus, .http_status = 400}.retryable()));
  EXPECT_FALSE((LlmError{.kind = LlmErrorKind::kHttpStatus, .http_status = 401}.retryable()));
  for (LlmErrorKind kind :
       {LlmErrorKind::kInvalidRequest, LlmErrorKind::kTls, LlmErrorKind::kProtocol,
        LlmErrorKind::kTooLarge, LlmErrorKind::kCancelled, LlmErrorKind::kCircuitOpen}) {
    EXPECT_FALSE(LlmError{.kind = kind}.retryable()) << llm_error_kind_name(kind);
  }
}

TEST(RetryPolicy, ThreeAttemptsWithExponentialFullJitter) {
  RecordingSleeper sleeper;
  RetryPolicy policy({}, &sleeper, fixed(0.999999));
  int calls = 0;
  std::vector<AttemptRecord> log;
  CompletionOutcome outcome = policy.run(
      [&](int n) {
        EXPECT_EQ(n, ++calls);
        return fail(LlmErrorKind::kTimeoutFirstToken);
      },
      "p", nullptr, &log);
  ASSERT_FALSE(outcome.ok());
  EXPECT_EQ(outcome.error().kind, LlmErrorKind::kTimeoutFirstToken);
  EXPECT_EQ(calls, 3);
  ASSERT_EQ(sleeper.delays.size(), 2u);
  EXPECT_EQ(sleeper.delays[0], milliseconds(100));  // upper bounds: 100, 200
  EXPECT_EQ(sleeper.delays[1], milliseconds(200));
  ASSERT_EQ(log.size(), 3u);
  EXPECT_EQ(log[0].wait_after, milliseconds(100));
  EXPECT_EQ(log[2].wait_after, milliseconds(0));
  EXPECT_EQ(log[1].provider, "p");
}

TEST(RetryPolicy, JitterScalesTheBoundAndCapApplies) {
  RecordingSleeper sleeper;
  RetryPolicy policy({.max_attempts = 10, .base = milliseconds(100), .cap = milliseconds(5000)},
                     &sleeper, fixed(0.5));
  (void)policy.run([](int) { return fail(LlmErrorKind::kConnect); }, "p", nullptr, nullptr);
  const std::vector<milliseconds> expected = {
      milliseconds(50),   milliseconds(100),  milliseconds(200),
      milliseconds(400),  milliseconds(800),  milliseconds(1600),
      milliseconds(2500), milliseconds(2500), milliseconds(2500)};
  EXPECT_EQ(sleeper.delays, expected);
}

TEST(RetryPolicy, SucceedsOnALaterAttempt) {
  RecordingSleeper sleeper;
  RetryPolicy policy({}, &sleeper, fixed(0.0));
  std::vector<AttemptRecord> log;
  CompletionOutcome outcome = policy.run(
      [](int n) -> CompletionOutcome {
        if (n < 3) return fail(LlmErrorKind::kHttpStatus, 503);
        return CompletionResult{.text = "ok"};
      },
      "p", nullptr, &log);
  ASSERT_TRUE(outcome.ok());
  EXPECT_EQ(outcome->text, "ok");
  ASSERT_EQ(log.size(), 3u);
  EXPECT_TRUE(log[0].error.has_value());
  EXPECT_FALSE(log[2].error.has_value());
}

TEST(RetryPolicy, RetryAfterHonouredUpToCap) {
  RecordingSleeper sleeper;
  RetryPolicy policy({}, &sleeper, fixed(0.0));
  int n = 0;
  (void)policy.run(
      [&](int) -> CompletionOutcome {
        LlmError error{.kind = LlmErrorKind::kRateLimited, .http_status = 429};
        error.retry_after = ++n == 1 ? milliseconds(2000) : milliseconds(60000);
        return error;
      },
      "p", nullptr, nullptr);
  ASSERT_EQ(sleeper.delays.size(), 2u);
  EXPECT_EQ(sleeper.delays[0], milliseconds(2000));
  EXPECT_EQ(sleeper.delays[1], milliseconds(5000));
}

TEST(RetryPolicy, NoRetryForPermanentFailuresOrPartialOutput) {
  RecordingSleeper sleeper;
  RetryPolicy policy({}, &sleeper, fixed(0.5));
  for (CompletionOutcome permanent :
       {fail(LlmErrorKind::kHttpStatus, 401), fail(LlmErrorKind::kProtocol),
        fail(LlmErrorKind::kCancelled), fail(LlmErrorKind::kTls)}) {
    int calls = 0;
    (void)policy.run(
        [&](int) {
          ++calls;
          return permanent;
        },
        "p", nullptr, nullptr);
    EXPECT_EQ(calls, 1);
  }
  int calls = 0;
  (void)policy.run(
      [&](int) -> CompletionOutcome {
        ++calls;
        return LlmError{.kind = LlmErrorKind::kConnectionLost, .partial_output = true};
      },
      "p", nullptr, nullptr);
  EXPECT_EQ(calls, 1);
  EXPECT_TRUE(sleeper.delays.empty());
}

TEST(RetryPolicy, CancelWhileWaitingStops) {
  RecordingSleeper sleeper;
  RetryPolicy policy({}, &sleeper, fixed(0.5));
  std::atomic<bool> cancel{true};
  int calls = 0;
  CompletionOutcome outcome = policy.run(
      [&](int) {
        ++calls;
        return fail(LlmErrorKind::kConnect);
      },
      "p", &cancel, nullptr);
  ASSERT_FALSE(outcome.ok());
  EXPECT_EQ(outcome.error().kind, LlmErrorKind::kCancelled);
  EXPECT_EQ(calls, 1);
}

}  // namespace
}  // namespace ragd
