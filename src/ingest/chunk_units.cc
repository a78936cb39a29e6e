#include "ingest/chunk_units.h"

#include <algorithm>
#include <limits>

#include "text/sentences.h"

namespace ragd::chunking {
namespace {

// Longest UTF-8 sequence minus one: how far a position may sit inside a code point.
constexpr size_t kMaxContinuation = 3;

// Moves `pos` forward off continuation bytes, so it does not split a code point.
size_t snap_forward(std::string_view text, size_t pos) {
  for (size_t k = 0; k < kMaxContinuation && pos < text.size() && is_continuation(text[pos]); ++k) {
    ++pos;
  }
  return pos;
}

// The start of the code point after the one at `pos` (< text.size()).
size_t next_code_point(std::string_view text, size_t pos) {
  return snap_forward(text, pos + 1);
}

// Moves `pos` back onto the start of its code point, not below `floor`.
size_t snap_back(std::string_view text, size_t pos, size_t floor) {
  for (size_t k = 0;
       k < kMaxContinuation && pos > floor && pos < text.size() && is_continuation(text[pos]);
       ++k) {
    --pos;
  }
  return pos;
}

void trim(std::string_view text, size_t& begin, size_t& end) {
  while (begin < end && is_space(text[begin])) ++begin;
  while (end > begin && is_space(text[end - 1])) --end;
}

size_t tokens_of(std::string_view text, size_t begin, size_t end) {
  return count_tokens(text.substr(begin, end - begin));
}

// Cuts a single word of more than `max_tokens` tokens between code points. Token counts
// of prefixes only grow with their length, so each piece is the longest prefix that fits,
// found by bisection within the most bytes `max_tokens` tokens can span.
void split_word(std::string_view text, size_t begin, size_t end, size_t max_tokens,
                std::vector<Unit>& out) {
  // A token covers at most 6 code points of at most 4 bytes each.
  const size_t span = max_tokens > std::numeric_limits<size_t>::max() / 32
                          ? std::numeric_limits<size_t>::max()
                          : max_tokens * 24 + 4;
  size_t pos = begin;
  while (pos < end) {
    size_t hi = end - pos > span ? snap_back(text, pos + span, pos + 1) : end;
    size_t lo = std::min(next_code_point(text, pos), end);  // one code point is <= 1 token
    size_t cut = hi;
    if (tokens_of(text, pos, hi) > max_tokens) {
      // Invariant: [pos, lo) fits, [pos, hi) does not.
      while (true) {
        size_t mid = snap_back(text, lo + (hi - lo) / 2, lo);
        if (mid <= lo) mid = next_code_point(text, lo);
        if (mid >= hi) break;
        if (tokens_of(text, pos, mid) <= max_tokens) {
          lo = mid;
        } else {
          hi = mid;
        }
      }
      cut = lo;
    }
    out.push_back({pos, cut, tokens_of(text, pos, cut)});
    pos = cut;
  }
}

// Splits [begin, end) at whitespace; words that are still too big go to split_word.
void split_words(std::string_view text, size_t begin, size_t end, size_t max_tokens,
                 std::vector<Unit>& out) {
  size_t pos = begin;
  while (pos < end) {
    while (pos < end && is_space(text[pos])) ++pos;
    size_t word_end = pos;
    while (word_end < end && !is_space(text[word_end])) ++word_end;
    if (word_end == pos) break;
    const size_t tokens = tokens_of(text, pos, word_end);
    if (tokens > max_tokens) {
      split_word(text, pos, word_end, max_tokens, out);
    } else {
      out.push_back({pos, word_end, tokens});
    }
    pos = word_end;
  }
}

// Appends one unit for [begin, end) trimmed, or finer ones when it is too big.
void add_piece(std::string_view text, size_t begin, size_t end, size_t max_tokens,
               std::vector<Unit>& out) {
  trim(text, begin, end);
  if (begin >= end) return;
  const size_t tokens = tokens_of(text, begin, end);
  if (tokens <= max_tokens) {
    out.push_back({begin, end, tokens});
  } else {
    split_words(text, begin, end, max_tokens, out);
  }
}

}  // namespace

std::vector<Block> normalize_blocks(std::string_view text, const std::vector<Block>& blocks) {
  std::vector<Block> sorted = blocks;
  std::stable_sort(sorted.begin(), sorted.end(),
                   [](const Block& a, const Block& b) { return a.begin < b.begin; });
  std::vector<Block> out;
  out.reserve(sorted.size() + 1);
  size_t covered = 0;  // everything before this is in `out` or whitespace
  auto add_gap = [&](size_t begin, size_t end) {
    trim(text, begin, end);
    if (begin < end) out.push_back({BlockKind::kParagraph, 0, begin, end});
  };
  for (const Block& block : sorted) {
    size_t begin = snap_forward(text, std::max(std::min(block.begin, text.size()), covered));
    size_t end = snap_forward(text, std::min(block.end, text.size()));
    trim(text, begin, end);
    if (begin >= end) continue;
    add_gap(covered, begin);
    const bool heading = block.kind == BlockKind::kHeading;
    out.push_back({block.kind, heading ? std::clamp(block.level, 1, 6) : 0, begin, end});
    covered = end;
  }
  add_gap(covered, text.size());
  return out;
}

void split_block(std::string_view text, const Block& block, size_t max_tokens,
                 std::vector<Unit>& out) {
  max_tokens = std::max<size_t>(max_tokens, 1);
  if (block.kind == BlockKind::kCode) {
    // Code is cut between lines, never re-flowed by sentence rules.
    size_t line = block.begin;
    while (line < block.end) {
      const size_t newline = text.find('\n', line);
      const size_t line_end =
          std::min(newline == std::string_view::npos ? block.end : newline + 1, block.end);
      add_piece(text, line, line_end, max_tokens, out);
      line = line_end;
    }
    return;
  }
  const std::string_view body = text.substr(block.begin, block.end - block.begin);
  for (const auto& [begin, end] : split_sentences(body)) {
    add_piece(text, block.begin + begin, block.begin + end, max_tokens, out);
  }
}

size_t overlap_start(std::string_view text, size_t floor, size_t end, size_t budget) {
  if (budget == 0 || floor >= end) return end;
  size_t best = end;
  size_t tokens = 0;
  size_t pos = end;
  while (true) {
    size_t word_end = pos;
    while (word_end > floor && is_space(text[word_end - 1])) --word_end;
    if (word_end <= floor) break;
    size_t word_begin = word_end;
    while (word_begin > floor && !is_space(text[word_begin - 1])) --word_begin;
    if (word_begin > 0 && !is_space(text[word_begin - 1])) break;  // word starts below floor
    const size_t word_tokens = tokens_of(text, word_begin, word_end);
    if (tokens + word_tokens > budget) break;
    tokens += word_tokens;
    best = word_begin;
    pos = word_begin;
  }
  if (best == end) return end;

  // Sentence detection at `best` needs the word before it (abbreviation rules look back).
  size_t context = best;
  while (context > floor && is_space(text[context - 1])) --context;
  while (context > floor && !is_space(text[context - 1])) --context;
  const auto sentences = split_sentences(text.substr(context, end - context));
  for (size_t i = 1; i < sentences.size(); ++i) {
    const size_t start = context + sentences[i].first;
    if (start < best) continue;
    if (2 * tokens_of(text, start, end) >= budget) return start;
    break;  // later sentence starts keep even less
  }
  return best;
}

}  // namespace ragd::chunking
