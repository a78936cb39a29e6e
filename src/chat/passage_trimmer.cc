// Passage trimming (contract in passage_trimmer.h).
#include "chat/passage_trimmer.h"

#include <algorithm>
#include <unordered_set>

#include "text/sentences.h"

namespace ragd {
namespace {

bool is_space(char c) {
  return c == ' ' || c == '\n' || c == '\t' || c == '\r';
}

TextSpan trimmed(std::string_view text, size_t begin, size_t end) {
  while (begin < end && is_space(text[begin])) ++begin;
  while (end > begin && is_space(text[end - 1])) --end;
  return {begin, end};
}

// Moves a cut back to the start of a UTF-8 sequence.
size_t utf8_floor(std::string_view text, size_t pos) {
  while (pos > 0 && pos < text.size() && (static_cast<unsigned char>(text[pos]) & 0xC0) == 0x80) {
    --pos;
  }
  return pos;
}

// The longest prefix of [begin, end) within max_tokens, for a run without spaces.
size_t fitting_prefix_end(std::string_view text, size_t begin, size_t end, size_t max_tokens) {
  size_t lo = begin;  // fits
  size_t hi = end;
  while (lo < hi) {
    const size_t mid = utf8_floor(text, lo + (hi - lo + 1) / 2);
    if (mid <= lo) break;
    if (count_tokens(text.substr(begin, mid - begin)) <= max_tokens) {
      lo = mid;
    } else {
      hi = mid - 1;
    }
  }
  return utf8_floor(text, lo);
}

// Cuts one long sentence [begin, end) at spaces, starting a little before `anchor`.
TextSpan cut_sentence(std::string_view text, size_t begin, size_t end, size_t anchor,
                      size_t max_tokens) {
  struct Piece {
    size_t begin;
    size_t end;
    size_t tokens;
  };
  std::vector<Piece> pieces;
  size_t i = begin;
  while (i < end) {
    while (i < end && is_space(text[i])) ++i;
    if (i >= end) break;
    const size_t start = i;
    while (i < end && !is_space(text[i])) ++i;
    pieces.push_back({start, i, count_tokens(text.substr(start, i - start))});
  }
  if (pieces.empty()) return {begin, begin};
  size_t first = 0;
  while (first + 1 < pieces.size() && pieces[first].end <= anchor) ++first;
  // Some words before the match give it context.
  const size_t lead = std::max<size_t>(1, max_tokens / 4);
  size_t lead_tokens = 0;
  while (first > 0 && lead_tokens + pieces[first - 1].tokens <= lead) {
    lead_tokens += pieces[first - 1].tokens;
    --first;
  }
  size_t last = first;
  size_t used = pieces[first].tokens;
  if (used > max_tokens) {
    return {pieces[first].begin,
            fitting_prefix_end(text, pieces[first].begin, pieces[first].end, max_tokens)};
  }
  while (last + 1 < pieces.size() && used + pieces[last + 1].tokens <= max_tokens) {
    used += pieces[++last].tokens;
  }
  while (first > 0 && used + pieces[first - 1].tokens <= max_tokens) {
    used += pieces[--first].tokens;
  }
  return {pieces[first].begin, pieces[last].end};
}

}  // namespace

TextSpan select_passage_span(std::string_view text, const std::vector<std::string>& query_terms,
                             const Analyzer& analyzer, size_t max_tokens) {
  const TextSpan whole = trimmed(text, 0, text.size());
  if (whole.begin == whole.end || max_tokens == 0) return {whole.begin, whole.begin};
  if (count_tokens(text.substr(whole.begin, whole.end - whole.begin)) <= max_tokens) return whole;

  const std::unordered_set<std::string_view> wanted(query_terms.begin(), query_terms.end());
  struct Sentence {
    size_t begin;
    size_t end;
    size_t tokens;
    size_t score;
    size_t first_match;
  };
  std::vector<Sentence> sentences;
  std::vector<Token> tokens;
  for (const auto& [b, e] : split_sentences(text)) {
    const TextSpan s = trimmed(text, b, e);
    if (s.begin == s.end) continue;
    const std::string_view sentence = text.substr(s.begin, s.end - s.begin);
    tokens.clear();
    analyzer.analyze_with_offsets(sentence, tokens);
    std::unordered_set<std::string_view> matched;
    size_t first_match = s.begin;
    for (const Token& t : tokens) {
      if (!wanted.count(t.term)) continue;
      if (matched.empty()) first_match = s.begin + t.begin;
      matched.insert(t.term);
    }
    sentences.push_back({s.begin, s.end, count_tokens(sentence), matched.size(), first_match});
  }
  if (sentences.empty()) return {whole.begin, whole.begin};

  // The run of sentences with the highest total score that fits (two pointers).
  size_t best_left = 0;
  size_t best_right = 0;  // exclusive; an empty best means no sentence fits alone
  size_t best_score = 0;
  bool found = false;
  size_t right = 0;
  size_t tokens_in = 0;
  size_t score_in = 0;
  for (size_t left = 0; left < sentences.size(); ++left) {
    if (right < left) {
      right = left;
      tokens_in = 0;
      score_in = 0;
    }
    while (right < sentences.size() && tokens_in + sentences[right].tokens <= max_tokens) {
      tokens_in += sentences[right].tokens;
      score_in += sentences[right].score;
      ++right;
    }
    if (right > left && (!found || score_in > best_score)) {
      found = true;
      best_score = score_in;
      best_left = left;
      best_right = right;
    }
    if (right > left) {
      tokens_in -= sentences[left].tokens;
      score_in -= sentences[left].score;
    }
  }
  // A better-scoring sentence that does not fit alone beats a fitting run without matches.
  size_t best_single = 0;
  for (size_t i = 1; i < sentences.size(); ++i) {
    if (sentences[i].score > sentences[best_single].score) best_single = i;
  }
  if (found && (best_score > 0 || sentences[best_single].score == 0)) {
    return {sentences[best_left].begin, sentences[best_right - 1].end};
  }
  const Sentence& s = sentences[best_single];
  return cut_sentence(text, s.begin, s.end, s.first_match, max_tokens);
}

}  // namespace ragd
