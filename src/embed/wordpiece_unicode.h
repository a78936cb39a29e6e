// Per-code-point Unicode facts for BERT's tokenisation, as Hugging Face `tokenizers` sees them.
//
// `tokenizers` mixes three Unicode versions: categories from the `unicode_categories` crate
// (about Unicode 10), NFD from an older `unicode-normalization`, lower-casing from Rust's
// char::to_lowercase (Unicode 17). These functions answer from utf8proc (Unicode 15) with an
// explicit table of the code points where that gives a different answer, found by running
// every code point through tokenizers 0.23.3 (see wordpiece_unicode.cc). The parity test
// (tests/unit/embed/wordpiece_parity_test.cc) sweeps the code points to keep it honest.
//
// Pure functions over constant tables; thread-safe.
#pragma once

#include <cstdint>

namespace ragd::wordpiece {

// What BertNormalizer's clean_text and handle_chinese_chars steps make of an input code point.
enum class InputClass : uint8_t {
  kDrop,     // U+0000, U+FFFD, Cc/Cf/Co/Cs (tab, newline and carriage return excepted)
  kSpace,    // White_Space (tab, newline, carriage return included): becomes ' '
  kChinese,  // a CJK ideograph in BERT's ranges: surrounded by spaces
  kOther,
};

InputClass classify_input(char32_t cp);

// One code point of a canonical decomposition.
struct DecomposedChar {
  char32_t cp;
  uint8_t ccc;      // canonical combining class; 0 for starters
  bool nonspacing;  // general category Mn: dropped by strip_accents
};

// Room decompose() needs (the longest canonical decomposition is 4 code points).
inline constexpr int kMaxDecomposition = 8;

// NFD of one code point as `tokenizers` does it; returns the number written to `out`.
int decompose(char32_t cp, DecomposedChar out[kMaxDecomposition]);

// Rust's char::to_lowercase. Writes one or two code points (two only for U+0130) and returns
// how many.
int lowercase(char32_t cp, char32_t out[2]);

// BertPreTokenizer's punctuation test: ASCII punctuation or a Unicode P* category.
bool is_punctuation(char32_t cp);

}  // namespace ragd::wordpiece
