// The answer pipeline run as its three phases (begin -> PendingAnswer::generate -> finish):
// the same answers as answer(), generation on another thread, finishing on a second pipeline
// with its own store connection, the decisions begin() makes, degradation and cancellation.
#include <gtest/gtest.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <filesystem>
#include <future>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "../llm/fakes.h"
#include "chat/answer_pipeline.h"
#include "store/store.h"
#include "text/analyzer.h"

namespace ragd {
namespace {

using testing::error_step;
using testing::ok_step;
using testing::ScriptedProvider;
using testing::Step;

SearchHit make_hit(int64_t id, std::string title, std::string text) {
  SearchHit hit;
  hit.chunk_id = id;
  hit.document_id = id;
  hit.document_key = "doc-" + std::to_string(id);
  hit.title = std::move(title);
  hit.section_path = hit.title;
  hit.text = std::move(text);
  hit.begin = 100;
  hit.end = 100 + static_cast<int64_t>(hit.text.size());
  hit.score = 10.0f / static_cast<float>(id);
  return hit;
}

const std::vector<SearchHit> kWineryHits = {
    make_hit(1, "Tasting Room",
             "The tasting room is open from 11 am to 5 pm every day except Tuesday. "
             "Reservations are required for groups of eight or more."),
    make_hit(2, "Wine Club",
             "Wine club members receive four shipments a year and a 15 percent discount on "
             "every bottle."),
};

const char kLlmText[] =
    "The tasting room is open from 11 am to 5 pm [1]. Members get a 15 percent discount [2].";

// Streams one delta, then stalls until `cancel` is set (a slow upstream that only
// cancellation ends); gives up after ten seconds so that a broken cancel fails, not hangs.
class StallingProvider final : public LlmProvider {
 public:
  CompletionOutcome complete(const CompletionRequest&, const DeltaCallback& on_delta,
                             const std::atomic<bool>* cancel) override {
    if (on_delta && !on_delta("The tasting ")) {
      return LlmError{.kind = LlmErrorKind::kCancelled, .partial_output = true};
    }
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    while (std::chrono::steady_clock::now() < deadline) {
      if (cancel != nullptr && cancel->load()) {
        saw_cancel = true;
        return LlmError{.kind = LlmErrorKind::kCancelled, .partial_output = true};
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
    return LlmError{.kind = LlmErrorKind::kTimeoutTotal, .partial_output = true};
  }
  const std::string& name() const override { return name_; }
  std::atomic<bool> saw_cancel{false};

 private:
  std::string name_ = "stalling";
};

// Records every event as "<kind>:<text>" with the thread it came on.
struct EventLog {
  std::vector<std::string> entries;
  std::vector<std::thread::id> delta_threads;
  AnswerEvents events() {
    AnswerEvents e;
    e.on_sources = [this](const std::vector<Passage>& p) {
      entries.push_back("sources:" + std::to_string(p.size()));
    };
    e.on_delta = [this](std::string_view d) {
      entries.push_back("delta:" + std::string(d));
      delta_threads.push_back(std::this_thread::get_id());
      return true;
    };
    e.on_retract = [this](std::string_view r) { entries.push_back("retract:" + std::string(r)); };
    e.on_citation = [this](const AnswerCitation& c) {
      entries.push_back("citation:" + std::to_string(c.number));
    };
    return e;
  }
};

class AnswerPipelinePhasesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("ragd-phases-" + std::to_string(::getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
    store_ = open_store();
    ASSERT_NE(store_, nullptr);
    auto collection = store_->get_or_create_collection("default");
    ASSERT_TRUE(collection.is_ok());
    collection_id_ = collection->id;
  }
  void TearDown() override {
    store_.reset();
    std::filesystem::remove_all(dir_);
  }

  std::unique_ptr<Store> open_store() {
    auto store = Store::open((dir_ / "ragd.db").string());
    EXPECT_TRUE(store.is_ok()) << store.status().to_string();
    return store.is_ok() ? std::move(*store) : nullptr;
  }

  std::unique_ptr<AnswerPipeline> make(Store* store, std::shared_ptr<LlmProvider> llm,
                                       int64_t collection_id = -1) {
    AnswerPipelineDeps deps;
    deps.store = store;
    deps.collection_id = collection_id < 0 ? collection_id_ : collection_id;
    deps.analyzer = &analyzer_;
    deps.retrieve = [this](const SearchRequest& request) -> Result<SearchResponse> {
      if (retrieval_fails_) return Status::io("disk on fire");
      SearchResponse response;
      response.strategy = "lexical";
      if (!empty_results_) {
        for (const SearchHit& hit : kWineryHits) {
          if (response.hits.size() < request.k) response.hits.push_back(hit);
        }
      }
      return response;
    };
    deps.llm = std::move(llm);
    AnswerPipelineConfig config;
    config.today = [] { return 20000; };
    return std::make_unique<AnswerPipeline>(std::move(deps), config);
  }

  static AnswerRequest question(std::string text = "When is the tasting room open?") {
    AnswerRequest request;
    request.question = std::move(text);
    return request;
  }

  std::filesystem::path dir_;
  std::unique_ptr<Store> store_;
  int64_t collection_id_ = 0;
  Analyzer analyzer_;
  bool retrieval_fails_ = false;
  bool empty_results_ = false;
};

void expect_same_answer(const AnswerResult& a, const AnswerResult& b) {
  EXPECT_EQ(a.answer, b.answer);
  EXPECT_EQ(a.strategy, b.strategy);
  EXPECT_EQ(a.abstained, b.abstained);
  EXPECT_EQ(a.model, b.model);
  EXPECT_EQ(a.rewritten_query, b.rewritten_query);
  EXPECT_EQ(a.intent, b.intent);
  EXPECT_EQ(a.retrieval_strategy, b.retrieval_strategy);
  EXPECT_EQ(a.unsupported_citations, b.unsupported_citations);
  EXPECT_EQ(a.usage.completion_tokens, b.usage.completion_tokens);
  ASSERT_EQ(a.passages.size(), b.passages.size());
  for (size_t i = 0; i < a.passages.size(); ++i) {
    EXPECT_EQ(a.passages[i].chunk_id, b.passages[i].chunk_id);
    EXPECT_EQ(a.passages[i].text, b.passages[i].text);
  }
  ASSERT_EQ(a.citations.size(), b.citations.size());
  for (size_t i = 0; i < a.citations.size(); ++i) {
    EXPECT_EQ(a.citations[i].number, b.citations[i].number);
    EXPECT_EQ(a.citations[i].chunk_id, b.citations[i].chunk_id);
    EXPECT_EQ(a.citations[i].span_begin, b.citations[i].span_begin);
    EXPECT_EQ(a.citations[i].span_end, b.citations[i].span_end);
    EXPECT_EQ(a.citations[i].supported, b.citations[i].supported);
  }
  ASSERT_EQ(a.degradations.size(), b.degradations.size());
  for (size_t i = 0; i < a.degradations.size(); ++i) {
    EXPECT_EQ(a.degradations[i].rung, b.degradations[i].rung);
    EXPECT_EQ(a.degradations[i].reason, b.degradations[i].reason);
  }
  EXPECT_EQ(a.warnings, b.warnings);
}

TEST_F(AnswerPipelinePhasesTest, BeginOnOnePipelineFinishOnAnotherEqualsAnswer) {
  for (bool with_llm : {true, false}) {
    SCOPED_TRACE(with_llm ? "llm" : "extractive");
    auto llm_of = [&]() -> std::shared_ptr<LlmProvider> {
      if (!with_llm) return nullptr;
      return std::make_shared<ScriptedProvider>("scripted", std::vector<Step>{ok_step(kLlmText)});
    };
    EventLog whole_log;
    auto whole = make(store_.get(), llm_of())->answer(question(), whole_log.events());
    ASSERT_TRUE(whole.is_ok()) << whole.status().to_string();

    // The second pipeline has its own connection, as a server's other worker would.
    std::unique_ptr<Store> other_store = open_store();
    ASSERT_NE(other_store, nullptr);
    auto first = make(store_.get(), llm_of());
    auto second = make(other_store.get(), llm_of());
    auto provider = llm_of();
    EventLog phased_log;
    AnswerEvents events = phased_log.events();
    auto pending = first->begin(question(), events);
    ASSERT_TRUE(pending.is_ok()) << pending.status().to_string();
    EXPECT_EQ((*pending)->needs_generation(), with_llm);
    std::string session_id = (*pending)->session_id();
    EXPECT_FALSE(session_id.empty());
    if ((*pending)->needs_generation()) (*pending)->generate(*provider, events, nullptr);
    auto phased = second->finish(std::move(*pending), events);
    ASSERT_TRUE(phased.is_ok()) << phased.status().to_string();

    expect_same_answer(*whole, *phased);
    EXPECT_EQ(phased->strategy, with_llm ? AnswerStrategy::kLlm : AnswerStrategy::kExtractive);
    EXPECT_EQ(phased_log.entries, whole_log.entries);
    EXPECT_EQ(phased->session_id, session_id);
    EXPECT_NE(phased->session_id, whole->session_id);
    EXPECT_EQ(phased->message_id.rfind("m_", 0), 0u);

    // The turn was stored through the second pipeline's connection, readable from the first.
    SessionStore sessions(*store_);
    auto turns = sessions.turns(session_id, "", 10);
    ASSERT_TRUE(turns.is_ok());
    ASSERT_EQ(turns->size(), 1u);
    EXPECT_EQ((*turns)[0].record.answer, phased->answer);
  }
}

TEST_F(AnswerPipelinePhasesTest, GenerateRunsOnAnotherThreadInEventOrder) {
  auto llm = std::make_shared<ScriptedProvider>(
      "scripted",
      std::vector<Step>{Step{.text = kLlmText,
                             .deltas = {"The tasting room is open from 11 am to 5 ",
                                        "pm [1]. Members get a 15 percent ", "discount [2]."}}});
  auto pipeline = make(store_.get(), llm);
  EventLog log;
  AnswerEvents events = log.events();
  auto pending = pipeline->begin(question(), events);
  ASSERT_TRUE(pending.is_ok());
  ASSERT_TRUE((*pending)->needs_generation());
  ASSERT_EQ(log.entries, std::vector<std::string>{"sources:2"}) << "begin emits only sources";

  std::unique_ptr<PendingAnswer> moved = std::move(*pending);
  std::thread generator([&] { moved->generate(*llm, events, nullptr); });
  generator.join();
  EXPECT_FALSE(moved->needs_generation()) << "generate runs at most once";
  auto result = pipeline->finish(std::move(moved), events);
  ASSERT_TRUE(result.is_ok()) << result.status().to_string();

  EXPECT_EQ(llm->calls(), 1);
  EXPECT_EQ(result->strategy, AnswerStrategy::kLlm);
  ASSERT_EQ(result->citations.size(), 2u);
  const std::vector<std::string> expected = {"sources:2",
                                             "delta:The tasting room is open from 11 am to 5 ",
                                             "delta:pm [1]. Members get a 15 percent ",
                                             "delta:discount [2].",
                                             "citation:1",
                                             "citation:2"};
  EXPECT_EQ(log.entries, expected);
  ASSERT_EQ(log.delta_threads.size(), 3u);
  EXPECT_NE(log.delta_threads[0], std::this_thread::get_id());
  EXPECT_LE(result->latency.first_token_ms, result->latency.generation_ms);
  EXPECT_LE(result->latency.generation_ms, result->latency.total_ms);
  EXPECT_DOUBLE_EQ(result->latency.overhead_ms,
                   result->latency.total_ms - result->latency.generation_ms);
}

TEST_F(AnswerPipelinePhasesTest, NoGenerationWithoutAnLlm) {
  auto pipeline = make(store_.get(), nullptr);
  EventLog log;
  AnswerEvents events = log.events();
  auto pending = pipeline->begin(question(), events);
  ASSERT_TRUE(pending.is_ok());
  EXPECT_FALSE((*pending)->needs_generation());
  auto result = pipeline->finish(std::move(*pending), events);
  ASSERT_TRUE(result.is_ok());
  EXPECT_EQ(result->strategy, AnswerStrategy::kExtractive);
  EXPECT_TRUE(result->degradations.empty());
  ASSERT_GE(log.entries.size(), 3u);
  EXPECT_EQ(log.entries[0], "sources:2");
  EXPECT_EQ(log.entries[1], "delta:" + result->answer);
  EXPECT_EQ(log.entries[2], "citation:1");
}

TEST_F(AnswerPipelinePhasesTest, NothingFoundAbstainsWithoutGeneration) {
  empty_results_ = true;
  auto llm = std::make_shared<ScriptedProvider>("scripted", std::vector<Step>{});
  auto pipeline = make(store_.get(), llm);
  EventLog log;
  AnswerEvents events = log.events();
  auto pending = pipeline->begin(question("Do you offer helicopter tours?"), events);
  ASSERT_TRUE(pending.is_ok());
  EXPECT_FALSE((*pending)->needs_generation());
  auto result = pipeline->finish(std::move(*pending), events);
  ASSERT_TRUE(result.is_ok());
  EXPECT_TRUE(result->abstained);
  EXPECT_NE(result->answer.find("does not say"), std::string::npos);
  EXPECT_TRUE(result->degradations.empty());
  EXPECT_EQ(llm->calls(), 0);
  EXPECT_EQ(log.entries, (std::vector<std::string>{"sources:0", "delta:" + result->answer}));
}

TEST_F(AnswerPipelinePhasesTest, RetrievalFailureNeedsNoGenerationAndGivesTheTemplate) {
  retrieval_fails_ = true;
  auto llm = std::make_shared<ScriptedProvider>("scripted", std::vector<Step>{});
  auto pipeline = make(store_.get(), llm);
  auto pending = pipeline->begin(question());
  ASSERT_TRUE(pending.is_ok());
  EXPECT_FALSE((*pending)->needs_generation());
  auto result = pipeline->finish(std::move(*pending));
  ASSERT_TRUE(result.is_ok());
  EXPECT_EQ(result->strategy, AnswerStrategy::kTemplate);
  EXPECT_EQ(llm->calls(), 0);
}

TEST_F(AnswerPipelinePhasesTest, FailedGenerationFallsToExtractiveInFinish) {
  auto llm = std::make_shared<ScriptedProvider>(
      "scripted",
      std::vector<Step>{error_step(LlmErrorKind::kConnectionLost, 0, {"The tasting ", "room is"})});
  auto pipeline = make(store_.get(), llm);
  EventLog log;
  AnswerEvents events = log.events();
  auto pending = pipeline->begin(question(), events);
  ASSERT_TRUE(pending.is_ok());
  ASSERT_TRUE((*pending)->needs_generation());
  std::unique_ptr<PendingAnswer> moved = std::move(*pending);
  std::thread generator([&] { moved->generate(*llm, events, nullptr); });
  generator.join();
  // The retraction belongs to the stream: generate() sends it as the failure happens.
  EXPECT_EQ(log.entries.back(), "retract:connection_lost");
  auto result = pipeline->finish(std::move(moved), events);
  ASSERT_TRUE(result.is_ok());
  EXPECT_EQ(result->strategy, AnswerStrategy::kExtractive);
  EXPECT_NE(result->answer.find("11 am"), std::string::npos);
  ASSERT_EQ(result->degradations.size(), 2u);
  EXPECT_EQ(result->degradations[0].rung, "llm");
  EXPECT_EQ(result->degradations[0].reason, "connection_lost");
  EXPECT_EQ(result->degradations[1].rung, "cached");
  ASSERT_GE(log.entries.size(), 5u);
  EXPECT_EQ(log.entries[4], "delta:" + result->answer);
  EXPECT_DOUBLE_EQ(result->latency.overhead_ms, result->latency.total_ms)
      << "a failed LLM's time is not subtracted: the extractive rung answered";
}

TEST_F(AnswerPipelinePhasesTest, CancelStopsGenerationFromAnotherThread) {
  auto llm = std::make_shared<StallingProvider>();
  auto pipeline = make(store_.get(), llm);
  std::promise<void> first_delta;
  bool signalled = false;
  AnswerEvents events;
  std::vector<std::string> deltas;
  events.on_delta = [&](std::string_view d) {
    deltas.emplace_back(d);
    if (!signalled) {
      signalled = true;
      first_delta.set_value();
    }
    return true;
  };
  std::atomic<bool> cancel{false};
  auto pending = pipeline->begin(question(), events);
  ASSERT_TRUE(pending.is_ok());
  std::unique_ptr<PendingAnswer> moved = std::move(*pending);
  std::thread generator([&] { moved->generate(*llm, events, &cancel); });
  first_delta.get_future().wait();
  cancel.store(true);
  generator.join();
  EXPECT_TRUE(llm->saw_cancel.load());

  auto result = pipeline->finish(std::move(moved), events, &cancel);
  ASSERT_TRUE(result.is_ok());
  // A cancelled answer skips the cached rung (the client is gone) and still ends on a rung.
  ASSERT_EQ(result->degradations.size(), 1u);
  EXPECT_EQ(result->degradations[0].reason, "cancelled");
  EXPECT_EQ(result->strategy, AnswerStrategy::kExtractive);
  ASSERT_GE(deltas.size(), 2u);
  EXPECT_EQ(deltas[0], "The tasting ");
}

TEST_F(AnswerPipelinePhasesTest, FinishWithoutGenerateDegradesAndSaysWhy) {
  auto llm = std::make_shared<ScriptedProvider>("scripted", std::vector<Step>{});
  auto pipeline = make(store_.get(), llm);
  auto pending = pipeline->begin(question());
  ASSERT_TRUE(pending.is_ok());
  ASSERT_TRUE((*pending)->needs_generation());
  auto result = pipeline->finish(std::move(*pending));
  ASSERT_TRUE(result.is_ok());
  EXPECT_EQ(llm->calls(), 0);
  EXPECT_EQ(result->strategy, AnswerStrategy::kExtractive);
  ASSERT_EQ(result->degradations.size(), 2u);
  EXPECT_EQ(result->degradations[0].reason, "not_run");
  EXPECT_EQ(result->degradations[1].rung, "cached");

  std::atomic<bool> cancel{true};
  pending = pipeline->begin(question());
  ASSERT_TRUE(pending.is_ok());
  result = pipeline->finish(std::move(*pending), {}, &cancel);
  ASSERT_TRUE(result.is_ok());
  ASSERT_EQ(result->degradations.size(), 1u);
  EXPECT_EQ(result->degradations[0].reason, "cancelled");
}

TEST_F(AnswerPipelinePhasesTest, BeginReturnsTheCallersMistakesAndFinishRefusesForeignOnes) {
  auto pipeline = make(store_.get(), nullptr);
  EXPECT_EQ(pipeline->begin(question("  \n")).status().code(), ErrorCode::kInvalidArgument);
  EXPECT_EQ(pipeline->begin(question("bad \xff utf8")).status().code(),
            ErrorCode::kInvalidArgument);
  AnswerRequest foreign = question();
  foreign.session_id = "s_doesnotexist";
  EXPECT_EQ(pipeline->begin(foreign).status().code(), ErrorCode::kNotFound);

  EXPECT_EQ(pipeline->finish(nullptr).status().code(), ErrorCode::kInvalidArgument);
  auto other = store_->get_or_create_collection("other");
  ASSERT_TRUE(other.is_ok());
  auto elsewhere = make(store_.get(), nullptr, other->id);
  auto pending = pipeline->begin(question());
  ASSERT_TRUE(pending.is_ok());
  EXPECT_EQ(elsewhere->finish(std::move(*pending)).status().code(), ErrorCode::kInvalidArgument);
}

}  // namespace
}  // namespace ragd
