#include "ingest/chunker.h"

#include <gtest/gtest.h>

#include <random>
#include <set>
#include <string>
#include <vector>

#include "text/sentences.h"

namespace ragd {
namespace {

bool is_space(char c) {
  const auto b = static_cast<unsigned char>(c);
  return b == ' ' || (b >= '\t' && b <= '\r');
}

bool is_continuation(char c) {
  return (static_cast<unsigned char>(c) & 0xC0) == 0x80;
}

// Builds a Document the way assemble_document lays it out: blocks joined by "\n\n".
class DocBuilder {
 public:
  explicit DocBuilder(std::string key = "kb/doc.md") { doc_.key = std::move(key); }
  DocBuilder& heading(int level, const std::string& text) {
    return add(BlockKind::kHeading, level, text);
  }
  DocBuilder& para(const std::string& text) { return add(BlockKind::kParagraph, 0, text); }
  DocBuilder& code(const std::string& text) { return add(BlockKind::kCode, 0, text); }
  Document build() const { return doc_; }

 private:
  DocBuilder& add(BlockKind kind, int level, const std::string& text) {
    if (!doc_.text.empty()) doc_.text += "\n\n";
    const size_t begin = doc_.text.size();
    doc_.text += text;
    doc_.blocks.push_back({kind, level, begin, doc_.text.size()});
    return *this;
  }
  Document doc_;
};

ChunkerConfig config(size_t target, size_t overlap) {
  ChunkerConfig c;
  c.target_tokens = target;
  c.overlap_tokens = overlap;
  return c;
}

// Sentences of about `words` short words each, numbered so that every sentence differs.
std::string prose(int sentences, int words, int seed = 0) {
  static const char* kWords[] = {"wine",   "club", "members", "receive", "four", "bottles", "each",
                                 "season", "with", "notes",   "from",    "our",  "cellar"};
  std::string out;
  for (int s = 0; s < sentences; ++s) {
    if (s > 0) out += ' ';
    out += "Sentence " + std::to_string(seed * 1000 + s);
    for (int w = 0; w < words; ++w) out += std::string(" ") + kWords[(s * 7 + w) % 13];
    out += '.';
  }
  return out;
}

struct InvariantOptions {
  bool words_fit = true;   // no single word exceeds the target, so no cut inside a word
  bool valid_utf8 = true;  // code-point boundaries only mean something in valid UTF-8
};

// Checks everything chunk_document promises about any document.
void check_invariants(const Document& doc, const std::vector<Chunk>& chunks,
                      const ChunkerConfig& cfg, InvariantOptions options = {}) {
  const std::string& text = doc.text;
  std::vector<bool> covered(text.size(), false);
  std::set<std::string> ids;
  for (size_t i = 0; i < chunks.size(); ++i) {
    const Chunk& c = chunks[i];
    SCOPED_TRACE("chunk " + std::to_string(i));
    ASSERT_EQ(c.ordinal, static_cast<int>(i));
    ASSERT_LT(c.begin, c.end);
    ASSERT_LE(c.end, text.size());
    ASSERT_EQ(c.text, text.substr(c.begin, c.end - c.begin));
    EXPECT_FALSE(is_space(c.text.front()));
    EXPECT_FALSE(is_space(c.text.back()));
    if (options.valid_utf8) {
      EXPECT_FALSE(is_continuation(text[c.begin]));
      EXPECT_TRUE(c.end == text.size() || !is_continuation(text[c.end]));
    }
    EXPECT_EQ(c.token_count, count_tokens(c.text));
    EXPECT_LE(c.token_count, cfg.target_tokens);
    EXPECT_EQ(c.id.size(), 32u);
    EXPECT_EQ(c.id.find_first_not_of("0123456789abcdef"), std::string::npos);
    EXPECT_TRUE(ids.insert(c.id).second) << "duplicate id";
    if (options.words_fit) {
      EXPECT_TRUE(c.begin == 0 || is_space(text[c.begin - 1])) << "starts inside a word";
      EXPECT_TRUE(c.end == text.size() || is_space(text[c.end])) << "ends inside a word";
    }
    if (i > 0) {
      const Chunk& p = chunks[i - 1];
      EXPECT_GT(c.begin, p.begin);
      EXPECT_GT(c.end, p.end);
      if (c.begin < p.end) {
        EXPECT_LE(count_tokens(text.substr(c.begin, p.end - c.begin)), cfg.overlap_tokens)
            << "overlap too long";
      }
    }
    for (size_t b = c.begin; b < c.end; ++b) covered[b] = true;
  }
  for (size_t b = 0; b < text.size(); ++b) {
    if (!is_space(text[b]) && !covered[b]) {
      ADD_FAILURE() << "byte " << b << " not covered";
      return;
    }
  }
}

std::vector<Chunk> chunk_checked(const Document& doc, const ChunkerConfig& cfg,
                                 InvariantOptions options = {}) {
  std::vector<Chunk> chunks = chunk_document(doc, cfg);
  check_invariants(doc, chunks, cfg, options);
  return chunks;
}

TEST(ChunkerConfigTest, Validate) {
  EXPECT_TRUE(ChunkerConfig{}.validate().is_ok());
  EXPECT_TRUE(config(16, 7).validate().is_ok());
  EXPECT_TRUE(config(16, 0).validate().is_ok());
  const Status small = config(15, 0).validate();
  EXPECT_EQ(small.code(), ErrorCode::kInvalidArgument);
  EXPECT_NE(small.message().find("target_tokens"), std::string::npos);
  const Status overlap = config(100, 50).validate();
  EXPECT_EQ(overlap.code(), ErrorCode::kInvalidArgument);
  EXPECT_NE(overlap.message().find("overlap_tokens"), std::string::npos);
  EXPECT_TRUE(config(100, 49).validate().is_ok());
}

TEST(ChunkerTest, InvalidConfigIsClampedNotFatal) {
  const Document doc = DocBuilder().para(prose(30, 8)).build();
  const auto chunks = chunk_document(doc, config(0, 1000));
  ASSERT_FALSE(chunks.empty());
  check_invariants(doc, chunks, config(16, 7));
}

TEST(ChunkerTest, EmptyAndWhitespaceDocumentsHaveNoChunks) {
  EXPECT_TRUE(chunk_document(Document{}, {}).empty());
  Document blank;
  blank.text = " \n\n \t ";
  blank.blocks.push_back({BlockKind::kParagraph, 0, 0, blank.text.size()});
  EXPECT_TRUE(chunk_document(blank, {}).empty());
}

TEST(ChunkerTest, TextWithoutBlocksIsOneParagraph) {
  Document doc;
  doc.key = "plain.txt";
  doc.text = "  Just some text. Nothing else.\n";
  const auto chunks = chunk_checked(doc, {});
  ASSERT_EQ(chunks.size(), 1u);
  EXPECT_EQ(chunks[0].text, "Just some text. Nothing else.");
  EXPECT_EQ(chunks[0].begin, 2u);
  EXPECT_EQ(chunks[0].section_path, "");
}

TEST(ChunkerTest, SectionPathsFollowTheHeadingStack) {
  const auto doc = DocBuilder()
                       .para(prose(3, 8, 1))
                       .heading(1, "Wine Club")
                       .para(prose(4, 8, 2))
                       .heading(2, "Membership   tiers")
                       .para(prose(4, 8, 3))
                       .heading(3, "Gold")
                       .para(prose(4, 8, 4))
                       .heading(2, "Shipping")
                       .para(prose(4, 8, 5))
                       .heading(1, "Visiting")
                       .para(prose(4, 8, 6))
                       .build();
  const auto chunks = chunk_checked(doc, config(64, 8));
  std::vector<std::string> paths;
  for (const Chunk& c : chunks) paths.push_back(c.section_path);
  EXPECT_EQ(paths, (std::vector<std::string>{"", "Wine Club", "Wine Club > Membership tiers",
                                             "Wine Club > Membership tiers > Gold",
                                             "Wine Club > Shipping", "Visiting"}));
  // Each section's chunk opens with its heading.
  EXPECT_EQ(chunks[2].text.rfind("Membership   tiers", 0), 0u);
  EXPECT_EQ(chunks[5].text.rfind("Visiting\n\nSentence", 0), 0u);
}

TEST(ChunkerTest, SmallSiblingSectionsMergeUnderTheirParent) {
  const auto doc = DocBuilder()
                       .heading(1, "Contact")
                       .heading(2, "Hours")
                       .para("Open daily 9 to 5.")
                       .heading(2, "Address")
                       .para("1 Vineyard Road.")
                       .heading(2, "Phone")
                       .para("555 0100.")
                       .build();
  const auto chunks = chunk_checked(doc, config(128, 16));
  ASSERT_EQ(chunks.size(), 1u);
  EXPECT_EQ(chunks[0].section_path, "Contact");
  EXPECT_EQ(chunks[0].text, doc.text);
}

TEST(ChunkerTest, HeadingWithoutBodyTakesTheSubsectionPath) {
  const auto doc = DocBuilder().heading(1, "Wine").heading(2, "Reds").para(prose(2, 5)).build();
  const auto chunks = chunk_checked(doc, config(128, 16));
  ASSERT_EQ(chunks.size(), 1u);
  EXPECT_EQ(chunks[0].section_path, "Wine > Reds");
}

TEST(ChunkerTest, SectionsLargeEnoughAloneAreNotMerged) {
  // Each section is about 40 tokens: above a quarter of the 128-token target.
  const auto doc = DocBuilder()
                       .heading(2, "One")
                       .para(prose(3, 8, 1))
                       .heading(2, "Two")
                       .para(prose(3, 8, 2))
                       .build();
  const auto chunks = chunk_checked(doc, config(128, 16));
  ASSERT_EQ(chunks.size(), 2u);
  EXPECT_EQ(chunks[0].section_path, "One");
  EXPECT_EQ(chunks[1].section_path, "Two");
  EXPECT_LE(chunks[0].end, chunks[1].begin) << "no overlap across sections";
}

TEST(ChunkerTest, SmallSectionNeverMergesUpward) {
  const auto doc = DocBuilder()
                       .heading(1, "A")
                       .heading(2, "B")
                       .para("Tiny.")
                       .heading(1, "C")
                       .para("Also tiny.")
                       .build();
  const auto chunks = chunk_checked(doc, config(128, 16));
  ASSERT_EQ(chunks.size(), 2u);
  EXPECT_EQ(chunks[0].section_path, "A > B");
  EXPECT_EQ(chunks[1].section_path, "C");
  EXPECT_EQ(chunks[1].text, "C\n\nAlso tiny.");
}

TEST(ChunkerTest, SmallBlocksArePackedWhole) {
  DocBuilder builder;
  for (int i = 0; i < 12; ++i) builder.para(prose(1, 6, i));  // ~10 tokens each
  const Document doc = builder.build();
  const auto chunks = chunk_checked(doc, config(64, 0));  // no overlap: boundaries are exact
  ASSERT_GT(chunks.size(), 1u);
  for (const Chunk& c : chunks) {
    // Whole paragraphs: every chunk starts and ends at a paragraph boundary.
    EXPECT_TRUE(c.begin == 0 || doc.text.compare(c.begin - 2, 2, "\n\n") == 0) << c.text;
    EXPECT_EQ(c.text.back(), '.');
    EXPECT_GT(c.token_count, 64u / 2);
  }
}

TEST(ChunkerTest, ConsecutiveChunksOfASectionOverlap) {
  const auto doc = DocBuilder().heading(1, "Long").para(prose(60, 10)).build();
  const ChunkerConfig cfg = config(96, 24);
  const auto chunks = chunk_checked(doc, cfg);
  ASSERT_GT(chunks.size(), 4u);
  for (size_t i = 1; i < chunks.size(); ++i) {
    const Chunk& p = chunks[i - 1];
    const Chunk& c = chunks[i];
    ASSERT_LT(c.begin, p.end) << "chunk " << i << " does not overlap";
    const std::string overlap = doc.text.substr(c.begin, p.end - c.begin);
    const size_t tokens = count_tokens(overlap);
    EXPECT_GE(tokens, cfg.overlap_tokens / 2) << overlap;
    EXPECT_LE(tokens, cfg.overlap_tokens) << overlap;
    // Sentences here are ~14 tokens, so the overlap starts at a sentence.
    EXPECT_EQ(overlap.rfind("Sentence ", 0), 0u) << overlap;
    EXPECT_EQ(c.section_path, "Long");
  }
}

TEST(ChunkerTest, ZeroOverlapMeansDisjointChunks) {
  const auto doc = DocBuilder().para(prose(60, 10)).build();
  const auto chunks = chunk_checked(doc, config(96, 0));
  ASSERT_GT(chunks.size(), 4u);
  for (size_t i = 1; i < chunks.size(); ++i) {
    EXPECT_LE(chunks[i - 1].end, chunks[i].begin);
  }
}

TEST(ChunkerTest, LongSentenceIsCutAtWhitespace) {
  std::string sentence;
  for (int i = 0; i < 400; ++i) sentence += "word" + std::to_string(i) + " ";
  sentence += "end";
  const auto doc = DocBuilder().para(sentence).build();
  const auto chunks = chunk_checked(doc, config(64, 8));  // checks no cut inside a word
  EXPECT_GT(chunks.size(), 6u);
}

TEST(ChunkerTest, CodeIsCutBetweenLines) {
  std::string code;
  for (int i = 0; i < 80; ++i) code += "    value_" + std::to_string(i) + " = compute(x);\n";
  code.pop_back();
  const auto doc = DocBuilder().code(code).build();
  const auto chunks = chunk_checked(doc, config(64, 0));
  ASSERT_GT(chunks.size(), 1u);
  for (const Chunk& c : chunks) {
    EXPECT_EQ(c.text.rfind("value_", 0), 0u) << c.text;
    EXPECT_EQ(c.text.back(), ';');
  }
}

TEST(ChunkerTest, MultiByteTextIsNeverCutInsideACharacter) {
  std::string text;
  for (int i = 0; i < 200; ++i) {
    text += "Привет мир, ça va très bien 日本語のテキスト 👍🏽. ";
    if (i % 5 == 4) text += "\n";
  }
  const auto doc = DocBuilder().heading(1, "Ünïcödé").para(text).build();
  const auto chunks = chunk_checked(doc, config(48, 12));
  ASSERT_GT(chunks.size(), 10u);
  EXPECT_EQ(chunks[0].section_path, "Ünïcödé");
}

TEST(ChunkerTest, GiantWordIsCutBetweenCodePoints) {
  std::string word;
  while (word.size() < 50 * 1024) word += "é日𝄞a";  // 2-, 3-, 4- and 1-byte sequences
  const auto doc = DocBuilder().para("Before it. " + word + " after it.").build();
  const ChunkerConfig cfg = config(64, 8);
  const auto chunks = chunk_checked(doc, cfg, {.words_fit = false});
  ASSERT_GT(chunks.size(), 50u);
  // Inside the word the pieces tile it: each starts where the previous one ended.
  const size_t word_begin = doc.text.find(word);
  const size_t word_end = word_begin + word.size();
  size_t inside = 0;
  for (size_t i = 1; i < chunks.size(); ++i) {
    if (chunks[i].begin > word_begin && chunks[i].begin < word_end) {
      EXPECT_EQ(chunks[i].begin, chunks[i - 1].end);
      ++inside;
    }
  }
  EXPECT_GE(inside + 1, count_tokens(word) / cfg.target_tokens);
  EXPECT_EQ(chunks.front().text.rfind("Before it.", 0), 0u);
  EXPECT_EQ(chunks.back().text.substr(chunks.back().text.size() - 9), "after it.");
}

TEST(ChunkerTest, IdsAreStableAndFollowContent) {
  const auto doc = DocBuilder().heading(1, "Title").para(prose(40, 9)).build();
  const auto first = chunk_document(doc, config(64, 8));
  const auto second = chunk_document(doc, config(64, 8));
  ASSERT_EQ(first.size(), second.size());
  for (size_t i = 0; i < first.size(); ++i) {
    EXPECT_EQ(first[i].id, second[i].id);
  }

  Document edited = doc;
  const size_t last = edited.text.rfind("Sentence");
  edited.text[last] = 's';
  const auto changed = chunk_document(edited, config(64, 8));
  ASSERT_EQ(changed.size(), first.size());
  EXPECT_EQ(changed.front().id, first.front().id);
  EXPECT_NE(changed.back().id, first.back().id);

  Document renamed = doc;
  renamed.key = "kb/other.md";
  const auto moved = chunk_document(renamed, config(64, 8));
  EXPECT_NE(moved.front().id, first.front().id);
}

TEST(ChunkerTest, HostileBlocksStillCoverTheText) {
  Document doc;
  doc.key = "hostile";
  doc.text = "Alpha beta. Gamma délta épsilon.\n\nZeta eta theta iota kappa.\n\nTail text here";
  const size_t e = doc.text.find("é");
  doc.blocks = {
      {BlockKind::kParagraph, 0, 40, 30},                // inverted
      {BlockKind::kHeading, 99, e + 1, e + 20},          // starts inside "é", level out of range
      {BlockKind::kParagraph, 0, 0, 12},                 // out of order
      {BlockKind::kParagraph, 0, 5, 25},                 // overlaps the previous one
      {BlockKind::kCode, 0, doc.text.size() - 4, 9999},  // runs past the end
  };
  for (size_t target : {16, 24, 400}) {
    SCOPED_TRACE(target);
    const auto chunks = chunk_document(doc, config(target, target / 4));
    check_invariants(doc, chunks, config(target, target / 4), {.words_fit = false});
  }
}

// Random documents of random structure, checked against every invariant.
TEST(ChunkerTest, RandomDocumentsKeepTheInvariants) {
  std::mt19937 rng(20240611);
  // Plain and multi-byte words, abbreviations, decimals, quotes; none above 16 tokens.
  const std::vector<std::string> vocabulary = {"the",
                                               "wine",
                                               "Dr.",
                                               "e.g.",
                                               "3.5",
                                               "x",
                                               "(see",
                                               "note)",
                                               "\"quoted.\"",
                                               "CVE-2024-3094",
                                               "longerwordwithmanyletters"};
  const std::vector<std::string> multibyte = {"naïve", "Ärger", "日本語", "👍", "é", "—"};
  auto random_text = [&](int max_words, bool allow_newlines) {
    std::string out;
    const int words = 1 + static_cast<int>(rng() % max_words);
    for (int w = 0; w < words; ++w) {
      if (w > 0) out += (allow_newlines && rng() % 15 == 0) ? "\n" : " ";
      out += rng() % 3 == 0 ? multibyte[rng() % multibyte.size()]
                            : vocabulary[rng() % vocabulary.size()];
      const unsigned r = rng() % 10;
      if (r == 0) out += ".";
      if (r == 1) out += "?";
      if (r == 2 && w + 1 < words) out += ". A";
    }
    return out;
  };
  for (int round = 0; round < 300; ++round) {
    SCOPED_TRACE("round " + std::to_string(round));
    DocBuilder builder("random/" + std::to_string(round));
    const int blocks = static_cast<int>(rng() % 25);
    for (int b = 0; b < blocks; ++b) {
      const unsigned kind = rng() % 10;
      if (kind < 2) {
        builder.heading(1 + static_cast<int>(rng() % 4), random_text(6, false));
      } else if (kind < 3) {
        builder.code(random_text(80, true));
      } else {
        builder.para(random_text(kind == 9 ? 600 : 60, true));
      }
    }
    const size_t target = 16 + rng() % 200;
    const ChunkerConfig cfg = config(target, rng() % (target / 2));
    ASSERT_TRUE(cfg.validate().is_ok());
    const Document doc = builder.build();
    const auto chunks = chunk_checked(doc, cfg);
    if (doc.text.empty()) {
      EXPECT_TRUE(chunks.empty());
    }
    if (HasFailure()) return;
  }
}

TEST(ChunkerTest, RandomBytesAndBlocksNeverBreakTheInvariants) {
  std::mt19937 rng(99);
  const std::string alphabet = "ab .!?\n\t#\xc3\xa9\xe6\x97\xa5\x80\xff";
  for (int round = 0; round < 300; ++round) {
    SCOPED_TRACE("round " + std::to_string(round));
    Document doc;
    doc.key = "bytes";
    const size_t length = rng() % 3000;
    for (size_t i = 0; i < length; ++i) doc.text.push_back(alphabet[rng() % alphabet.size()]);
    const int blocks = static_cast<int>(rng() % 12);
    for (int b = 0; b < blocks; ++b) {
      const auto kind = static_cast<BlockKind>(rng() % 3);
      doc.blocks.push_back(
          {kind, static_cast<int>(rng() % 9) - 1, rng() % (length + 10), rng() % (length + 10)});
    }
    const ChunkerConfig cfg = config(16 + rng() % 64, rng() % 8);
    check_invariants(doc, chunk_document(doc, cfg), cfg, {.words_fit = false, .valid_utf8 = false});
    if (HasFailure()) return;
  }
}

}  // namespace
}  // namespace ragd
