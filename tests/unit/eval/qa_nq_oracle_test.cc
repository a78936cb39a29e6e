// The extractive answerer on nq-open-oracle: once with each question's gold passage (the
// oracle) and once with lexical retrieval (k = 5) over the dataset's corpus. In CI a
// 200-question subset runs against a small corpus (its gold documents plus 300 others);
// RAGD_QA_FULL=1 runs every question against the whole corpus (bench/qa_extractive.sh).
// Both print the report JSON of qa_eval.h.
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <nlohmann/json.hpp>
#include <unordered_map>
#include <unordered_set>

#include "eval/qa_dataset.h"
#include "qa_harness.h"

namespace ragd {
namespace {

namespace fs = std::filesystem;
using qa_testing::LexicalQaHarness;

const char* kDataset = "/work/shared/data/qa/nq-open-oracle";

std::string dataset_dir() {
  const char* env = std::getenv("RAGD_QA_DATASET");
  return env && *env ? env : kDataset;
}

double env_double(const char* name, double fallback) {
  const char* env = std::getenv(name);
  return env && *env ? std::atof(env) : fallback;
}

TEST(QaNqOracle, ExtractiveAnswersWithOracleAndRetrievedPassages) {
  const std::string dir = dataset_dir();
  if (!fs::is_directory(dir)) GTEST_SKIP() << "no dataset at " << dir;
  const bool full = std::getenv("RAGD_QA_FULL") != nullptr;
  auto dataset = load_qa_dataset(dir);
  ASSERT_TRUE(dataset.is_ok()) << dataset.status().to_string();
  auto corpus = load_qa_corpus(dataset->corpus_path);
  ASSERT_TRUE(corpus.is_ok()) << corpus.status().to_string();
  std::unordered_map<std::string, const QaCorpusDocument*> by_id;
  for (const QaCorpusDocument& doc : *corpus) by_id[doc.id] = &doc;

  std::string corpus_path = dataset->corpus_path;
  const fs::path subset_dir = fs::temp_directory_path() / ("ragd-nq-subset-" +
                                                           std::to_string(::getpid()));
  if (!full) {
    dataset->questions.resize(std::min<size_t>(dataset->questions.size(), 200));
    std::unordered_set<std::string> keep;
    for (const QaQuestion& q : dataset->questions) keep.insert(q.gold_doc_ids.begin(),
                                                               q.gold_doc_ids.end());
    size_t others = 0;
    for (const QaCorpusDocument& doc : *corpus) {
      if (others >= 300) break;
      if (keep.insert(doc.id).second) ++others;
    }
    fs::create_directories(subset_dir);
    corpus_path = (subset_dir / "corpus.jsonl").string();
    std::ifstream in(dataset->corpus_path);
    std::ofstream out(corpus_path);
    std::string line;
    while (std::getline(in, line)) {
      auto json = nlohmann::json::parse(line, nullptr, false);
      if (!json.is_discarded() && json.contains("_id") && keep.count(json["_id"].get<std::string>())) {
        out << line << "\n";
      }
    }
  }
  auto built = LexicalQaHarness::build(full ? "nq-full" : "nq-subset", {corpus_path});
  ASSERT_TRUE(built.is_ok()) << built.status().to_string();
  LexicalQaHarness& harness = **built;

  const ExtractiveAnswererConfig config = qa_testing::answerer_config_from_env();
  const size_t k = static_cast<size_t>(env_double("RAGD_QA_K", 5));
  const TermIdf idf = harness.frequencies().as_function();
  ExtractiveAnswerer answerer(harness.analyzer(), config, idf,
                              harness.frequencies().frequency_function(),
                              qa_testing::semantic_embedder_from_env());
  CitationVerifier verifier(harness.analyzer(), {}, idf);
  const bool verbose = std::getenv("RAGD_QA_VERBOSE") != nullptr;

  QaAnswerFn oracle = [&](const QaQuestion& q) -> Result<QaAnswer> {
    std::vector<Passage> passages;
    for (const std::string& id : q.gold_doc_ids) {
      auto it = by_id.find(id);
      if (it == by_id.end()) continue;
      Passage p;
      p.number = static_cast<int>(passages.size()) + 1;
      p.document_key = id;
      p.title = it->second->title;
      p.text = it->second->text;
      p.end = static_cast<int64_t>(p.text.size());
      passages.push_back(std::move(p));
    }
    ExtractiveAnswer raw;
    QaAnswer answer = qa_testing::answer_extractively(answerer, verifier, q.text, {}, passages,
                                                      &raw);
    if (std::getenv("RAGD_QA_STATS")) {
      ContentTermExtractor x(harness.analyzer());
      size_t unseen = 0;
      std::string names;
      for (const auto& t : x.distinct_terms(q.text)) {
        if (harness.frequencies().frequency(t) == 0) { ++unseen; names += t + " "; }
      }
      std::cout << "UNSEEN nq " << unseen << " " << names << "\n";
    }
    if (std::getenv("RAGD_QA_STATS")) {
      std::cout << "STAT nq " << raw.coverage << " " << raw.passage_coverage << "\n";
    }
    if (verbose && !answer_contains_gold(answer.text, q.answers)) {
      std::cout << "ORACLE MISS " << q.id << " [" << raw.coverage << "] " << q.text << " | "
                << q.answers[0] << "\n  -> " << answer.text << "\n";
    }
    return answer;
  };
  QaAnswerFn retrieved = [&](const QaQuestion& q) -> Result<QaAnswer> {
    std::vector<std::string> terms;
    auto passages = harness.retrieve(q.text, k, &terms);
    if (!passages.is_ok()) return passages.status();
    ExtractiveAnswer raw;
    QaAnswer answer =
        qa_testing::answer_extractively(answerer, verifier, q.text, terms, *passages, &raw);
    if (std::getenv("RAGD_QA_STATS")) {
      std::cout << "SEM nq " << raw.semantic << " " << raw.abstained << " "
                << answer_contains_gold(answer.text, q.answers) << "\n";
    }
    return answer;
  };
  auto oracle_report = run_qa_eval(*dataset, oracle, 1);
  ASSERT_TRUE(oracle_report.is_ok()) << oracle_report.status().to_string();
  auto retrieval_report = run_qa_eval(*dataset, retrieved, 1);
  ASSERT_TRUE(retrieval_report.is_ok()) << retrieval_report.status().to_string();
  std::cout << "oracle:    " << qa_report_to_json(*oracle_report) << "\n";
  std::cout << "retrieval: " << qa_report_to_json(*retrieval_report) << "\n";
  fs::remove_all(subset_dir);

  EXPECT_EQ(oracle_report->questions, dataset->questions.size());
  // Regression floors a little under the measured figures (subset: 0.67 and 0.645); the
  // issue's targets (0.80 with retrieval) are not met yet, see bench/qa_extractive.sh.
  EXPECT_GE(oracle_report->answer_recall, full ? 0.7 : 0.6);
  EXPECT_GE(oracle_report->citation_precision, 0.95);
  EXPECT_GE(retrieval_report->answer_recall, full ? 0.65 : 0.58);
  EXPECT_GE(retrieval_report->citation_precision, 0.95);
}

}  // namespace
}  // namespace ragd
