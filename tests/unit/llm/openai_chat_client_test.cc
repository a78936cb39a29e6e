// OpenAiChatClient against the fake OpenAI-compatible server: every behaviour it can be told
// to show ends in a result or a clear failure, within the configured timeouts.
#include "llm/openai_chat_client.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <thread>

#include "../../support/fake_server_process.h"
#include "fakes.h"
#include "llm/fallback_chain.h"
#include "text/normalize.h"

namespace ragd {
namespace {

using std::chrono::milliseconds;
using testing::shared_fake_server;

const char* kPassagePrompt =
    "Answer from the context and cite it.\n\nContext:\n[1] Visiting > Tastings (2024-03-01)\n"
    "Tastings cost $20 per person. Members taste for free.\n\n[2] Club\nOther text.";
const char* kExpected = "Tastings cost $20 per person. [1]";

class OpenAiChatClientTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_NE(shared_fake_server().port(), 0) << shared_fake_server().error();
  }
  static OpenAiChatOptions options() {
    OpenAiChatOptions o;
    o.name = "fake-llm";
    o.base_url = shared_fake_server().base_url();
    o.model = "fake";
    o.connect_timeout = milliseconds(2000);
    o.first_token_timeout = milliseconds(2000);
    o.idle_timeout = milliseconds(2000);
    o.total_timeout = milliseconds(10000);
    return o;
  }
  static CompletionRequest request(const std::string& model, bool stream = true) {
    CompletionRequest r;
    r.messages = {{"system", kPassagePrompt}, {"user", "How much is a tasting?"}};
    r.model = model;
    r.stream = stream;
    return r;
  }
  struct Collected {
    std::string text;
    int deltas = 0;
    bool all_valid_utf8 = true;
  };
  static DeltaCallback collect(Collected& c) {
    return [&c](std::string_view d) {
      c.text.append(d);
      ++c.deltas;
      c.all_valid_utf8 = c.all_valid_utf8 && is_valid_utf8(d);
      return true;
    };
  }
};

TEST_F(OpenAiChatClientTest, StreamsTheDefaultAnswerWithServerUsage) {
  OpenAiChatClient client(options());
  Collected c;
  CompletionOutcome outcome = client.complete(request("fake"), collect(c));
  ASSERT_TRUE(outcome.ok()) << outcome.error().to_string();
  EXPECT_EQ(outcome->text, kExpected);
  EXPECT_EQ(c.text, kExpected);
  EXPECT_GT(c.deltas, 1);
  EXPECT_EQ(outcome->finish_reason, "stop");
  EXPECT_EQ(outcome->model, "fake");
  EXPECT_EQ(outcome->provider, "fake-llm");
  EXPECT_FALSE(outcome->usage.counted_locally);
  EXPECT_EQ(outcome->usage.completion_tokens, 6);  // the fake server counts words
  EXPECT_GT(outcome->usage.prompt_tokens, 0);
  EXPECT_LE(outcome->first_token_ms, outcome->total_ms);
}

TEST_F(OpenAiChatClientTest, NonStreaming) {
  OpenAiChatClient client(options());
  Collected c;
  CompletionOutcome outcome = client.complete(request("fake", false), collect(c));
  ASSERT_TRUE(outcome.ok()) << outcome.error().to_string();
  EXPECT_EQ(outcome->text, kExpected);
  EXPECT_EQ(c.deltas, 1);
  EXPECT_EQ(c.text, kExpected);
  EXPECT_FALSE(outcome->usage.counted_locally);
}

TEST_F(OpenAiChatClientTest, AnswerChosenThroughTheControlQueue) {
  OpenAiChatClient client(options());
  shared_fake_server().control(
      R"({"queue": [{"behaviour": "fake", "answer": "The fee is $20 [1]. Members are free [2]."}]})");
  CompletionOutcome outcome = client.complete(request("fake"), {});
  ASSERT_TRUE(outcome.ok());
  EXPECT_EQ(outcome->text, "The fee is $20 [1]. Members are free [2].");
  CompletionOutcome next = client.complete(request("fake"), {});  // the queue is used up
  ASSERT_TRUE(next.ok());
  EXPECT_EQ(next->text, kExpected);
}

TEST_F(OpenAiChatClientTest, NoPassageMeansDoesNotSay) {
  OpenAiChatClient client(options());
  CompletionRequest r;
  r.messages = {{"user", "Hello?"}};
  CompletionOutcome outcome = client.complete(r, {});
  ASSERT_TRUE(outcome.ok());
  EXPECT_EQ(outcome->text, "The knowledge base does not say.");
}

TEST_F(OpenAiChatClientTest, SlowAndLatentServersStillAnswer) {
  OpenAiChatClient client(options());
  for (const char* model : {"fake-slow:20", "fake-latency:100"}) {
    for (bool stream : {true, false}) {
      Collected c;
      CompletionOutcome outcome = client.complete(request(model, stream), collect(c));
      ASSERT_TRUE(outcome.ok()) << model << ": " << outcome.error().to_string();
      EXPECT_EQ(outcome->text, kExpected) << model;
    }
  }
}

TEST_F(OpenAiChatClientTest, StallBeforeFirstTokenIsAFirstTokenTimeout) {
  OpenAiChatOptions o = options();
  o.first_token_timeout = milliseconds(300);
  OpenAiChatClient client(o);
  for (bool stream : {true, false}) {
    CompletionOutcome outcome = client.complete(request("fake-stall-first:5000", stream), {});
    ASSERT_FALSE(outcome.ok());
    EXPECT_EQ(outcome.error().kind, LlmErrorKind::kTimeoutFirstToken)
        << outcome.error().to_string();
    EXPECT_TRUE(outcome.error().retryable());
    EXPECT_FALSE(outcome.error().partial_output);
  }
}

TEST_F(OpenAiChatClientTest, StallMidStreamIsAnIdleOrTotalTimeoutWithPartialOutput) {
  OpenAiChatOptions o = options();
  o.idle_timeout = milliseconds(300);
  OpenAiChatClient idle_client(o);
  Collected c;
  CompletionOutcome idle = idle_client.complete(request("fake-stall-mid:5000"), collect(c));
  ASSERT_FALSE(idle.ok());
  EXPECT_EQ(idle.error().kind, LlmErrorKind::kTimeoutIdle);
  EXPECT_TRUE(idle.error().partial_output);
  EXPECT_FALSE(c.text.empty());

  o.idle_timeout = milliseconds(0);
  o.total_timeout = milliseconds(600);
  OpenAiChatClient total_client(o);
  CompletionOutcome total = total_client.complete(request("fake-stall-mid:5000"), {});
  ASSERT_FALSE(total.ok());
  EXPECT_EQ(total.error().kind, LlmErrorKind::kTimeoutTotal);
}

TEST_F(OpenAiChatClientTest, RateLimitedCarriesRetryAfter) {
  OpenAiChatClient client(options());
  CompletionOutcome outcome = client.complete(request("fake-429:7"), {});
  ASSERT_FALSE(outcome.ok());
  EXPECT_EQ(outcome.error().kind, LlmErrorKind::kRateLimited);
  EXPECT_EQ(outcome.error().http_status, 429);
  EXPECT_EQ(outcome.error().retry_after, milliseconds(7000));
  EXPECT_TRUE(outcome.error().retryable());
  EXPECT_NE(outcome.error().message.find("failure on command"), std::string::npos);
}

TEST_F(OpenAiChatClientTest, ServerErrorsByStatus) {
  OpenAiChatClient client(options());
  CompletionOutcome five = client.complete(request("fake-500"), {});
  ASSERT_FALSE(five.ok());
  EXPECT_EQ(five.error().kind, LlmErrorKind::kHttpStatus);
  EXPECT_EQ(five.error().http_status, 500);
  EXPECT_TRUE(five.error().retryable());
  CompletionOutcome four = client.complete(request("fake-404", false), {});
  ASSERT_FALSE(four.ok());
  EXPECT_EQ(four.error().http_status, 404);
  EXPECT_FALSE(four.error().retryable());
}

TEST_F(OpenAiChatClientTest, TransientFailuresRetriedThroughTheChain) {
  shared_fake_server().control(R"({"reset": true})");
  auto client = std::make_shared<OpenAiChatClient>(options());
  testing::RecordingSleeper sleeper;
  FallbackChain chain({{client, nullptr, {}}}, "chain", &sleeper, [] { return 0.5; });
  ChainReport report;
  CompletionOutcome outcome =
      chain.complete_with_report(request("fake-503-then-ok:2"), {}, nullptr, &report);
  ASSERT_TRUE(outcome.ok()) << outcome.error().to_string();
  EXPECT_EQ(outcome->text, kExpected);
  EXPECT_EQ(report.attempts.size(), 3u);
  EXPECT_EQ(sleeper.delays, (std::vector<milliseconds>{milliseconds(50), milliseconds(100)}));
  nlohmann::json stats = nlohmann::json::parse(shared_fake_server().stats(), nullptr, false);
  ASSERT_TRUE(stats.is_object());
  EXPECT_EQ(stats["behaviours"]["fake-503-then-ok:2"], 3);
}

TEST_F(OpenAiChatClientTest, CutStreamFailsUnlessFinishArrived) {
  OpenAiChatClient client(options());
  Collected c;
  CompletionOutcome cut = client.complete(request("fake-cut"), collect(c));
  ASSERT_FALSE(cut.ok());
  EXPECT_EQ(cut.error().kind, LlmErrorKind::kConnectionLost) << cut.error().to_string();
  EXPECT_TRUE(cut.error().partial_output);
  EXPECT_FALSE(c.text.empty());

  CompletionOutcome cut_whole = client.complete(request("fake-cut", false), {});
  ASSERT_FALSE(cut_whole.ok());
  EXPECT_EQ(cut_whole.error().kind, LlmErrorKind::kConnectionLost);

  CompletionOutcome finished = client.complete(request("fake-cut-after-finish"), {});
  ASSERT_TRUE(finished.ok()) << finished.error().to_string();
  EXPECT_EQ(finished->text, kExpected);
  EXPECT_TRUE(finished->usage.counted_locally);
}

TEST_F(OpenAiChatClientTest, MalformedEventsAreProtocolErrors) {
  OpenAiChatClient client(options());
  for (bool stream : {true, false}) {
    CompletionOutcome outcome = client.complete(request("fake-malformed", stream), {});
    ASSERT_FALSE(outcome.ok());
    EXPECT_EQ(outcome.error().kind, LlmErrorKind::kProtocol) << outcome.error().to_string();
    EXPECT_FALSE(outcome.error().retryable());
  }
}

TEST_F(OpenAiChatClientTest, InvalidUtf8IsRepairedNeverPassedThrough) {
  OpenAiChatClient client(options());
  for (bool stream : {true, false}) {
    Collected c;
    CompletionOutcome outcome = client.complete(request("fake-badutf8", stream), collect(c));
    ASSERT_TRUE(outcome.ok()) << outcome.error().to_string();
    EXPECT_TRUE(is_valid_utf8(outcome->text));
    EXPECT_TRUE(c.all_valid_utf8);
    EXPECT_NE(outcome->text.find("\xEF\xBF\xBD"), std::string::npos);  // U+FFFD
    EXPECT_NE(outcome->text.find("Tastings cost"), std::string::npos);
  }
}

TEST_F(OpenAiChatClientTest, MissingUsageIsCountedLocally) {
  OpenAiChatClient client(options());
  for (bool stream : {true, false}) {
    CompletionOutcome outcome = client.complete(request("fake-nousage", stream), {});
    ASSERT_TRUE(outcome.ok());
    EXPECT_TRUE(outcome->usage.counted_locally);
    EXPECT_GT(outcome->usage.completion_tokens, 0);
    EXPECT_GT(outcome->usage.prompt_tokens, 0);
  }
}

TEST_F(OpenAiChatClientTest, WrongContentTypeIsAProtocolError) {
  OpenAiChatClient client(options());
  for (bool stream : {true, false}) {
    CompletionOutcome outcome = client.complete(request("fake-wrongtype", stream), {});
    ASSERT_FALSE(outcome.ok());
    EXPECT_EQ(outcome.error().kind, LlmErrorKind::kProtocol);
    EXPECT_NE(outcome.error().message.find("text/html"), std::string::npos);
  }
}

TEST_F(OpenAiChatClientTest, CallerCancels) {
  OpenAiChatClient client(options());
  int deltas = 0;
  CompletionOutcome by_callback =
      client.complete(request("fake"), [&](std::string_view) { return ++deltas < 2; });
  ASSERT_FALSE(by_callback.ok());
  EXPECT_EQ(by_callback.error().kind, LlmErrorKind::kCancelled);
  EXPECT_TRUE(by_callback.error().partial_output);
  EXPECT_EQ(deltas, 2);

  std::atomic<bool> cancel{false};
  std::thread canceller([&] {
    std::this_thread::sleep_for(milliseconds(100));
    cancel = true;
  });
  CompletionOutcome by_flag = client.complete(request("fake-stall-first:5000"), {}, &cancel);
  canceller.join();
  ASSERT_FALSE(by_flag.ok());
  EXPECT_EQ(by_flag.error().kind, LlmErrorKind::kCancelled);
  EXPECT_FALSE(by_flag.error().counts_as_provider_failure());
}

TEST_F(OpenAiChatClientTest, StopSequencesAndMaxTokensReachTheServer) {
  OpenAiChatClient client(options());
  CompletionRequest r = request("fake");
  r.stop = {" per"};
  CompletionOutcome stopped = client.complete(r, {});
  ASSERT_TRUE(stopped.ok());
  EXPECT_EQ(stopped->text, "Tastings cost $20");
  r.stop.clear();
  r.max_tokens = 2;
  CompletionOutcome capped = client.complete(r, {});
  ASSERT_TRUE(capped.ok());
  EXPECT_EQ(capped->finish_reason, "length");
  EXPECT_EQ(capped->text, "Tastings cost ");
}

TEST_F(OpenAiChatClientTest, ConnectionRefusedAndBadRequests) {
  OpenAiChatOptions o = options();
  o.base_url = "http://127.0.0.1:1";
  OpenAiChatClient refused(o);
  CompletionOutcome outcome = refused.complete(request("fake"), {});
  ASSERT_FALSE(outcome.ok());
  EXPECT_EQ(outcome.error().kind, LlmErrorKind::kConnect);
  EXPECT_TRUE(outcome.error().retryable());

  OpenAiChatClient client(options());
  CompletionOutcome empty = client.complete(CompletionRequest{}, {});
  ASSERT_FALSE(empty.ok());
  EXPECT_EQ(empty.error().kind, LlmErrorKind::kInvalidRequest);

  o.base_url = "not a url";
  OpenAiChatClient bad_url(o);
  CompletionOutcome invalid = bad_url.complete(request("fake"), {});
  ASSERT_FALSE(invalid.ok());
  EXPECT_EQ(invalid.error().kind, LlmErrorKind::kInvalidRequest);
}

TEST_F(OpenAiChatClientTest, RequestIsClampedAndRepaired) {
  OpenAiChatOptions o = options();
  o.base_url = "https://api.example.com/v1/";
  o.max_tokens_limit = 4096;
  OpenAiChatClient client(o);
  EXPECT_EQ(client.endpoint(), "https://api.example.com/v1/chat/completions");
  CompletionRequest r;
  r.messages = {{"user", "bad \xff bytes"}};
  r.temperature = 9;
  r.top_p = -1;
  r.max_tokens = 1'000'000;
  r.stop = {"a", "", "b", "c", "d", "e"};
  nlohmann::json body = nlohmann::json::parse(client.request_json(r));
  EXPECT_EQ(body["model"], "fake");
  EXPECT_EQ(body["temperature"], 2.0);
  EXPECT_EQ(body["top_p"], 0.01);
  EXPECT_EQ(body["max_tokens"], 4096);
  EXPECT_EQ(body["stop"], nlohmann::json({"a", "b", "c", "d"}));
  EXPECT_EQ(body["messages"][0]["content"], "bad \xEF\xBF\xBD bytes");
  EXPECT_EQ(body["stream_options"]["include_usage"], true);
  r.temperature = std::nan("");
  r.top_p = std::numeric_limits<double>::infinity();
  r.max_tokens = -5;
  r.stream = false;
  body = nlohmann::json::parse(client.request_json(r));
  EXPECT_EQ(body["temperature"], 0.2);
  EXPECT_EQ(body["top_p"], 1.0);
  EXPECT_EQ(body["max_tokens"], 1);
  EXPECT_FALSE(body.contains("stream_options"));
  EXPECT_EQ(OpenAiChatClient(OpenAiChatOptions{.base_url = "http://h:1"}).endpoint(),
            "http://h:1/v1/chat/completions");
}

TEST_F(OpenAiChatClientTest, ApiKeyAndTraceparentAreSent) {
  testing::FakeServerProcess keyed({"--api-key", "s3cret"});
  ASSERT_NE(keyed.port(), 0) << keyed.error();
  OpenAiChatOptions o = options();
  o.base_url = keyed.base_url();
  OpenAiChatClient without(o);
  CompletionOutcome refused = without.complete(request("fake"), {});
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().http_status, 401);
  EXPECT_FALSE(refused.error().retryable());
  o.api_key = "s3cret";
  OpenAiChatClient with(o);
  CompletionRequest r = request("fake");
  r.traceparent = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";
  CompletionOutcome ok = with.complete(r, {});
  ASSERT_TRUE(ok.ok()) << ok.error().to_string();
  EXPECT_EQ(ok->text, kExpected);
}

// Every behaviour, streamed and not: a result or a failure with a kind and a message, never
// a hang (the timeouts are the safety net) or a crash.
TEST_F(OpenAiChatClientTest, EveryBehaviourEndsCleanly) {
  OpenAiChatOptions o = options();
  o.first_token_timeout = milliseconds(400);
  o.idle_timeout = milliseconds(400);
  o.total_timeout = milliseconds(3000);
  OpenAiChatClient client(o);
  for (const char* model :
       {"fake", "fake-slow:5", "fake-latency:20", "fake-stall-first:3000", "fake-stall-mid:3000",
        "fake-429", "fake-500", "fake-503", "fake-503-then-ok:1", "fake-cut",
        "fake-cut-after-finish", "fake-malformed", "fake-badutf8", "fake-nousage", "fake-wrongtype",
        "gpt-4o-mini"}) {
    for (bool stream : {true, false}) {
      Collected c;
      CompletionOutcome outcome = client.complete(request(model, stream), collect(c));
      if (outcome.ok()) {
        EXPECT_TRUE(is_valid_utf8(outcome->text)) << model;
        EXPECT_EQ(c.text, outcome->text) << model;
      } else {
        EXPECT_FALSE(outcome.error().message.empty()) << model;
        EXPECT_EQ(outcome.error().provider, "fake-llm") << model;
      }
      EXPECT_TRUE(c.all_valid_utf8) << model;
    }
  }
}

}  // namespace
}  // namespace ragd
