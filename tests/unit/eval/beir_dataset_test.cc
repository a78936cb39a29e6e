// BEIR queries/qrels readers and the TREC run reader/writer: real files, malformed lines,
// and a write/read round trip.
#include "eval/beir_dataset.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <limits>
#include <string>

namespace ragd {
namespace {

namespace fs = std::filesystem;

class BeirDatasetTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("ragd_eval_test_" + std::to_string(::getpid()) + "_" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_ / "qrels");
  }
  void TearDown() override { fs::remove_all(dir_); }

  std::string write(const std::string& name, const std::string& content) {
    const fs::path path = dir_ / name;
    std::ofstream(path, std::ios::binary) << content;
    return path.string();
  }

  fs::path dir_;
};

TEST_F(BeirDatasetTest, LoadsQueriesIgnoringExtraKeysAndBlankLines) {
  auto q = load_beir_queries(write("queries.jsonl",
                                   "\xEF\xBB\xBF{\"_id\": \"1\", \"text\": \"first\", "
                                   "\"metadata\": {}}\r\n\n{\"_id\": 7, \"text\": \"second\"}\n"));
  ASSERT_TRUE(q.is_ok()) << q.status().to_string();
  ASSERT_EQ(q->size(), 2u);
  EXPECT_EQ((*q)[0].id, "1");
  EXPECT_EQ((*q)[0].text, "first");
  EXPECT_EQ((*q)[1].id, "7");
}

TEST_F(BeirDatasetTest, MalformedQueryLinesNameFileAndLine) {
  auto bad_json = load_beir_queries(write("a.jsonl", "{\"_id\": \"1\", \"text\": \"x\"}\n{oops\n"));
  ASSERT_FALSE(bad_json.is_ok());
  EXPECT_EQ(bad_json.status().code(), ErrorCode::kInvalidArgument);
  EXPECT_NE(bad_json.status().message().find("a.jsonl:2"), std::string::npos)
      << bad_json.status().message();

  EXPECT_FALSE(load_beir_queries(write("b.jsonl", "{\"text\": \"no id\"}\n")).is_ok());
  EXPECT_FALSE(load_beir_queries(write("c.jsonl", "{\"_id\": \"1\"}\n")).is_ok());
  EXPECT_FALSE(load_beir_queries(write("d.jsonl", "[1, 2]\n")).is_ok());
  auto dup = load_beir_queries(
      write("e.jsonl", "{\"_id\": \"1\", \"text\": \"a\"}\n{\"_id\": \"1\", \"text\": \"b\"}\n"));
  ASSERT_FALSE(dup.is_ok());
  EXPECT_NE(dup.status().message().find("twice"), std::string::npos);
}

TEST_F(BeirDatasetTest, MissingFilesAreNotFound) {
  EXPECT_EQ(load_beir_queries((dir_ / "none.jsonl").string()).status().code(),
            ErrorCode::kNotFound);
  EXPECT_EQ(load_qrels((dir_ / "none.tsv").string()).status().code(), ErrorCode::kNotFound);
  EXPECT_EQ(load_trec_run((dir_ / "none.run").string()).status().code(), ErrorCode::kNotFound);
  EXPECT_EQ(load_beir_dataset((dir_ / "nowhere").string()).status().code(), ErrorCode::kNotFound);
}

TEST_F(BeirDatasetTest, LoadsBeirQrelsWithHeader) {
  auto q = load_qrels(write(
      "qrels/test.tsv", "query-id\tcorpus-id\tscore\r\n1\tdocA\t1\r\n1\tdocB\t2\n2\tdocA\t0\n"));
  ASSERT_TRUE(q.is_ok()) << q.status().to_string();
  ASSERT_EQ(q->size(), 2u);
  EXPECT_EQ(q->at("1").at("docB"), 2);
  EXPECT_EQ(q->at("2").at("docA"), 0);
}

TEST_F(BeirDatasetTest, LoadsTrecQrelsAndKeepsTheLastDuplicate) {
  auto q = load_qrels(write("trec.qrels", "301 0 FBIS-1 1\n301 0 FBIS-2 0\n301 0 FBIS-1 -1\n"));
  ASSERT_TRUE(q.is_ok()) << q.status().to_string();
  EXPECT_EQ(q->at("301").size(), 2u);
  EXPECT_EQ(q->at("301").at("FBIS-1"), -1);
}

TEST_F(BeirDatasetTest, MalformedQrelsLinesAreErrors) {
  auto not_int = load_qrels(write("a.tsv", "query-id\tcorpus-id\tscore\n1\td\t1\n1\td2\t1.5\n"));
  ASSERT_FALSE(not_int.is_ok());
  EXPECT_NE(not_int.status().message().find("a.tsv:3"), std::string::npos)
      << not_int.status().message();
  auto fields = load_qrels(write("b.tsv", "1\td\t1\n1\td\n"));
  ASSERT_FALSE(fields.is_ok());
  EXPECT_NE(fields.status().message().find("b.tsv:2"), std::string::npos);
  EXPECT_FALSE(load_qrels(write("c.tsv", "1\td\t1\n\td\t1\n")).is_ok());
  // Only the first line may be a header.
  EXPECT_FALSE(load_qrels(write("d.tsv", "1\td\t1\nquery-id\tcorpus-id\tscore\n")).is_ok());
}

TEST_F(BeirDatasetTest, DatasetKeepsOnlyJudgedQueries) {
  write("queries.jsonl",
        "{\"_id\": \"1\", \"text\": \"a\"}\n{\"_id\": \"2\", \"text\": \"b\"}\n"
        "{\"_id\": \"3\", \"text\": \"c\"}\n");
  write("qrels/test.tsv", "query-id\tcorpus-id\tscore\n3\tx\t1\n1\ty\t1\n");
  auto d = load_beir_dataset(dir_.string());
  ASSERT_TRUE(d.is_ok()) << d.status().to_string();
  ASSERT_EQ(d->queries.size(), 2u);
  EXPECT_EQ(d->queries[0].id, "1");
  EXPECT_EQ(d->queries[1].id, "3");
  EXPECT_EQ(d->qrels.size(), 2u);
  EXPECT_EQ(load_beir_dataset(dir_.string(), "dev").status().code(), ErrorCode::kNotFound);
}

TEST_F(BeirDatasetTest, JudgedQueryMissingFromQueriesIsAnError) {
  write("queries.jsonl", "{\"_id\": \"1\", \"text\": \"a\"}\n");
  write("qrels/test.tsv", "query-id\tcorpus-id\tscore\n1\tx\t1\n9\ty\t1\n");
  auto d = load_beir_dataset(dir_.string());
  ASSERT_FALSE(d.is_ok());
  EXPECT_NE(d.status().message().find("'9'"), std::string::npos);
}

TEST_F(BeirDatasetTest, RunRoundTripsInTrecEvalOrder) {
  RetrievalRun run{{"q2", {{"a", 1.0}, {"c", 1.0}, {"b", 3.25}}},
                   {"q1", {{"x", 0.1 + 0.2}, {"y", -std::numeric_limits<double>::infinity()}}}};
  const std::string path = (dir_ / "out.run").string();
  ASSERT_TRUE(write_trec_run(path, run, "bm25").is_ok());

  std::ifstream in(path);
  std::string first, second;
  std::getline(in, first);
  std::getline(in, second);
  EXPECT_EQ(first.rfind("q1 Q0 x 1 ", 0), 0u) << first;
  EXPECT_EQ(second.substr(second.size() - 5), " bm25");

  auto back = load_trec_run(path);
  ASSERT_TRUE(back.is_ok()) << back.status().to_string();
  ASSERT_EQ(back->at("q2").size(), 3u);
  EXPECT_EQ(back->at("q2")[0].doc_id, "b");
  EXPECT_EQ(back->at("q2")[1].doc_id, "c");  // tie: id descending
  EXPECT_EQ(back->at("q2")[2].doc_id, "a");
  EXPECT_EQ(back->at("q1")[0].score, 0.1 + 0.2);  // exact round trip
  EXPECT_EQ(back->at("q1")[1].score, -std::numeric_limits<double>::infinity());
}

TEST_F(BeirDatasetTest, RunWriterRefusesWhatTheFormatCannotHold) {
  const std::string path = (dir_ / "bad.run").string();
  EXPECT_FALSE(write_trec_run(path, RetrievalRun{{"q 1", {{"a", 1.0}}}}).is_ok());
  EXPECT_FALSE(write_trec_run(path, RetrievalRun{{"q", {{"", 1.0}}}}).is_ok());
  EXPECT_FALSE(write_trec_run(path, RetrievalRun{{"q", {{"a b", 1.0}}}}).is_ok());
  EXPECT_FALSE(
      write_trec_run(path, RetrievalRun{{"q", {{"a", std::numeric_limits<double>::quiet_NaN()}}}})
          .is_ok());
  EXPECT_FALSE(write_trec_run(path, RetrievalRun{{"q", {{"a", 1.0}}}}, "two words").is_ok());
  EXPECT_FALSE(fs::exists(path));
}

TEST_F(BeirDatasetTest, MalformedRunLinesAreErrors) {
  auto cols = load_trec_run(write("a.run", "q Q0 d 1 2.0 tag\nq Q0 e 2 1.0\n"));
  ASSERT_FALSE(cols.is_ok());
  EXPECT_NE(cols.status().message().find("a.run:2"), std::string::npos);
  EXPECT_FALSE(load_trec_run(write("b.run", "q Q0 d 1 high tag\n")).is_ok());
  EXPECT_FALSE(load_trec_run(write("c.run", "q Q0 d 1 nan tag\n")).is_ok());
  EXPECT_FALSE(load_trec_run(write("d.run", "q Q0 d 1 1.0x tag\n")).is_ok());
  auto ok = load_trec_run(write("e.run", "q\tQ0\td\t1\t+2e3\ttag\n\n"));
  ASSERT_TRUE(ok.is_ok()) << ok.status().to_string();
  EXPECT_EQ(ok->at("q")[0].score, 2000.0);
}

TEST_F(BeirDatasetTest, HostileBytesNeverCrash) {
  std::string junk;
  for (int i = 0; i < 4096; ++i) junk.push_back(static_cast<char>((i * 131 + 7) % 256));
  const std::string path = write("junk", junk);
  EXPECT_FALSE(load_beir_queries(path).is_ok());
  EXPECT_FALSE(load_qrels(path).is_ok());
  EXPECT_FALSE(load_trec_run(path).is_ok());
}

TEST(BeirDatasetRealDataTest, LoadsSciFactTestSplit) {
  const fs::path scifact =
      fs::path(RAGD_SOURCE_DIR) / ".." / "shared" / "data" / "beir" / "scifact";
  if (!fs::exists(scifact / "queries.jsonl")) GTEST_SKIP() << "no SciFact at " << scifact;
  auto d = load_beir_dataset(scifact.string());
  ASSERT_TRUE(d.is_ok()) << d.status().to_string();
  EXPECT_EQ(d->queries.size(), 300u);
  EXPECT_EQ(d->qrels.size(), 300u);
  size_t judgements = 0;
  for (const auto& [q, docs] : d->qrels) judgements += docs.size();
  EXPECT_EQ(judgements, 339u);
  EXPECT_FALSE(d->queries.front().text.empty());
}

}  // namespace
}  // namespace ragd
