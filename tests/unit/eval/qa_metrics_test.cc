// QA metrics (SQuAD normalisation, answer matching, citation precision/recall, nearest-rank
// latency), the dataset reader's errors, and run_qa_eval with its JSON report.
#include "eval/qa_metrics.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <stdexcept>

#include "eval/qa_eval.h"

namespace ragd {
namespace {

namespace fs = std::filesystem;

TEST(QaMetrics, NormalisesAsSquadWithAccentsFolded) {
  EXPECT_EQ(normalize_answer("The  Wilhelm Conrad RÖNTGEN, of Germany!"),
            "wilhelm conrad rontgen of germany");
  EXPECT_EQ(normalize_answer("May 18, 2018"), "may 18 2018");
  EXPECT_EQ(normalize_answer("an apple a day"), "apple day");
  EXPECT_EQ(normalize_answer(""), "");
  EXPECT_EQ(normalize_answer("\xff\xfe"), "");
}

TEST(QaMetrics, GoldMustAppearAsWholeWords) {
  EXPECT_TRUE(answer_contains_gold("It opened on May 18, 2018 [1].", {"May 18, 2018"}));
  EXPECT_TRUE(answer_contains_gold("Röntgen won it.", {"Wilhelm", "Rontgen"}));
  EXPECT_FALSE(answer_contains_gold("It opened in 1987.", {"198"}));
  EXPECT_FALSE(answer_contains_gold("anything", {"", "the"}));
}

TEST(QaMetrics, CitationPrecisionAndRecallPerAnswer) {
  QaQuestion q{"q1", "who", {"Alice"}, {}, true};
  QaAnswer a;
  a.text = "Alice did it [1][2]. Then more [3].";
  a.sentences = {{2, 1}, {1, 0}, {0, 0}};
  QaScore s = score_qa_answer(q, a);
  EXPECT_TRUE(s.answered);
  EXPECT_DOUBLE_EQ(s.citation_precision, 1.0 / 3.0);
  EXPECT_DOUBLE_EQ(s.citation_recall, 1.0 / 3.0);
  a.abstained = true;
  s = score_qa_answer(q, a);
  EXPECT_FALSE(s.answered);
  EXPECT_LT(s.citation_precision, 0);
}

TEST(QaMetrics, NearestRankPercentile) {
  EXPECT_EQ(nearest_rank_percentile({}, 50), 0);
  EXPECT_EQ(nearest_rank_percentile({5, 1, 3, 2, 4}, 50), 3);
  EXPECT_EQ(nearest_rank_percentile({5, 1, 3, 2, 4}, 99), 5);
}

class QaDatasetTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("ragd-qa-ds-" + std::to_string(::getpid()) + "-" +
                                        ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_ / "qrels");
    write("corpus.jsonl", "{\"_id\": \"d1\", \"title\": \"T\", \"text\": \"Alice wrote it.\"}\n");
    write("queries.jsonl", "{\"_id\": \"q1\", \"text\": \"who wrote it\"}\n"
                           "{\"_id\": \"q2\", \"text\": \"what is unknown\"}\n");
    write("qrels/test.tsv", "query-id\tcorpus-id\tscore\nq1\td1\t1\n");
    write("answers.jsonl", "{\"_id\": \"q1\", \"answers\": [\"Alice\"], \"doc_id\": \"d1\", "
                           "\"hasanswer\": true}\n{\"_id\": \"q2\", \"answers\": [], "
                           "\"hasanswer\": false}\n");
  }
  void TearDown() override { fs::remove_all(dir_); }
  void write(const std::string& name, const std::string& content) {
    std::ofstream(dir_ / name, std::ios::binary) << content;
  }
  fs::path dir_;
};

TEST_F(QaDatasetTest, LoadsQuestionsAnswersAndGoldDocuments) {
  auto ds = load_qa_dataset(dir_.string() + "/");
  ASSERT_TRUE(ds.is_ok()) << ds.status().to_string();
  EXPECT_EQ(ds->name, dir_.filename().string());
  ASSERT_EQ(ds->questions.size(), 2u);
  EXPECT_EQ(ds->questions[0].answers, (std::vector<std::string>{"Alice"}));
  EXPECT_EQ(ds->questions[0].gold_doc_ids, (std::vector<std::string>{"d1"}));
  EXPECT_FALSE(ds->questions[1].has_answer);
  auto corpus = load_qa_corpus(ds->corpus_path);
  ASSERT_TRUE(corpus.is_ok());
  ASSERT_EQ(corpus->size(), 1u);
  EXPECT_EQ((*corpus)[0].text, "Alice wrote it.");
}

TEST_F(QaDatasetTest, ClearErrors) {
  EXPECT_EQ(load_qa_dataset((dir_ / "missing").string()).status().code(), ErrorCode::kNotFound);
  write("answers.jsonl", "{\"_id\": \"q1\", \"answers\": \"Alice\"}\n");
  auto bad = load_qa_dataset(dir_.string());
  EXPECT_EQ(bad.status().code(), ErrorCode::kInvalidArgument);
  EXPECT_NE(bad.status().message().find("answers.jsonl:1"), std::string::npos);
  write("answers.jsonl", "{\"_id\": \"q9\", \"answers\": [\"x\"]}\n");
  EXPECT_EQ(load_qa_dataset(dir_.string()).status().code(), ErrorCode::kInvalidArgument);
  write("answers.jsonl", "not json\n");
  EXPECT_EQ(load_qa_dataset(dir_.string()).status().code(), ErrorCode::kInvalidArgument);
  fs::remove(dir_ / "answers.jsonl");
  EXPECT_EQ(load_qa_dataset(dir_.string()).status().code(), ErrorCode::kNotFound);
}

TEST_F(QaDatasetTest, RunQaEvalReportsExactlyTheAgreedKeys) {
  auto ds = load_qa_dataset(dir_.string());
  ASSERT_TRUE(ds.is_ok());
  QaAnswerFn fn = [](const QaQuestion& q) -> Result<QaAnswer> {
    QaAnswer a;
    if (q.has_answer) {
      a.text = "Alice wrote it [1].";
      a.sentences = {{1, 1}};
    } else {
      a.text = "The knowledge base does not say.";
      a.abstained = true;
    }
    return a;
  };
  auto report = run_qa_eval(*ds, fn, 2);
  ASSERT_TRUE(report.is_ok());
  EXPECT_DOUBLE_EQ(report->answer_recall, 1.0);
  EXPECT_DOUBLE_EQ(report->citation_precision, 1.0);
  EXPECT_DOUBLE_EQ(report->abstain_rate, 0.5);
  auto json = nlohmann::json::parse(qa_report_to_json(*report));
  for (const char* key : {"dataset", "questions", "answer_recall", "citation_precision",
                          "citation_recall", "abstain_rate", "latency_ms", "extra"}) {
    EXPECT_TRUE(json.contains(key)) << key;
  }
  EXPECT_EQ(json.size(), 8u);
  EXPECT_TRUE(json["latency_ms"].contains("p50"));
  EXPECT_TRUE(json["latency_ms"].contains("p99"));
  EXPECT_DOUBLE_EQ(json["extra"]["unanswerable_abstained"].get<double>(), 1.0);

  QaAnswerFn throws = [](const QaQuestion&) -> Result<QaAnswer> {
    throw std::runtime_error("boom");
  };
  EXPECT_FALSE(run_qa_eval(*ds, throws, 1).is_ok());
  EXPECT_FALSE(run_qa_eval(*ds, QaAnswerFn{}, 1).is_ok());
}

}  // namespace
}  // namespace ragd
