// Tokenizer: splits text into the surface tokens the Analyzer folds and stems.
//
// Rules: a token is a run of letters, digits and combining marks, where single internal
// '-', '.', '_', '@' and apostrophes (' or U+2019, before a letter) join runs. A joined run
// that contains a digit, '@' or '_' is an identifier and stays whole ("CVE-2024-3094",
// "jane.doe@example.com", "x86_64"); otherwise it is split at '-' and '.' into words
// ("state-of-the-art" -> state, of, the, art). A single ASCII letter followed by "++" or
// "#" ("C++", "C#") is an identifier too. Each Han or Hiragana character is a token of its
// own. Everything else, invalid UTF-8 bytes included, separates tokens.
//
// Thread-safety: a Tokenizer is a cursor over one string; use one per thread.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>

namespace ragd {

enum class SurfaceKind : uint8_t {
  kWord,        // a plain word: folded, stopword-filtered and stemmed by the Analyzer
  kIdentifier,  // kept whole, folded only
  kIdeograph,   // one Han/Hiragana character, folded only
};

struct SurfaceToken {
  size_t begin = 0;  // byte range in the text
  size_t end = 0;
  SurfaceKind kind = SurfaceKind::kWord;
  bool ascii = true;  // every byte of the range is ASCII
};

class Tokenizer {
 public:
  explicit Tokenizer(std::string_view text) : text_(text) {}

  // Stores the next token and returns true, or returns false at the end of the text.
  bool next(SurfaceToken* token);

 private:
  bool next_split_word(SurfaceToken* token);

  std::string_view text_;
  size_t pos_ = 0;
  // While a plain joined run is being split into words: its unread rest.
  size_t split_pos_ = 0;
  size_t split_end_ = 0;
};

}  // namespace ragd
