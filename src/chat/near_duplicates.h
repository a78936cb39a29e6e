// Near-duplicate detection for retrieved passages: word shingles (runs of k consecutive
// case-folded words, hashed) compared by Jaccard similarity. Two passages whose shingle sets
// overlap by the threshold or more (0.8 by default) say the same thing, and the context needs
// only one of them. Pure functions; thread-safe.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>
#include <vector>

namespace ragd {

// Sorted, distinct 64-bit shingle hashes. A text with fewer than k words is one shingle of all
// its words; an empty text has none. Only the first `max_words` words are read.
std::vector<uint64_t> word_shingles(std::string_view text, size_t k = 3, size_t max_words = 20000);

// |a ∩ b| / |a ∪ b| of two results of word_shingles; 0 when both are empty.
double jaccard(const std::vector<uint64_t>& a, const std::vector<uint64_t>& b);

}  // namespace ragd
