// libFuzzer target: WordPieceTokenizer::encode and tokenize on arbitrary bytes with a small
// in-memory vocabulary must never crash, and must keep their contracts: [CLS] first, [SEP]
// last, at most max_length ids, every id in the vocabulary, truncation a prefix of the
// untruncated encoding, tokenize() agreeing with encode().
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "embed/wordpiece_tokenizer.h"

namespace {

void check(bool condition) {
  if (!condition) __builtin_trap();
}

const ragd::WordPieceTokenizer& tokenizer(bool lower_case) {
  static const std::vector<std::string> kVocab = {
      "[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", "a",   "b",  "ab",   "##a",  "##b",
      "##ab",  "the",   "##s",   "中",    "é",      "##é", "ß",  "!",    ",",    "[",
      "]",     "i",     "##i",   "x",     "##x",    "한",  "ᄒ", "##ᅡ", "##ᆫ", "e"};
  static const ragd::WordPieceTokenizer kLower =
      std::move(ragd::WordPieceTokenizer::from_vocab(kVocab, true)).value();
  static const ragd::WordPieceTokenizer kCased =
      std::move(ragd::WordPieceTokenizer::from_vocab(kVocab, false)).value();
  return lower_case ? kLower : kCased;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  // The first byte picks the options; the rest is the text.
  const bool lower_case = (data[0] & 1) != 0;
  const size_t max_length = 2 + (data[0] >> 1);
  const std::string_view text(reinterpret_cast<const char*>(data + 1), size - 1);
  const ragd::WordPieceTokenizer& t = tokenizer(lower_case);
  const ragd::WordPieceSpecialIds& special = t.special_ids();

  const std::vector<int32_t> full = t.encode(text, SIZE_MAX);
  check(full.size() >= 2 && full.front() == special.cls && full.back() == special.sep);
  for (const int32_t id : full) check(id >= 0 && static_cast<size_t>(id) < t.vocab_size());

  const std::vector<int32_t> cut = t.encode(text, max_length);
  check(cut.size() <= max_length && cut.size() >= 2 && cut.back() == special.sep);
  check(cut.size() == std::min(max_length, full.size()));
  for (size_t i = 0; i + 1 < cut.size(); ++i) check(cut[i] == full[i]);

  const std::vector<std::string> tokens = t.tokenize(text);
  check(tokens.size() + 2 == full.size());
  return 0;
}
