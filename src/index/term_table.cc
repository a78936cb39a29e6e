#include "index/term_table.h"

namespace ragd::lex {

void TermTable::build(const std::vector<uint64_t>& hashes) {
  slots_.clear();
  if (hashes.empty()) return;
  size_t capacity = 16;
  while (capacity < hashes.size() * 2) capacity <<= 1;
  slots_.assign(capacity, 0);
  mask_ = capacity - 1;
  for (size_t ordinal = 0; ordinal < hashes.size(); ++ordinal) {
    uint64_t h = hashes[ordinal];
    size_t i = h & mask_;
    while (slots_[i] != 0) i = (i + 1) & mask_;
    slots_[i] = ((h >> 32) << 32) | (ordinal + 1);
  }
}

}  // namespace ragd::lex
