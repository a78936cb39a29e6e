// `ragd eval qa DATASET_DIR`: answer-level evaluation. Indexes the dataset's corpus into its
// own collection (reused when unchanged), answers every question through the whole answer
// pipeline (retrieval, context, generation, citation checks; nothing stored), and reports
// answer recall, citation precision and recall, the abstention rate and latency.
#include <CLI/CLI.hpp>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <nlohmann/json.hpp>

#include "cli/answer_setup.h"
#include "cli/commands.h"
#include "cli/common_options.h"
#include "cli/exit_codes.h"
#include "eval/qa_dataset.h"
#include "eval/qa_eval.h"
#include "jobs/collection_handle.h"
#include "jobs/ingest_job.h"

namespace ragd::cli {
namespace {

struct EvalQaArgs {
  std::string data;
  std::string dataset_dir;
  std::string split = "test";
  size_t limit = 0;
  bool json = false;
  std::string details;  // JSONL file: one line per question
  AnswerFlags answer;
};

// One line per question, dataset order: what was asked, the gold answers, what ragd answered
// and how it scored; for reading the misses.
Status write_details(const std::string& path, const QaDataset& dataset, const QaReport& report) {
  std::ofstream out(path, std::ios::trunc);
  if (!out) return Status::io("cannot write " + path);
  for (size_t i = 0; i < report.per_question.size() && i < dataset.questions.size(); ++i) {
    const QaQuestion& q = dataset.questions[i];
    const QaQuestionResult& r = report.per_question[i];
    nlohmann::ordered_json line = {{"id", r.id},
                                   {"question", q.text},
                                   {"gold", q.answers},
                                   {"answer", r.answer},
                                   {"answered", r.score.answered},
                                   {"abstained", r.score.abstained},
                                   {"failed", r.failed},
                                   {"latency_ms", r.latency_ms}};
    out << line.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) << "\n";
  }
  out.close();
  if (!out) return Status::io("cannot write " + path);
  return Status::ok();
}

QaAnswer to_qa_answer(const AnswerResult& result) {
  QaAnswer answer;
  answer.text = result.answer;
  answer.abstained = result.abstained;
  for (const AnswerSentence& s : result.sentences) {
    answer.sentences.push_back({s.citations_given, s.citations.size()});
  }
  return answer;
}

int run_eval_qa(const EvalQaArgs& args) {
  auto dataset = load_qa_dataset(args.dataset_dir, args.split);
  if (!dataset.is_ok()) return report_error(dataset.status());
  if (args.limit > 0 && dataset->questions.size() > args.limit) {
    dataset->questions.resize(args.limit);
  }
  DataDir data(resolve_data_dir(args.data));
  const std::string collection = "qa-" + dataset->name;
  OpenCollectionOptions open_options;
  open_options.vectors = args.answer.mode != "lexical";
  open_options.catch_up_vectors = false;  // the ingest job below embeds what is missing
  auto handle = open_collection(data, collection, OpenMode::kWriteOrCreate, open_options);
  if (!handle.is_ok()) return report_error(handle.status());
  {
    IngestOptions ingest;
    ingest.collection = collection;
    IngestJob job(*handle->store, *handle->index, *handle->analyzer, ingest);
    if (handle->dense()) job.set_vectors(handle->vectors.get(), handle->embedder.get());
    auto summary = job.run({dataset->corpus_path}, nullptr);
    if (!summary.is_ok()) return report_error(summary.status());
  }
  auto pipeline = make_answer_pipeline(*handle, args.answer);
  if (!pipeline.is_ok()) return report_error(pipeline.status());
  AnswerPipeline& answerer = **pipeline;
  QaAnswerFn answer_fn = [&](const QaQuestion& question) -> Result<QaAnswer> {
    AnswerRequest request = make_answer_request(args.answer, question.text);
    request.persist = false;
    auto result = answerer.answer(request);
    if (!result.is_ok()) return result.status();
    return to_qa_answer(*result);
  };
  // The pipeline uses one store connection, so questions run one at a time.
  auto report = run_qa_eval(*dataset, answer_fn, 1);
  if (!report.is_ok()) return report_error(report.status());
  if (!args.details.empty()) {
    Status written = write_details(args.details, *dataset, *report);
    if (!written.is_ok()) return report_error(written);
  }
  if (args.json) {
    std::cout << qa_report_to_json(*report) << "\n";
  } else {
    std::printf("dataset             %s (%zu questions)\n", report->dataset.c_str(),
                report->questions);
    std::printf("answer recall       %.4f\n", report->answer_recall);
    std::printf("citation precision  %.4f\n", report->citation_precision);
    std::printf("citation recall     %.4f\n", report->citation_recall);
    std::printf("abstain rate        %.4f\n", report->abstain_rate);
    std::printf("latency p50 / p99   %.2f / %.2f ms\n", report->latency_p50_ms,
                report->latency_p99_ms);
    if (report->errors > 0) std::printf("errors              %zu\n", report->errors);
  }
  return report->errors == 0 ? kExitOk : kExitPartialFailure;
}

}  // namespace

void add_eval_qa_subcommand(CLI::App& eval, CommandRunner& runner) {
  auto args = std::make_shared<EvalQaArgs>();
  CLI::App* qa = eval.add_subcommand(
      "qa", "Answer a QA dataset's questions through the whole pipeline and score the answers");
  add_data_option(qa, args->data);
  qa->add_option("dataset", args->dataset_dir,
                 "Dataset folder: corpus.jsonl, queries.jsonl, answers.jsonl, qrels/")
      ->required()
      ->check(CLI::ExistingDirectory);
  qa->add_option("--split", args->split, "qrels split")->default_val("test");
  qa->add_option("--limit", args->limit, "Only the first N questions (0: all)");
  qa->add_flag("--json", args->json,
               "One JSON object: dataset, questions, answer_recall, citation_precision, "
               "citation_recall, abstain_rate, latency_ms {p50, p99}");
  qa->add_option("--details", args->details,
                 "Also write one JSON line per question to FILE: id, question, gold, answer, "
                 "answered, abstained, failed, latency_ms");
  add_answer_flags(qa, args->answer);
  qa->callback([args, &runner] { runner = [args] { return run_eval_qa(*args); }; });
}

}  // namespace ragd::cli
