#include "cli/ingest_progress.h"

#include <cstdio>
#include <string>

namespace ragd::cli {
namespace {

std::string format_eta(double seconds) {
  if (seconds < 0 || seconds > 1e7) return "--:--";
  int s = static_cast<int>(seconds);
  char buffer[32];
  if (s >= 3600) {
    std::snprintf(buffer, sizeof buffer, "%d:%02d:%02d", s / 3600, (s / 60) % 60, s % 60);
  } else {
    std::snprintf(buffer, sizeof buffer, "%02d:%02d", s / 60, s % 60);
  }
  return buffer;
}

}  // namespace

IngestProgressPrinter::~IngestProgressPrinter() {
  if (line_drawn_) std::fputc('\n', stderr);
}

void IngestProgressPrinter::clear_line() {
  if (line_drawn_) {
    std::fputs("\r\033[K", stderr);
    line_drawn_ = false;
  }
}

void IngestProgressPrinter::on_event(const IngestEvent& event) {
  if (event.outcome != IngestOutcome::kFailed && !verbose_) return;
  clear_line();
  if (event.outcome == IngestOutcome::kFailed) {
    std::fprintf(stderr, "ragd: failed: %s: %s\n", event.source.c_str(), event.message.c_str());
  } else {
    std::fprintf(stderr, "%s: %s (%zu chunks)\n", outcome_name(event.outcome),
                 event.source.c_str(), event.chunks);
  }
}

void IngestProgressPrinter::on_progress(const IngestProgress& p) {
  if (p.embedding) {
    show_embedding(p);
    return;
  }
  double rate = p.elapsed_seconds > 0 ? static_cast<double>(p.documents_done) / p.elapsed_seconds : 0;
  double fraction = p.bytes_total ? static_cast<double>(p.bytes_done) / static_cast<double>(p.bytes_total) : 0;
  double eta = fraction > 0 ? p.elapsed_seconds * (1 - fraction) / fraction : -1;
  if (terminal_) {
    constexpr int kWidth = 28;
    int filled = static_cast<int>(fraction * kWidth);
    std::string bar(static_cast<size_t>(filled), '#');
    bar.resize(kWidth, '.');
    clear_line();
    std::fprintf(stderr, "[%s] %3.0f%%  files %llu/%llu  docs %llu  %.0f docs/s  ETA %s", bar.c_str(),
                 fraction * 100, static_cast<unsigned long long>(p.files_done),
                 static_cast<unsigned long long>(p.files_total),
                 static_cast<unsigned long long>(p.documents_done), rate, format_eta(eta).c_str());
    std::fflush(stderr);
    line_drawn_ = true;
    return;
  }
  if (!log_line_due()) return;
  std::fprintf(stderr, "progress: files %llu/%llu, documents %llu, %.0f docs/s, %.0f%% of bytes\n",
               static_cast<unsigned long long>(p.files_done),
               static_cast<unsigned long long>(p.files_total),
               static_cast<unsigned long long>(p.documents_done), rate, fraction * 100);
}

bool IngestProgressPrinter::log_line_due() {
  auto now = std::chrono::steady_clock::now();
  if (now - last_log_ < std::chrono::seconds(5)) return false;
  last_log_ = now;
  return true;
}

void IngestProgressPrinter::show_embedding(const IngestProgress& p) {
  if (terminal_) {
    clear_line();
    std::fprintf(stderr, "embedding  %3.0f%%  %llu passages embedded, %llu from the cache",
                 p.embedding_fraction * 100, static_cast<unsigned long long>(p.passages_embedded),
                 static_cast<unsigned long long>(p.passages_cached));
    std::fflush(stderr);
    line_drawn_ = true;
    return;
  }
  if (!log_line_due()) return;
  std::fprintf(stderr, "embedding: %.0f%%, %llu passages embedded, %llu from the cache\n",
               p.embedding_fraction * 100, static_cast<unsigned long long>(p.passages_embedded),
               static_cast<unsigned long long>(p.passages_cached));
}

}  // namespace ragd::cli
