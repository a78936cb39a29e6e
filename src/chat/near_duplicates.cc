// Word shingles and Jaccard similarity (contract in near_duplicates.h).
#include "chat/near_duplicates.h"

#include <algorithm>
#include <string>

#include "text/fold.h"
#include "text/tokenizer.h"

namespace ragd {
namespace {

constexpr uint64_t kFnvOffset = 1469598103934665603ull;
constexpr uint64_t kFnvPrime = 1099511628211ull;

uint64_t fnv1a(uint64_t h, std::string_view s) {
  for (unsigned char c : s) {
    h ^= c;
    h *= kFnvPrime;
  }
  return h;
}

}  // namespace

std::vector<uint64_t> word_shingles(std::string_view text, size_t k, size_t max_words) {
  if (k == 0) k = 1;
  std::vector<uint64_t> word_hashes;
  Tokenizer tokenizer(text);
  SurfaceToken token;
  std::string folded;
  while (word_hashes.size() < max_words && tokenizer.next(&token)) {
    fold_term(text.substr(token.begin, token.end - token.begin), token.ascii,
              /*strip_accents=*/false, folded);
    word_hashes.push_back(fnv1a(kFnvOffset, folded));
  }
  std::vector<uint64_t> shingles;
  if (word_hashes.empty()) return shingles;
  const size_t width = std::min(k, word_hashes.size());
  shingles.reserve(word_hashes.size() - width + 1);
  for (size_t i = 0; i + width <= word_hashes.size(); ++i) {
    uint64_t h = kFnvOffset;
    for (size_t j = i; j < i + width; ++j) {
      h ^= word_hashes[j];
      h *= kFnvPrime;
    }
    shingles.push_back(h);
  }
  std::sort(shingles.begin(), shingles.end());
  shingles.erase(std::unique(shingles.begin(), shingles.end()), shingles.end());
  return shingles;
}

double jaccard(const std::vector<uint64_t>& a, const std::vector<uint64_t>& b) {
  if (a.empty() && b.empty()) return 0;
  size_t common = 0;
  size_t i = 0;
  size_t j = 0;
  while (i < a.size() && j < b.size()) {
    if (a[i] == b[j]) {
      ++common;
      ++i;
      ++j;
    } else if (a[i] < b[j]) {
      ++i;
    } else {
      ++j;
    }
  }
  return static_cast<double>(common) / static_cast<double>(a.size() + b.size() - common);
}

}  // namespace ragd
