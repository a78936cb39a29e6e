// Golden answers on the sample knowledge base (examples/knowledge, a winery): with lexical
// retrieval (k = 5) the extractive answerer must say "the knowledge base does not say" for
// questions the files do not answer (tests/golden/unanswerable.jsonl) and answer, citing
// the right file, the ones they do (tests/golden/answerable.jsonl).
#include <gtest/gtest.h>

#include <fstream>
#include <iostream>
#include <nlohmann/json.hpp>

#include "chat/content_terms.h"
#include "eval/qa_metrics.h"
#include "qa_harness.h"

namespace ragd {
namespace {

using qa_testing::LexicalQaHarness;

std::vector<nlohmann::json> read_jsonl(const std::string& relative) {
  std::ifstream in(std::string(RAGD_SOURCE_DIR) + "/" + relative);
  std::vector<nlohmann::json> out;
  std::string line;
  while (std::getline(in, line)) {
    if (!line.empty()) out.push_back(nlohmann::json::parse(line));
  }
  return out;
}

class WineryGoldenTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    auto built = LexicalQaHarness::build(
        "winery", {std::string(RAGD_SOURCE_DIR) + "/examples/knowledge"});
    ASSERT_TRUE(built.is_ok()) << built.status().to_string();
    harness_ = std::move(built).value().release();
  }
  static void TearDownTestSuite() {
    delete harness_;
    harness_ = nullptr;
  }

  ExtractiveAnswer ask(const std::string& question, std::vector<Passage>& passages) {
    std::vector<std::string> terms;
    auto retrieved = harness_->retrieve(question, 5, &terms);
    EXPECT_TRUE(retrieved.is_ok()) << retrieved.status().to_string();
    passages = retrieved.is_ok() ? std::move(retrieved).value() : std::vector<Passage>{};
    ExtractiveAnswerer answerer(harness_->analyzer(), qa_testing::answerer_config_from_env(),
                                harness_->frequencies().as_function(),
                                harness_->frequencies().frequency_function(),
                                qa_testing::semantic_embedder_from_env());
    ExtractiveAnswer answer = answerer.answer(question, terms, passages);
    if (std::getenv("RAGD_QA_STATS")) {
      std::cout << "SEM winery " << answer.semantic << " " << answer.abstained << " "
                << question << "\n";
    }
    return answer;
  }

  static LexicalQaHarness* harness_;
};

LexicalQaHarness* WineryGoldenTest::harness_ = nullptr;

TEST_F(WineryGoldenTest, SaysSoWhenTheKnowledgeBaseDoesNotAnswer) {
  ASSERT_NE(harness_, nullptr);
  const auto questions = read_jsonl("tests/golden/unanswerable.jsonl");
  ASSERT_GE(questions.size(), 40u);
  size_t abstained = 0;
  for (const auto& q : questions) {
    std::vector<Passage> passages;
    ExtractiveAnswer answer = ask(q["question"], passages);
    if (std::getenv("RAGD_QA_STATS")) {
      ContentTermExtractor x(harness_->analyzer());
      size_t unseen = 0;
      std::string names;
      for (const auto& t : x.distinct_terms(q["question"].get<std::string>())) {
        if (harness_->frequencies().frequency(t) == 0) { ++unseen; names += t + " "; }
      }
      std::cout << "UNSEEN un " << unseen << " " << names << "\n";
    }
    if (std::getenv("RAGD_QA_STATS")) {
      std::cout << "STAT un " << answer.coverage << " " << answer.passage_coverage << "\n";
    }
    if (answer.abstained) {
      ++abstained;
      EXPECT_NE(answer.text.find("does not say"), std::string::npos);
      EXPECT_EQ(answer.text.find('['), std::string::npos) << "an abstention cites nothing";
    } else {
      std::cout << "answered " << q["id"].get<std::string>() << " ("
                << answer.coverage << "): " << q["question"].get<std::string>() << "\n  -> "
                << answer.text << "\n";
    }
  }
  const double rate = static_cast<double>(abstained) / static_cast<double>(questions.size());
  std::cout << "unanswerable: " << abstained << "/" << questions.size() << " abstained\n";
  // Measured 36/46; the target is 0.9 (not met yet): this floor guards against regressions.
  EXPECT_GE(rate, 0.75);
}

TEST_F(WineryGoldenTest, AnswersWhatTheKnowledgeBaseSaysFromTheRightFile) {
  ASSERT_NE(harness_, nullptr);
  const auto questions = read_jsonl("tests/golden/answerable.jsonl");
  ASSERT_GE(questions.size(), 30u);
  CitationVerifier verifier(harness_->analyzer(), {}, harness_->frequencies().as_function());
  size_t correct = 0;
  size_t sourced = 0;
  for (const auto& q : questions) {
    std::vector<Passage> passages;
    ExtractiveAnswer answer = ask(q["question"], passages);
    VerifiedAnswer verified = verifier.verify(answer.text, passages);
    if (std::getenv("RAGD_QA_STATS")) {
      std::cout << "STAT an " << answer.coverage << " " << answer.passage_coverage << "\n";
    }
    const bool has_answer =
        !answer.abstained && answer_contains_gold(verified.text, {q["answer"].get<std::string>()});
    bool cites_source = false;
    for (const CitedPassage& cited : verified.cited) {
      cites_source = cites_source || cited.document_key.ends_with(q["source"].get<std::string>());
    }
    // Every citation of an extractive answer quotes its passage, so it must verify.
    EXPECT_EQ(verified.unsupported, 0u) << q["question"] << " -> " << answer.text;
    // Correct: the expected fact is in the answer, and (the answer quoting its passages)
    // every citation verifies. Citing the file named in the golden set is counted apart:
    // the knowledge base states several facts in more than one file.
    sourced += has_answer && cites_source;
    if (has_answer && verified.unsupported == 0) {
      ++correct;
    } else {
      std::cout << "missed " << q["id"].get<std::string>() << " (" << answer.coverage
                << "): " << q["question"].get<std::string>() << "\n  -> " << verified.text << "\n";
    }
  }
  std::cout << "answerable: " << correct << "/" << questions.size() << " correct, " << sourced
            << " citing the expected file\n";
  // Measured 25/32.
  EXPECT_GE(static_cast<double>(correct) / static_cast<double>(questions.size()), 0.7);
}

}  // namespace
}  // namespace ragd
