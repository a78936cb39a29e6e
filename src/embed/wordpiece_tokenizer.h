// WordPieceTokenizer: BERT's uncased tokenisation, identical to Hugging Face `tokenizers`
// (BertNormalizer + BertPreTokenizer + WordPiece + BERT post-processing) for the same files.
//
// Normalisation: control characters dropped, whitespace mapped to space, CJK ideographs
// surrounded by spaces, lower-casing and accent stripping (NFD, combining marks removed) when
// the model is uncased. Pre-tokenisation: split on whitespace and around every punctuation
// character (ASCII punctuation and Unicode P* categories). WordPiece: greedy longest match
// with the continuation prefix "##"; a word longer than max_input_chars_per_word (100) or one
// that cannot be covered becomes [UNK]. encode() wraps the ids in [CLS] ... [SEP] and truncates
// to max_length (the special tokens included), as `tokenizers` does with truncation enabled.
//
// Loads vocab.txt, or tokenizer.json when vocab.txt is absent; `do_lower_case` comes from
// tokenizer.json's normalizer / tokenizer_config.json (default true).
//
// Thread-safety: immutable after load(); encode() may run concurrently from many threads.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "common/status.h"

namespace ragd {

struct WordPieceSpecialIds {
  int32_t cls = 101;
  int32_t sep = 102;
  int32_t pad = 0;
  int32_t unk = 100;
};

class WordPieceTokenizer {
 public:
  // Reads the tokenizer files of a model directory. kNotFound when neither vocab.txt nor
  // tokenizer.json exists; kInvalidArgument (with the file and line) when they are malformed.
  static Result<WordPieceTokenizer> load(const std::string& model_dir);

  // Builds a tokenizer from an in-memory vocabulary (one token per entry, id = position).
  static Result<WordPieceTokenizer> from_vocab(std::vector<std::string> vocab,
                                               bool lower_case = true);

  // [CLS] word-piece ids [SEP], at most max_length ids in all (max_length >= 2). Invalid UTF-8
  // is repaired (U+FFFD) first, never rejected.
  std::vector<int32_t> encode(std::string_view text, size_t max_length = 512) const;

  // Word-piece tokens without special tokens or truncation (for tests and debugging).
  std::vector<std::string> tokenize(std::string_view text) const;

  const WordPieceSpecialIds& special_ids() const { return special_; }
  size_t vocab_size() const { return vocab_.size(); }

 private:
  std::vector<std::string> vocab_;
  std::unordered_map<std::string, int32_t> ids_;
  WordPieceSpecialIds special_;
  bool lower_case_ = true;
  size_t max_input_chars_per_word_ = 100;
};

}  // namespace ragd
