#include "retrieve/snippet.h"

#include <algorithm>
#include <unordered_map>

namespace ragd {
namespace {

bool is_space(char c) { return c == ' ' || c == '\n' || c == '\t' || c == '\r'; }
bool is_continuation(char c) { return (static_cast<unsigned char>(c) & 0xC0) == 0x80; }

// Moves `pos` back to the start of the word it is in.
size_t word_start(std::string_view text, size_t pos) {
  while (pos > 0 && pos < text.size() && !is_space(text[pos - 1])) --pos;
  while (pos < text.size() && is_continuation(text[pos])) ++pos;
  return pos;
}

// Moves `pos` forward to the end of the word it is in.
size_t word_end(std::string_view text, size_t pos) {
  while (pos < text.size() && !is_space(text[pos])) ++pos;
  return pos;
}

}  // namespace

Snippet make_snippet(std::string_view chunk_text, const std::unordered_set<std::string>& query_terms,
                     const Analyzer& analyzer, size_t max_bytes) {
  std::vector<Token> tokens;
  analyzer.analyze_with_offsets(chunk_text, tokens);
  std::vector<const Token*> matches;
  for (const Token& token : tokens) {
    if (query_terms.count(token.term)) matches.push_back(&token);
  }

  size_t begin = 0;
  if (chunk_text.size() > max_bytes && !matches.empty()) {
    // Slide over matches as window starts; score = (distinct terms, matches).
    size_t best_distinct = 0, best_count = 0, best_start = 0;
    for (size_t i = 0; i < matches.size(); ++i) {
      std::unordered_map<std::string_view, int> seen;
      size_t count = 0;
      for (size_t j = i; j < matches.size() && matches[j]->end - matches[i]->begin <= max_bytes; ++j) {
        ++seen[matches[j]->term];
        ++count;
      }
      if (seen.size() > best_distinct || (seen.size() == best_distinct && count > best_count)) {
        best_distinct = seen.size();
        best_count = count;
        best_start = matches[i]->begin;
      }
    }
    // Give the first match a little leading context, from a word start.
    size_t lead = std::min<size_t>(best_start, max_bytes / 6);
    begin = word_start(chunk_text, best_start - lead);
  }
  size_t end = std::min(chunk_text.size(), begin + max_bytes);
  if (end < chunk_text.size()) {
    size_t cut = end;
    while (cut > begin && !is_space(chunk_text[cut])) --cut;
    end = cut > begin ? cut : word_end(chunk_text, end);
  }

  Snippet snippet;
  size_t shift = 0;
  if (begin > 0) {
    snippet.text = "…";
    shift = snippet.text.size();
  }
  size_t body = snippet.text.size();
  snippet.text.append(chunk_text.substr(begin, end - begin));
  // One line: newlines become spaces (same length, so highlight offsets stay valid).
  for (size_t i = body; i < snippet.text.size(); ++i) {
    if (snippet.text[i] == '\n' || snippet.text[i] == '\r' || snippet.text[i] == '\t') {
      snippet.text[i] = ' ';
    }
  }
  if (end < chunk_text.size()) snippet.text += "…";
  for (const Token* match : matches) {
    if (match->begin >= begin && match->end <= end) {
      snippet.highlights.emplace_back(match->begin - begin + shift, match->end - begin + shift);
    }
  }
  return snippet;
}

std::string mark_highlights(const Snippet& snippet, std::string_view open, std::string_view close) {
  std::string out;
  size_t pos = 0;
  for (const auto& [b, e] : snippet.highlights) {
    if (b < pos) continue;
    out.append(snippet.text, pos, b - pos);
    out.append(open);
    out.append(snippet.text, b, e - b);
    out.append(close);
    pos = e;
  }
  out.append(snippet.text, pos, std::string::npos);
  return out;
}

}  // namespace ragd
