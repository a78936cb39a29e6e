#include "chat/conversation_summarizer.h"

#include <algorithm>

#include "chat/citation_parser.h"
#include "text/normalize.h"
#include "text/sentences.h"

namespace ragd {
namespace {

constexpr std::string_view kEllipsis = "\xE2\x80\xA6";  // U+2026, one token

size_t char_boundary(std::string_view text, size_t limit) {
  if (limit >= text.size()) return text.size();
  while (limit > 0 && (static_cast<unsigned char>(text[limit]) & 0xC0) == 0x80) --limit;
  return limit;
}

bool is_space(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

// The leading `count` sentences of `text`, whitespace collapsed.
std::string leading_sentences(std::string_view text, size_t count) {
  if (count == 0) return std::string();
  const auto sentences = split_sentences(text);
  size_t end = 0;
  size_t kept = 0;
  for (const auto& [begin, sentence_end] : sentences) {
    if (kept == count) break;
    end = sentence_end;
    // Blank lines are not sentences worth a slot.
    if (!clean_line(text.substr(begin, sentence_end - begin)).empty()) ++kept;
  }
  return clean_line(text.substr(0, end));
}

// The line summarising one turn.
std::string turn_line(const ConversationTurn& turn, const ExtractiveSummaryOptions& options) {
  const std::string question = clean_line(strip_citation_markers(turn.resolved_question()));
  const std::string answer =
      leading_sentences(strip_citation_markers(turn.answer), options.answer_sentences);
  std::string line;
  if (!question.empty()) line = "Q: " + question;
  if (!answer.empty()) line += (line.empty() ? "A: " : " A: ") + answer;
  return line;
}

}  // namespace

std::string fit_to_tokens(std::string_view text, size_t budget) {
  if (count_tokens(text) <= budget) return std::string(text);
  if (budget == 0) return std::string();
  // count_tokens never decreases as a prefix grows, so the longest prefix that fits with the
  // ellipsis is found by bisection over byte positions.
  const size_t room = budget - 1;  // the ellipsis
  size_t low = 0;
  size_t high = text.size();
  while (low < high) {
    const size_t middle = low + (high - low + 1) / 2;
    if (count_tokens(text.substr(0, middle)) <= room) {
      low = middle;
    } else {
      high = middle - 1;
    }
  }
  size_t cut = char_boundary(text, low);
  // Prefer ending at a word boundary when that keeps at least half the text.
  size_t space = cut;
  while (space > 0 && !is_space(text[space])) --space;
  if (space > 0 && space >= cut / 2 && cut < text.size() && !is_space(text[cut])) cut = space;
  while (cut > 0 && is_space(text[cut - 1])) --cut;
  if (cut == 0) return std::string();
  std::string out(text.substr(0, cut));
  out += kEllipsis;
  return out;
}

std::vector<std::string> fit_all_to_tokens(const std::vector<std::string>& texts, size_t budget) {
  std::vector<size_t> costs;
  size_t total = 0;
  size_t longest = 0;
  for (const std::string& text : texts) {
    costs.push_back(count_tokens(text));
    total += costs.back();
    longest = std::max(longest, costs.back());
  }
  if (total <= budget) return texts;
  // The largest common cap whose capped texts fit: sum(min(cost, cap)) <= budget.
  size_t low = 0;
  size_t high = longest;
  while (low < high) {
    const size_t middle = low + (high - low + 1) / 2;
    size_t sum = 0;
    for (size_t cost : costs) sum += std::min(cost, middle);
    if (sum <= budget) {
      low = middle;
    } else {
      high = middle - 1;
    }
  }
  std::vector<std::string> out;
  out.reserve(texts.size());
  for (size_t i = 0; i < texts.size(); ++i) {
    out.push_back(costs[i] <= low ? texts[i] : fit_to_tokens(texts[i], low));
  }
  return out;
}

std::string extractive_summary(const SummaryRequest& request,
                               const ExtractiveSummaryOptions& options) {
  std::vector<std::string> lines;
  for (const std::string& summary : request.summaries) {
    std::string line = clean_line(summary);
    if (!line.empty()) lines.push_back(std::move(line));
  }
  for (const ConversationTurn& turn : request.turns) {
    std::string line = turn_line(turn, options);
    if (!line.empty()) lines.push_back(std::move(line));
  }
  lines = fit_all_to_tokens(lines, request.token_budget);
  std::string out;
  for (size_t i = 0; i < lines.size(); ++i) {
    if (lines[i].empty()) continue;
    if (!out.empty()) out += '\n';  // a newline costs no token
    out += lines[i];
  }
  return out;
}

}  // namespace ragd
