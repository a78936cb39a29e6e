// The answer pipeline end to end over a real SQLite store, with retrieval and the LLM
// replaced by scripted stand-ins: every rung of the degradation ladder, citation checks,
// sessions and their isolation.
#include "chat/answer_pipeline.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "../llm/fakes.h"
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

class AnswerPipelineTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("ragd-answer-" + std::to_string(::getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
    auto store = Store::open((dir_ / "ragd.db").string());
    ASSERT_TRUE(store.is_ok()) << store.status().to_string();
    store_ = std::move(*store);
    auto collection = store_->get_or_create_collection("default");
    ASSERT_TRUE(collection.is_ok());
    collection_id_ = collection->id;
  }
  void TearDown() override {
    store_.reset();
    std::filesystem::remove_all(dir_);
  }

  std::unique_ptr<AnswerPipeline> make(std::shared_ptr<LlmProvider> llm) {
    AnswerPipelineDeps deps;
    deps.store = store_.get();
    deps.collection_id = collection_id_;
    deps.analyzer = &analyzer_;
    deps.retrieve = [this](const SearchRequest& request) -> Result<SearchResponse> {
      ++searches_;
      last_query_ = request.query;
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
    deps.prefetch_query = [this](const std::string& likely_query) {
      prefetched_.push_back(likely_query);
      searches_at_prefetch_.push_back(searches_);
    };
    deps.llm = std::move(llm);
    AnswerPipelineConfig config;
    config.today = [] { return 20000; };
    return std::make_unique<AnswerPipeline>(std::move(deps), config);
  }

  std::filesystem::path dir_;
  std::unique_ptr<Store> store_;
  int64_t collection_id_ = 0;
  Analyzer analyzer_;
  int searches_ = 0;
  std::string last_query_;
  std::vector<std::string> prefetched_;
  std::vector<int> searches_at_prefetch_;
  bool retrieval_fails_ = false;
  bool empty_results_ = false;
};

TEST_F(AnswerPipelineTest, ExtractiveWithoutLlmCitesThePassageAndStoresTheTurn) {
  auto pipeline = make(nullptr);
  AnswerRequest request;
  request.question = "When is the tasting room open?";
  std::string streamed;
  AnswerEvents events;
  events.on_delta = [&](std::string_view d) {
    streamed += d;
    return true;
  };
  auto result = pipeline->answer(request, events);
  ASSERT_TRUE(result.is_ok()) << result.status().to_string();
  EXPECT_EQ(result->strategy, AnswerStrategy::kExtractive);
  EXPECT_FALSE(result->abstained);
  EXPECT_NE(result->answer.find("11 am to 5 pm"), std::string::npos) << result->answer;
  EXPECT_NE(result->answer.find("[1]"), std::string::npos) << result->answer;
  EXPECT_EQ(streamed, result->answer);
  ASSERT_FALSE(result->citations.empty());
  EXPECT_EQ(result->citations[0].chunk_id, 1);
  EXPECT_TRUE(result->citations[0].supported);
  EXPECT_GE(result->citations[0].span_begin, 100);
  EXPECT_LE(result->citations[0].span_end, 100 + static_cast<int64_t>(kWineryHits[0].text.size()));
  EXPECT_EQ(result->session_id.rfind("s_", 0), 0u);
  EXPECT_EQ(result->message_id.rfind("m_", 0), 0u);

  SessionStore sessions(*store_);
  auto turns = sessions.turns(result->session_id, "", 10);
  ASSERT_TRUE(turns.is_ok());
  ASSERT_EQ(turns->size(), 1u);
  EXPECT_EQ((*turns)[0].record.strategy, "extractive");
  EXPECT_EQ((*turns)[0].record.answer, result->answer);
}

TEST_F(AnswerPipelineTest, FollowUpIsRewrittenWithTheSession) {
  auto pipeline = make(nullptr);
  AnswerRequest first;
  first.question = "How many shipments do wine club members receive?";
  auto a = pipeline->answer(first);
  ASSERT_TRUE(a.is_ok());
  AnswerRequest follow;
  follow.question = "What discount do they get?";
  follow.session_id = a->session_id;
  auto b = pipeline->answer(follow);
  ASSERT_TRUE(b.is_ok()) << b.status().to_string();
  EXPECT_TRUE(b->rewritten);
  EXPECT_NE(b->rewritten_query, follow.question);
  EXPECT_EQ(last_query_, b->rewritten_query);
  EXPECT_EQ(b->session_id, a->session_id);
}

TEST_F(AnswerPipelineTest, LlmAnswerKeepsSupportedCitationsAndDropsInventedOnes) {
  auto llm = std::make_shared<ScriptedProvider>(
      "scripted",
      std::vector<Step>{ok_step("The tasting room is open from 11 am to 5 pm [1][7]. "
                                "Members get a 15 percent discount [2].")});
  auto pipeline = make(llm);
  AnswerRequest request;
  request.question = "When is the tasting room open and what discount do members get?";
  auto result = pipeline->answer(request);
  ASSERT_TRUE(result.is_ok());
  EXPECT_EQ(result->strategy, AnswerStrategy::kLlm);
  EXPECT_EQ(result->answer.find("[7]"), std::string::npos) << result->answer;
  EXPECT_NE(result->answer.find("[1]"), std::string::npos);
  EXPECT_NE(result->answer.find("[2]"), std::string::npos);
  ASSERT_EQ(result->citations.size(), 2u);
  EXPECT_EQ(result->citations[0].number, 1);
  EXPECT_EQ(result->citations[1].number, 2);
  EXPECT_GE(result->unsupported_citations, 1u);
  EXPECT_EQ(llm->calls(), 1);
}

TEST_F(AnswerPipelineTest, UnsupportedLlmCitationIsRemoved) {
  auto llm = std::make_shared<ScriptedProvider>(
      "scripted", std::vector<Step>{ok_step("Helicopter tours leave every hour [1].")});
  auto pipeline = make(llm);
  AnswerRequest request;
  request.question = "When is the tasting room open?";
  auto result = pipeline->answer(request);
  ASSERT_TRUE(result.is_ok());
  EXPECT_EQ(result->answer.find("[1]"), std::string::npos) << result->answer;
  EXPECT_TRUE(result->citations.empty());
  EXPECT_EQ(result->unsupported_citations, 1u);
}

TEST_F(AnswerPipelineTest, LlmFailureFallsToExtractiveAndSaysWhy) {
  auto llm = std::make_shared<ScriptedProvider>(
      "scripted", std::vector<Step>{error_step(LlmErrorKind::kTimeoutFirstToken)});
  auto pipeline = make(llm);
  AnswerRequest request;
  request.question = "When is the tasting room open?";
  auto result = pipeline->answer(request);
  ASSERT_TRUE(result.is_ok());
  EXPECT_EQ(result->strategy, AnswerStrategy::kExtractive);
  EXPECT_NE(result->answer.find("11 am"), std::string::npos);
  ASSERT_EQ(result->degradations.size(), 2u);
  EXPECT_EQ(result->degradations[0].rung, "llm");
  EXPECT_EQ(result->degradations[0].reason, "timeout_first_token");
  EXPECT_EQ(result->degradations[1].rung, "cached");
}

TEST_F(AnswerPipelineTest, LlmFailureUsesAnEarlierAnswerToTheSameQuestion) {
  auto llm = std::make_shared<ScriptedProvider>(
      "scripted", std::vector<Step>{ok_step("Open 11 am to 5 pm daily except Tuesday [1]."),
                                    error_step(LlmErrorKind::kHttpStatus, 503)});
  auto pipeline = make(llm);
  AnswerRequest request;
  request.question = "When is the tasting room open?";
  auto first = pipeline->answer(request);
  ASSERT_TRUE(first.is_ok());
  ASSERT_EQ(first->strategy, AnswerStrategy::kLlm);
  request.question = "when is the tasting room open";
  auto second = pipeline->answer(request);
  ASSERT_TRUE(second.is_ok());
  EXPECT_EQ(second->strategy, AnswerStrategy::kCached);
  EXPECT_TRUE(second->cached);
  EXPECT_EQ(second->answer, first->answer);
  ASSERT_EQ(second->citations.size(), first->citations.size());
  EXPECT_EQ(second->citations[0].chunk_id, first->citations[0].chunk_id);
}

TEST_F(AnswerPipelineTest, FailureAfterPartialOutputRetractsThenDegrades) {
  auto llm = std::make_shared<ScriptedProvider>(
      "scripted", std::vector<Step>{error_step(LlmErrorKind::kConnectionLost, 0,
                                               {"The tasting ", "room is"})});
  auto pipeline = make(llm);
  std::vector<std::string> log;
  AnswerEvents events;
  events.on_delta = [&](std::string_view d) {
    log.push_back("delta:" + std::string(d));
    return true;
  };
  events.on_retract = [&](std::string_view reason) { log.push_back("retract:" + std::string(reason)); };
  AnswerRequest request;
  request.question = "When is the tasting room open?";
  auto result = pipeline->answer(request, events);
  ASSERT_TRUE(result.is_ok());
  EXPECT_EQ(result->strategy, AnswerStrategy::kExtractive);
  ASSERT_GE(log.size(), 4u);
  EXPECT_EQ(log[0], "delta:The tasting ");
  EXPECT_EQ(log[2], "retract:connection_lost");
  EXPECT_EQ(log[3], "delta:" + result->answer);
}

TEST_F(AnswerPipelineTest, NoPassageMeansDoesNotSayWithoutAskingTheLlm) {
  empty_results_ = true;
  auto llm = std::make_shared<ScriptedProvider>("scripted", std::vector<Step>{});
  auto pipeline = make(llm);
  AnswerRequest request;
  request.question = "Do you offer helicopter tours?";
  auto result = pipeline->answer(request);
  ASSERT_TRUE(result.is_ok());
  EXPECT_TRUE(result->abstained);
  EXPECT_TRUE(result->citations.empty());
  EXPECT_NE(result->answer.find("does not say"), std::string::npos);
  EXPECT_EQ(llm->calls(), 0);
}

TEST_F(AnswerPipelineTest, RetrievalFailureGivesTheTemplate) {
  retrieval_fails_ = true;
  auto pipeline = make(nullptr);
  AnswerRequest request;
  request.question = "When is the tasting room open?";
  auto result = pipeline->answer(request);
  ASSERT_TRUE(result.is_ok());
  EXPECT_EQ(result->strategy, AnswerStrategy::kTemplate);
  EXPECT_FALSE(result->answer.empty());
  EXPECT_EQ(result->answer.find("disk on fire"), std::string::npos);
}

TEST_F(AnswerPipelineTest, CallerMistakesAreErrors) {
  auto pipeline = make(nullptr);
  AnswerRequest request;
  request.question = "   ";
  EXPECT_EQ(pipeline->answer(request).status().code(), ErrorCode::kInvalidArgument);
  request.question = std::string("bad \xff utf8");
  EXPECT_EQ(pipeline->answer(request).status().code(), ErrorCode::kInvalidArgument);

  request.question = "When is the tasting room open?";
  request.session_id = "s_doesnotexist";
  EXPECT_EQ(pipeline->answer(request).status().code(), ErrorCode::kNotFound);

  request.session_id.clear();
  request.owner = "alice";
  auto alice = pipeline->answer(request);
  ASSERT_TRUE(alice.is_ok());
  request.owner = "mallory";
  request.session_id = alice->session_id;
  EXPECT_EQ(pipeline->answer(request).status().code(), ErrorCode::kNotFound);
}

TEST_F(AnswerPipelineTest, TheQuestionIsOfferedForPrefetchBeforeRetrievalOnly) {
  auto pipeline = make(nullptr);
  AnswerRequest request;
  request.question = "When is the tasting room open?";
  ASSERT_TRUE(pipeline->answer(request).is_ok());
  ASSERT_EQ(prefetched_, std::vector<std::string>{request.question});
  EXPECT_EQ(searches_at_prefetch_[0], 0) << "offered before the search, to overlap with it";
  EXPECT_EQ(searches_, 1);
  // Without retrieval there is nothing to prefetch.
  request.enable_rag = false;
  ASSERT_TRUE(pipeline->answer(request).is_ok());
  EXPECT_EQ(prefetched_.size(), 1u);
}

TEST_F(AnswerPipelineTest, WithoutPersistNoSessionIsCreated) {
  auto pipeline = make(nullptr);
  AnswerRequest request;
  request.question = "When is the tasting room open?";
  request.persist = false;
  auto result = pipeline->answer(request);
  ASSERT_TRUE(result.is_ok());
  EXPECT_TRUE(result->session_id.empty());
  EXPECT_TRUE(result->message_id.empty());
  SessionStore sessions(*store_);
  auto page = sessions.list_sessions("", 10);
  ASSERT_TRUE(page.is_ok());
  EXPECT_TRUE(page->sessions.empty());
}

}  // namespace
}  // namespace ragd
