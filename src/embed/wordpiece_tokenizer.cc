// The encode path: one pass over the UTF-8 input that normalises, pre-tokenises and runs
// WordPiece word by word, stopping as soon as the truncation limit is reached.
#include "embed/wordpiece_tokenizer.h"

#include <algorithm>
#include <array>
#include <utility>

#include "embed/wordpiece_unicode.h"
#include "text/utf8.h"

namespace ragd {
namespace {

using wordpiece::DecomposedChar;
using wordpiece::InputClass;

// BERT's special tokens, which `tokenizers` matches in the raw text (case-sensitive, before
// normalisation) and maps to their ids wherever they occur.
constexpr std::array<std::string_view, 5> kSpecialTokens = {"[PAD]", "[UNK]", "[CLS]", "[SEP]",
                                                            "[MASK]"};

enum AsciiClass : uint8_t { kAsciiDrop, kAsciiSpace, kAsciiPunct, kAsciiWord };

constexpr std::array<uint8_t, 128> make_ascii_classes() {
  std::array<uint8_t, 128> t{};
  for (int c = 0; c < 128; ++c) {
    if (c == '\t' || c == '\n' || c == '\r' || c == ' ') {
      t[c] = kAsciiSpace;
    } else if (c < 0x20 || c == 0x7F) {
      t[c] = kAsciiDrop;
    } else if ((c >= 0x21 && c <= 0x2F) || (c >= 0x3A && c <= 0x40) || (c >= 0x5B && c <= 0x60) ||
               (c >= 0x7B && c <= 0x7E)) {
      t[c] = kAsciiPunct;
    } else {
      t[c] = kAsciiWord;
    }
  }
  return t;
}

// Reusable buffers, one set per thread, so that encode() allocates only its result.
struct Scratch {
  std::string word;                     // the current word, normalised, in UTF-8
  std::string key;                      // a vocabulary lookup key ("##" + piece)
  std::vector<int32_t> pieces;          // the current word's pieces until it is complete
  std::vector<DecomposedChar> pending;  // non-starters awaiting canonical ordering
};

// Receives ids; returns false once it wants no more.
template <typename Sink>
class Encoder {
 public:
  Encoder(const std::unordered_map<std::string, int32_t>& ids, const WordPieceSpecialIds& special,
          bool lower_case, size_t max_chars, Scratch& scratch, Sink& sink)
      : ids_(ids),
        special_(special),
        lower_case_(lower_case),
        max_chars_(max_chars),
        s_(scratch),
        sink_(sink) {
    s_.word.clear();
    s_.pending.clear();
  }

  void run(std::string_view text) {
    static constexpr std::array<uint8_t, 128> kAscii = make_ascii_classes();
    const auto* p = reinterpret_cast<const unsigned char*>(text.data());
    const size_t n = text.size();
    size_t i = 0;
    while (i < n && !stopped_) {
      const unsigned char b = p[i];
      if (b < 0x80) {
        if (b == '[') {
          if (const size_t len = match_special(text.substr(i)); len > 0) {
            i += len;
            continue;
          }
        }
        ++i;
        const uint8_t cls = kAscii[b];
        if (cls == kAsciiDrop) continue;
        if (!s_.pending.empty()) flush_pending();
        if (cls == kAsciiWord) {
          append_char(static_cast<char32_t>(lower_case_ && b >= 'A' && b <= 'Z' ? b + 32 : b));
        } else if (cls == kAsciiSpace) {
          end_word();
        } else {
          punctuation(static_cast<char32_t>(b));
        }
        continue;
      }
      const utf8::Decoded d = utf8::decode(p + i, n - i);
      i += d.len;
      if (d.cp < 0) continue;  // repaired to U+FFFD, which clean_text removes
      input(static_cast<char32_t>(d.cp));
    }
    if (!stopped_) {
      flush_pending();
      end_word();
    }
  }

 private:
  // The length of the special token that starts `rest`, or 0. Leftmost-longest, like the
  // added-token matcher of `tokenizers`.
  size_t match_special(std::string_view rest) {
    size_t best = 0;
    int32_t best_id = -1;
    for (std::string_view token : kSpecialTokens) {
      if (token.size() <= best || !rest.starts_with(token)) continue;
      s_.key.assign(token);
      const auto it = ids_.find(s_.key);
      if (it == ids_.end()) continue;
      best = token.size();
      best_id = it->second;
    }
    if (best > 0) {
      flush_pending();
      end_word();
      emit(best_id);
    }
    return best;
  }

  // One code point of the (repaired) input: BertNormalizer's steps in order.
  void input(char32_t cp) {
    switch (wordpiece::classify_input(cp)) {
      case InputClass::kDrop:
        return;
      case InputClass::kSpace:
        flush_pending();
        end_word();
        return;
      case InputClass::kChinese:
        flush_pending();
        end_word();
        normalise(cp);
        flush_pending();
        end_word();
        return;
      case InputClass::kOther:
        normalise(cp);
        return;
    }
  }

  // strip_accents (NFD, then Mn removed) and lowercase, both only for uncased models. NFD's
  // canonical ordering is applied to runs of non-starters before the marks are removed, as
  // `tokenizers` normalises the whole string before filtering it.
  void normalise(char32_t cp) {
    if (!lower_case_) {
      output(cp);
      return;
    }
    DecomposedChar parts[wordpiece::kMaxDecomposition];
    const int count = wordpiece::decompose(cp, parts);
    for (int k = 0; k < count; ++k) {
      const DecomposedChar& c = parts[k];
      if (c.ccc == 0 && !s_.pending.empty()) flush_pending();
      if (c.nonspacing) continue;
      if (c.ccc == 0) {
        lower_and_output(c.cp);
      } else {
        s_.pending.push_back(c);
      }
    }
  }

  void flush_pending() {
    if (s_.pending.empty()) return;
    std::stable_sort(
        s_.pending.begin(), s_.pending.end(),
        [](const DecomposedChar& a, const DecomposedChar& b) { return a.ccc < b.ccc; });
    for (const DecomposedChar& c : s_.pending) lower_and_output(c.cp);
    s_.pending.clear();
  }

  void lower_and_output(char32_t cp) {
    char32_t lower[2];
    const int count = wordpiece::lowercase(cp, lower);
    for (int k = 0; k < count; ++k) output(lower[k]);
  }

  // A normalised character, handed to BertPreTokenizer's splits.
  void output(char32_t cp) {
    if (cp == ' ') {
      end_word();
    } else if (wordpiece::is_punctuation(cp)) {
      punctuation(cp);
    } else {
      append_char(cp);
    }
  }

  void punctuation(char32_t cp) {
    end_word();
    append_char(cp);
    end_word();
  }

  void append_char(char32_t cp) {
    // A word past the limit becomes [UNK] whatever it holds, so only its length is kept.
    if (++word_chars_ <= max_chars_) utf8::append(s_.word, static_cast<int32_t>(cp));
  }

  void end_word() {
    if (word_chars_ == 0 || stopped_) return;
    if (word_chars_ > max_chars_) {
      emit(special_.unk);
    } else {
      word_piece(s_.word);
    }
    s_.word.clear();
    word_chars_ = 0;
  }

  // Greedy longest-match-first over the vocabulary; a word with any uncovered part is [UNK].
  void word_piece(std::string_view word) {
    s_.pieces.clear();
    size_t start = 0;
    while (start < word.size()) {
      size_t end = word.size();
      int32_t found = -1;
      while (start < end) {
        if (start == 0) {
          s_.key.assign(word.data(), end);
        } else {
          s_.key.assign("##");
          s_.key.append(word.data() + start, end - start);
        }
        const auto it = ids_.find(s_.key);
        if (it != ids_.end()) {
          found = it->second;
          break;
        }
        do {
          --end;
        } while (end > start && (static_cast<unsigned char>(word[end]) & 0xC0) == 0x80);
      }
      if (found < 0) {
        emit(special_.unk);
        return;
      }
      s_.pieces.push_back(found);
      start = end;
    }
    for (const int32_t id : s_.pieces) {
      if (!emit(id)) return;
    }
  }

  bool emit(int32_t id) {
    if (stopped_) return false;
    if (!sink_(id)) stopped_ = true;
    return !stopped_;
  }

  const std::unordered_map<std::string, int32_t>& ids_;
  const WordPieceSpecialIds& special_;
  const bool lower_case_;
  const size_t max_chars_;
  Scratch& s_;
  Sink& sink_;
  size_t word_chars_ = 0;
  bool stopped_ = false;
};

Scratch& thread_scratch() {
  thread_local Scratch scratch;
  return scratch;
}

}  // namespace

Result<WordPieceTokenizer> WordPieceTokenizer::from_vocab(std::vector<std::string> vocab,
                                                          bool lower_case) {
  if (vocab.empty()) return Status::invalid("the WordPiece vocabulary is empty");
  if (vocab.size() > static_cast<size_t>(INT32_MAX)) {
    return Status::invalid("the WordPiece vocabulary has more than 2^31 entries");
  }
  WordPieceTokenizer t;
  t.ids_.reserve(vocab.size());
  for (size_t i = 0; i < vocab.size(); ++i) {
    // A repeated token keeps its last id, as `tokenizers` does when it reads vocab.txt.
    t.ids_[vocab[i]] = static_cast<int32_t>(i);
  }
  t.vocab_ = std::move(vocab);
  t.lower_case_ = lower_case;
  const auto id_of = [&t](const char* token, int32_t* out) {
    const auto it = t.ids_.find(token);
    if (it == t.ids_.end()) return false;
    *out = it->second;
    return true;
  };
  for (const auto& [token, slot] :
       {std::pair{"[UNK]", &t.special_.unk}, std::pair{"[CLS]", &t.special_.cls},
        std::pair{"[SEP]", &t.special_.sep}}) {
    if (!id_of(token, slot)) {
      return Status::invalid(std::string("the WordPiece vocabulary has no ") + token + " token");
    }
  }
  if (!id_of("[PAD]", &t.special_.pad)) t.special_.pad = 0;
  return t;
}

std::vector<int32_t> WordPieceTokenizer::encode(std::string_view text, size_t max_length) const {
  // `tokenizers` refuses a limit below the two special tokens; here it is raised to two.
  const size_t limit = std::max<size_t>(max_length, 2) - 2;
  std::vector<int32_t> ids;
  ids.reserve(std::min(limit, text.size() + 1) + 2);
  ids.push_back(special_.cls);
  auto sink = [&ids, limit](int32_t id) {
    if (ids.size() - 1 >= limit) return false;
    ids.push_back(id);
    return ids.size() - 1 < limit;
  };
  if (limit > 0) {
    Encoder<decltype(sink)> encoder(ids_, special_, lower_case_, max_input_chars_per_word_,
                                    thread_scratch(), sink);
    encoder.run(text);
  }
  ids.push_back(special_.sep);
  return ids;
}

std::vector<std::string> WordPieceTokenizer::tokenize(std::string_view text) const {
  std::vector<std::string> tokens;
  auto sink = [this, &tokens](int32_t id) {
    tokens.push_back(vocab_[static_cast<size_t>(id)]);
    return true;
  };
  Encoder<decltype(sink)> encoder(ids_, special_, lower_case_, max_input_chars_per_word_,
                                  thread_scratch(), sink);
  encoder.run(text);
  return tokens;
}

}  // namespace ragd
