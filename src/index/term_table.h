// TermTable: open-addressing hash table from a term's hash to its ordinal in a segment's
// sorted term dictionary, built once when the segment is loaded. Immutable after build(),
// then safe to share between threads.
#pragma once

#include <cstdint>
#include <functional>
#include <string_view>
#include <vector>

namespace ragd::lex {

inline uint64_t term_hash(std::string_view term) { return std::hash<std::string_view>{}(term); }

class TermTable {
 public:
  // `hashes[i]` is term_hash of the term with ordinal i.
  void build(const std::vector<uint64_t>& hashes);

  // The ordinal of the term with hash `hash` for which `equals(ordinal)` holds, or -1.
  template <typename Equals>
  int64_t find(uint64_t hash, Equals equals) const {
    if (slots_.empty()) return -1;
    uint64_t tag = hash >> 32;
    for (size_t i = hash & mask_;; i = (i + 1) & mask_) {
      uint64_t slot = slots_[i];
      if (slot == 0) return -1;
      if ((slot >> 32) == tag) {
        uint32_t ordinal = static_cast<uint32_t>(slot) - 1;
        if (equals(ordinal)) return ordinal;
      }
    }
  }

 private:
  std::vector<uint64_t> slots_;  // (hash >> 32) << 32 | (ordinal + 1); 0 = empty
  size_t mask_ = 0;
};

}  // namespace ragd::lex
