// Shows an ingest's progress: a one-line progress bar (documents/s, ETA), then the embedding
// phase's (passages embedded), redrawn in place when stderr is a terminal; otherwise plain
// log lines, one per failure and one every few seconds. Failures are always printed; per-document lines with --verbose.
#pragma once

#include <chrono>

#include "jobs/ingest_job.h"

namespace ragd::cli {

class IngestProgressPrinter : public IngestObserver {
 public:
  IngestProgressPrinter(bool terminal, bool verbose) : terminal_(terminal), verbose_(verbose) {}
  ~IngestProgressPrinter() override;

  void on_event(const IngestEvent& event) override;
  void on_progress(const IngestProgress& progress) override;

 private:
  void clear_line();
  void show_embedding(const IngestProgress& progress);
  // For log output (not a terminal): whether 5 s have passed since the last line; if so,
  // starts the next interval.
  bool log_line_due();
  bool terminal_;
  bool verbose_;
  bool line_drawn_ = false;
  std::chrono::steady_clock::time_point last_log_{};
};

}  // namespace ragd::cli
