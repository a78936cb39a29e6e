#include "ingest/assemble.h"

#include <gtest/gtest.h>

#include <string>

namespace ragd {
namespace {

RawBlock block(BlockKind kind, std::string text, int level = 0) {
  RawBlock b;
  b.kind = kind;
  b.level = level;
  b.text = std::move(text);
  return b;
}

DocumentOrigin origin() {
  DocumentOrigin o;
  o.key = "notes/a.md";
  o.source_path = "/data/notes/a.md";
  o.domain = "notes";
  o.fallback_title = "a";
  return o;
}

std::string_view range_text(const Document& doc, const Block& b) {
  return std::string_view(doc.text).substr(b.begin, b.end - b.begin);
}

TEST(AssembleDocument, JoinsCleanedBlocksAndRecordsRanges) {
  RawDocument raw;
  raw.blocks.push_back(block(BlockKind::kHeading, "  Intro\n  Heading ", 1));
  raw.blocks.push_back(block(BlockKind::kParagraph, "First   paragraph\r\nwraps."));
  raw.blocks.push_back(block(BlockKind::kParagraph, " \n\t "));  // cleans to nothing
  raw.blocks.push_back(block(BlockKind::kCode, "\n    indented();   \n"));
  const Document doc = assemble_document(raw, origin());

  EXPECT_EQ(doc.text, "Intro Heading\n\nFirst paragraph\nwraps.\n\n    indented();");
  ASSERT_EQ(doc.blocks.size(), 3u);
  EXPECT_EQ(doc.blocks[0].kind, BlockKind::kHeading);
  EXPECT_EQ(doc.blocks[0].level, 1);
  EXPECT_EQ(range_text(doc, doc.blocks[0]), "Intro Heading");
  EXPECT_EQ(doc.blocks[1].kind, BlockKind::kParagraph);
  EXPECT_EQ(range_text(doc, doc.blocks[1]), "First paragraph\nwraps.");
  EXPECT_EQ(doc.blocks[2].kind, BlockKind::kCode);
  EXPECT_EQ(range_text(doc, doc.blocks[2]), "    indented();");
  EXPECT_EQ(doc.key, "notes/a.md");
  EXPECT_EQ(doc.source_path, "/data/notes/a.md");
  EXPECT_EQ(doc.domain, "notes");
  EXPECT_EQ(doc.content_hash.size(), 64u);
}

TEST(AssembleDocument, PicksTitleFromMetaThenHeadingThenFallback) {
  RawDocument raw;
  raw.meta.title = "  Meta\n Title ";
  raw.blocks.push_back(block(BlockKind::kParagraph, "body"));
  raw.blocks.push_back(block(BlockKind::kHeading, "Heading", 2));
  EXPECT_EQ(assemble_document(raw, origin()).title, "Meta Title");
  raw.meta.title = " \n";
  EXPECT_EQ(assemble_document(raw, origin()).title, "Heading");
  raw.blocks.pop_back();
  EXPECT_EQ(assemble_document(raw, origin()).title, "a");
}

TEST(AssembleDocument, CleansMetadata) {
  RawDocument raw;
  raw.meta.tags = {" security ", "", "caf\xC3\x83\xC2\xA9"};
  raw.meta.date = "2024-03-01";
  raw.meta.extra = {{"author", "  Jane\nDoe "}};
  raw.blocks.push_back(block(BlockKind::kParagraph, "x"));
  const Document doc = assemble_document(raw, origin());
  EXPECT_EQ(doc.tags, (std::vector<std::string>{"security", "caf\xC3\xA9"}));
  EXPECT_EQ(doc.date, "2024-03-01");
  EXPECT_EQ(doc.extra.at("author"), "Jane Doe");
}

TEST(AssembleDocument, EmptyDocumentComesBackEmpty) {
  RawDocument raw;
  raw.blocks.push_back(block(BlockKind::kParagraph, "\xE2\x80\x8B \n\x01"));
  const Document doc = assemble_document(raw, origin());
  EXPECT_TRUE(doc.text.empty());
  EXPECT_TRUE(doc.blocks.empty());
  EXPECT_EQ(doc.title, "a");
}

TEST(AssembleDocument, HashChangesIffContentDoes) {
  RawDocument raw;
  raw.meta.title = "T";
  raw.meta.tags = {"x"};
  raw.blocks.push_back(block(BlockKind::kParagraph, "Body text."));
  const std::string base = assemble_document(raw, origin()).content_hash;

  // Same content after cleaning, different origin: same hash.
  RawDocument same = raw;
  same.blocks[0].text = "  Body   text.  ";
  DocumentOrigin elsewhere = origin();
  elsewhere.key = "other.md";
  EXPECT_EQ(assemble_document(same, elsewhere).content_hash, base);

  RawDocument changed_text = raw;
  changed_text.blocks[0].text = "Body text!";
  EXPECT_NE(assemble_document(changed_text, origin()).content_hash, base);

  RawDocument changed_title = raw;
  changed_title.meta.title = "U";
  EXPECT_NE(assemble_document(changed_title, origin()).content_hash, base);

  RawDocument changed_tags = raw;
  changed_tags.meta.tags = {"x", "y"};
  EXPECT_NE(assemble_document(changed_tags, origin()).content_hash, base);

  RawDocument with_date = raw;
  with_date.meta.date = "2024-01-01";
  EXPECT_NE(assemble_document(with_date, origin()).content_hash, base);

  // Moving characters between fields changes the hash too.
  RawDocument shifted = raw;
  shifted.meta.title = "Tx";
  shifted.meta.tags = {};
  EXPECT_NE(assemble_document(shifted, origin()).content_hash, base);
}

TEST(AssembleDocument, SurvivesHostileBytes) {
  RawDocument raw;
  std::string hostile;
  for (int i = 0; i < 256; ++i) hostile.push_back(static_cast<char>(i));
  raw.meta.title = hostile;
  raw.meta.tags = {hostile};
  raw.blocks.push_back(block(BlockKind::kHeading, hostile, 1));
  raw.blocks.push_back(block(BlockKind::kParagraph, hostile));
  raw.blocks.push_back(block(BlockKind::kCode, hostile));
  const Document doc = assemble_document(raw, origin());
  for (const Block& b : doc.blocks) {
    EXPECT_LT(b.begin, b.end);
    EXPECT_LE(b.end, doc.text.size());
  }
  EXPECT_FALSE(doc.text.empty());
}

}  // namespace
}  // namespace ragd
