#include "cli/answer_output.h"

#include <cstdio>

#include "chat/answer_json.h"

namespace ragd::cli {

namespace {

std::string one_line(std::string text, size_t max_bytes) {
  for (char& c : text) {
    if (c == '\n' || c == '\r' || c == '\t') c = ' ';
  }
  if (text.size() > max_bytes) {
    size_t cut = max_bytes;
    while (cut > 0 && (static_cast<unsigned char>(text[cut]) & 0xC0) == 0x80) --cut;
    text = text.substr(0, cut) + "…";
  }
  return text;
}

}  // namespace

std::string format_sources(const AnswerResult& result, bool terminal) {
  std::string out;
  const char* bold = terminal ? "\033[1m" : "";
  const char* dim = terminal ? "\033[2m" : "";
  const char* reset = terminal ? "\033[0m" : "";
  if (!result.citations.empty()) {
    out += std::string("\n") + bold + "Sources" + reset + "\n";
    for (const AnswerCitation& c : result.citations) {
      std::string where = c.title;
      if (!c.section_path.empty() && c.section_path != c.title) where += " — " + c.section_path;
      out += "  [" + std::to_string(c.number) + "] " + where + "\n";
      out += std::string("      ") + dim + c.document_key + " bytes " +
             std::to_string(c.span_begin) + "-" + std::to_string(c.span_end) + reset + "\n";
      out += "      \"" + one_line(c.excerpt, 240) + "\"\n";
    }
  }
  char timing[64];
  std::snprintf(timing, sizeof timing, "%.0f ms", result.latency.total_ms);
  std::string status = std::string("strategy: ") + answer_strategy_name(result.strategy);
  if (!result.model.empty() && result.model != "extractive" && result.model != "template") {
    status += " (" + result.model + ")";
  }
  status += " · " + std::string(timing);
  if (result.rewritten) status += " · searched: \"" + one_line(result.rewritten_query, 120) + "\"";
  for (const Degradation& d : result.degradations) {
    if (d.rung == "llm") status += " · llm failed: " + d.reason;
  }
  if (!result.session_id.empty()) status += " · session " + result.session_id;
  out += std::string("\n") + dim + status + reset + "\n";
  return out;
}

std::string format_answer(const AnswerResult& result, bool terminal) {
  return result.answer + "\n" + format_sources(result, terminal);
}

}  // namespace ragd::cli
