#include "eval/qa_eval.h"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <exception>
#include <nlohmann/json.hpp>
#include <thread>

namespace ragd {
namespace {

using Clock = std::chrono::steady_clock;

void answer_one(const QaQuestion& question, const QaAnswerFn& answer_fn, QaQuestionResult& out) {
  out.id = question.id;
  const auto started = Clock::now();
  Result<QaAnswer> answer = Status::internal("no answer");
  try {
    answer = answer_fn(question);
  } catch (const std::exception& e) {
    answer = Status::internal(std::string("answer function threw: ") + e.what());
  } catch (...) {
    answer = Status::internal("answer function threw");
  }
  out.latency_ms = std::chrono::duration<double, std::milli>(Clock::now() - started).count();
  if (!answer.is_ok()) {
    out.failed = true;
    out.answer = answer.status().to_string();
    return;
  }
  out.score = score_qa_answer(question, *answer);
  out.answer = std::move(answer->text);
}

}  // namespace

Result<QaReport> run_qa_eval(const QaDataset& dataset, const QaAnswerFn& answer_fn,
                             size_t threads) {
  if (!answer_fn) return Status::invalid("run_qa_eval: no answer function");
  QaReport report;
  report.dataset = dataset.name;
  report.questions = dataset.questions.size();
  report.per_question.resize(dataset.questions.size());
  std::atomic<size_t> next{0};
  auto work = [&] {
    for (size_t i = next++; i < dataset.questions.size(); i = next++) {
      answer_one(dataset.questions[i], answer_fn, report.per_question[i]);
    }
  };
  threads = std::clamp<size_t>(threads, 1, std::max<size_t>(1, dataset.questions.size()));
  std::vector<std::thread> pool;
  for (size_t t = 1; t < threads; ++t) pool.emplace_back(work);
  work();
  for (std::thread& thread : pool) thread.join();

  size_t answerable = 0, answered = 0, abstained = 0, unanswerable = 0, abstained_right = 0;
  size_t with_citations = 0, with_sentences = 0;
  double precision = 0, recall = 0;
  std::vector<double> latencies;
  for (size_t i = 0; i < report.per_question.size(); ++i) {
    const QaQuestionResult& r = report.per_question[i];
    const QaQuestion& q = dataset.questions[i];
    latencies.push_back(r.latency_ms);
    if (r.failed) ++report.errors;
    answerable += q.has_answer;
    answered += r.score.answered;
    abstained += r.score.abstained;
    if (!q.has_answer) {
      ++unanswerable;
      abstained_right += r.score.abstained;
    }
    if (r.score.citation_precision >= 0) {
      ++with_citations;
      precision += r.score.citation_precision;
    }
    if (r.score.citation_recall >= 0) {
      ++with_sentences;
      recall += r.score.citation_recall;
    }
  }
  if (report.errors == report.questions && report.questions > 0) {
    return Status::error(ErrorCode::kInternal,
                         "every answer failed; the first: " + report.per_question[0].answer);
  }
  const auto ratio = [](double a, size_t b) { return b ? a / static_cast<double>(b) : 0.0; };
  report.answer_recall = ratio(static_cast<double>(answered), answerable);
  report.citation_precision = ratio(precision, with_citations);
  report.citation_recall = ratio(recall, with_sentences);
  report.abstain_rate = ratio(static_cast<double>(abstained), report.questions);
  report.latency_p50_ms = nearest_rank_percentile(latencies, 50);
  report.latency_p99_ms = nearest_rank_percentile(latencies, 99);
  if (unanswerable > 0) {
    report.extra["unanswerable_questions"] = static_cast<double>(unanswerable);
    report.extra["unanswerable_abstained"] = ratio(static_cast<double>(abstained_right),
                                                   unanswerable);
  }
  if (report.errors > 0) report.extra["errors"] = static_cast<double>(report.errors);
  return report;
}

std::string qa_report_to_json(const QaReport& report) {
  nlohmann::ordered_json json;
  json["dataset"] = report.dataset;
  json["questions"] = report.questions;
  json["answer_recall"] = report.answer_recall;
  json["citation_precision"] = report.citation_precision;
  json["citation_recall"] = report.citation_recall;
  json["abstain_rate"] = report.abstain_rate;
  json["latency_ms"] = {{"p50", report.latency_p50_ms}, {"p99", report.latency_p99_ms}};
  if (!report.extra.empty()) {
    nlohmann::ordered_json extra = nlohmann::ordered_json::object();
    for (const auto& [key, value] : report.extra) extra[key] = value;
    json["extra"] = extra;
  }
  return json.dump();
}

}  // namespace ragd
