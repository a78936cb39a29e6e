// QA evaluation: runs every question of a QaDataset through an answer function (the whole
// pipeline, or a generator alone) on a pool of threads and reports the metrics of
// qa_metrics.h.
//
// The answer function must be safe to call from `threads` threads at once. Latency is the
// wall time of each call. A call that fails (error or exception) counts as a wrong answer
// without citations and is reported in `errors`; when every call fails, run_qa_eval fails
// with the first error.
//
// Thread-safety: run_qa_eval may be called concurrently for different datasets.
#pragma once

#include <cstddef>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "common/status.h"
#include "eval/qa_dataset.h"
#include "eval/qa_metrics.h"

namespace ragd {

using QaAnswerFn = std::function<Result<QaAnswer>(const QaQuestion&)>;

struct QaQuestionResult {
  std::string id;
  QaScore score;
  double latency_ms = 0;
  std::string answer;  // the answer text, or the error message
  bool failed = false;
};

struct QaReport {
  std::string dataset;
  size_t questions = 0;
  double answer_recall = 0;       // over answerable questions
  double citation_precision = 0;  // mean over answers with citations
  double citation_recall = 0;     // mean over answers that are not abstentions
  double abstain_rate = 0;        // over all questions
  double latency_p50_ms = 0;
  double latency_p99_ms = 0;
  size_t errors = 0;
  std::map<std::string, double> extra;  // written under "extra" when not empty
  std::vector<QaQuestionResult> per_question;  // dataset order
};

Result<QaReport> run_qa_eval(const QaDataset& dataset, const QaAnswerFn& answer_fn,
                             size_t threads = 1);

// {"dataset","questions","answer_recall","citation_precision","citation_recall",
//  "abstain_rate","latency_ms":{"p50","p99"}} and, when report.extra is not empty, "extra".
std::string qa_report_to_json(const QaReport& report);

}  // namespace ragd
