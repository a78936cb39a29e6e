// libFuzzer target for the text cleaner and the Analyzer: hostile bytes must never crash,
// cleaned text must be valid UTF-8 with the documented whitespace shape, and token
// offsets must lie inside the input.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "text/analyzer.h"
#include "text/normalize.h"

namespace {

void check(bool condition) {
  if (!condition) __builtin_trap();
}

void check_tokens(const ragd::Analyzer& analyzer, std::string_view text) {
  std::vector<ragd::Token> tokens;
  analyzer.analyze_with_offsets(text, tokens);
  std::vector<std::string> terms;
  analyzer.analyze(text, terms);
  check(terms.size() == tokens.size());
  uint32_t previous_end = 0;
  for (size_t i = 0; i < tokens.size(); ++i) {
    const ragd::Token& token = tokens[i];
    check(token.begin < token.end);
    check(token.end <= text.size());
    check(token.begin >= previous_end);
    previous_end = token.end;
    check(!token.term.empty());
    check(ragd::is_valid_utf8(token.term));
    check(token.term == terms[i]);
  }
}

void check_cleaned(std::string_view cleaned, bool single_line) {
  check(ragd::is_valid_utf8(cleaned));
  if (cleaned.empty()) return;
  check(cleaned.front() != ' ' && cleaned.front() != '\n');
  check(cleaned.back() != ' ' && cleaned.back() != '\n');
  check(cleaned.find("\n\n\n") == std::string_view::npos);
  check(cleaned.find("  ") == std::string_view::npos);
  check(cleaned.find(" \n") == std::string_view::npos);
  for (const char c : cleaned) {
    const auto b = static_cast<unsigned char>(c);
    check(b >= 0x20 || (b == '\n' && !single_line));
    check(b != 0x7F);
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const ragd::Analyzer analyzer;
  const std::string_view input(reinterpret_cast<const char*>(data), size);

  const std::string repaired = ragd::repair_utf8(input);
  check(ragd::is_valid_utf8(repaired));
  check(ragd::is_valid_utf8(input) == (repaired == input));
  check(ragd::is_valid_utf8(ragd::repair_mojibake(repaired)));
  (void)ragd::repair_mojibake(input);

  const std::string cleaned = ragd::clean_text(input);
  check_cleaned(cleaned, false);
  check_cleaned(ragd::clean_line(input), true);
  check(ragd::is_valid_utf8(ragd::clean_preformatted(input)));

  check_tokens(analyzer, input);
  check_tokens(analyzer, cleaned);
  return 0;
}
