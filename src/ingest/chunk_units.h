// Building blocks of the chunker (chunker.h): the cleaned-up block list it walks, the
// atomic units it packs, and where an overlap may start. Internal to src/ingest; pure
// functions, thread-safe.
//
// Whitespace here is ASCII whitespace (space, \t, \n, \v, \f, \r): clean_text() turns
// every Unicode space into one of those, and a "word" is a maximal run of other bytes.
#pragma once

#include <cstddef>
#include <string_view>
#include <vector>

#include "ingest/document.h"

namespace ragd::chunking {

inline bool is_space(char c) {
  const auto b = static_cast<unsigned char>(c);
  return b == ' ' || (b >= '\t' && b <= '\r');
}

inline bool is_continuation(char c) {
  return (static_cast<unsigned char>(c) & 0xC0) == 0x80;
}

// A piece the packer never cuts: [begin, end) holds no leading or trailing whitespace.
struct Unit {
  size_t begin = 0;
  size_t end = 0;
  size_t tokens = 0;  // count_tokens of the piece
};

// The blocks of `blocks` made safe to walk, whatever the caller passed: ranges clamped to
// the text, sorted, made disjoint, moved off the middle of UTF-8 sequences and trimmed of
// whitespace; empty ones dropped; heading levels clamped to 1..6. Any stretch of
// non-whitespace text that no block covers becomes a paragraph block of its own, so the
// result covers every non-whitespace byte (a text with no blocks becomes one paragraph).
std::vector<Block> normalize_blocks(std::string_view text, const std::vector<Block>& blocks);

// Appends to `out` units of at most `max_tokens` (>= 1) tokens that together cover every
// non-whitespace byte of `block`, in order: its sentences (its lines, for code), a
// sentence too big split at whitespace, and a word too big cut between code points.
void split_block(std::string_view text, const Block& block, size_t max_tokens,
                 std::vector<Unit>& out);

// Where the chunk after one ending at `end` should start so that it repeats the end of
// it: the earliest word start in [floor, end) from which at most `budget` tokens remain,
// moved forward to a sentence start when one keeps at least half the budget. `floor`
// must be a position whose preceding text may not be repeated. Returns `end` when no word
// fits in the budget.
size_t overlap_start(std::string_view text, size_t floor, size_t end, size_t budget);

}  // namespace ragd::chunking
