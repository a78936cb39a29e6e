#include <gtest/gtest.h>

#include <string>

#include "ingest/loaders.h"

namespace ragd {
namespace {

RawDocument parse_ok(std::string_view md) {
  Result<RawDocument> r = parse_markdown(md);
  EXPECT_TRUE(r.is_ok()) << r.status().to_string();
  return r.is_ok() ? std::move(r).value() : RawDocument{};
}

void expect_block(const RawBlock& b, BlockKind kind, int level, std::string_view text) {
  EXPECT_EQ(b.kind, kind) << b.text;
  EXPECT_EQ(b.level, level) << b.text;
  EXPECT_EQ(b.text, text);
}

TEST(MarkdownLoader, HeadingsWithLevelsAndParagraphs) {
  RawDocument d =
      parse_ok("# One\n\nFirst *para*\nwraps here.\n\n## Two\n\nSetext\n======\n\n###### Six\n");
  ASSERT_EQ(d.blocks.size(), 5u);
  expect_block(d.blocks[0], BlockKind::kHeading, 1, "One");
  expect_block(d.blocks[1], BlockKind::kParagraph, 0, "First para wraps here.");
  expect_block(d.blocks[2], BlockKind::kHeading, 2, "Two");
  expect_block(d.blocks[3], BlockKind::kHeading, 1, "Setext");
  expect_block(d.blocks[4], BlockKind::kHeading, 6, "Six");
  EXPECT_TRUE(d.meta.title.empty());
  EXPECT_TRUE(d.external_id.empty());
}

TEST(MarkdownLoader, FrontMatterFeedsMeta) {
  RawDocument d = parse_ok(
      "\xEF\xBB\xBF---\ntitle: \"Notes\"\ntags:\n  - a\n  - b\ndate: 2022-07-01 09:00\n"
      "lang: en\n---\n\nBody text.\n");
  EXPECT_EQ(d.meta.title, "Notes");
  EXPECT_EQ(d.meta.tags, (std::vector<std::string>{"a", "b"}));
  EXPECT_EQ(d.meta.date, "2022-07-01");
  EXPECT_EQ(d.meta.extra.at("lang"), "en");
  ASSERT_EQ(d.blocks.size(), 1u);
  expect_block(d.blocks[0], BlockKind::kParagraph, 0, "Body text.");
}

TEST(MarkdownLoader, ListItemsAreParagraphs) {
  RawDocument d = parse_ok("- apple\n- banana\n  - nested\n1. first\n\n2. second loose\n");
  ASSERT_EQ(d.blocks.size(), 5u);
  expect_block(d.blocks[0], BlockKind::kParagraph, 0, "apple");
  expect_block(d.blocks[1], BlockKind::kParagraph, 0, "banana");
  expect_block(d.blocks[2], BlockKind::kParagraph, 0, "nested");
  expect_block(d.blocks[3], BlockKind::kParagraph, 0, "first");
  expect_block(d.blocks[4], BlockKind::kParagraph, 0, "second loose");
}

TEST(MarkdownLoader, LinksKeepTextImagesDropped) {
  RawDocument d = parse_ok(
      "See [the docs](https://example.com \"t\") and <https://auto.link>.\n"
      "![a diagram](img.png) after\n");
  ASSERT_EQ(d.blocks.size(), 1u);
  EXPECT_EQ(d.blocks[0].text, "See the docs and https://auto.link.  after");
}

TEST(MarkdownLoader, CodeBlocksAndInlineCode) {
  RawDocument d = parse_ok(
      "Use `make test` now.\n\n```cpp\nint main() {\n  return 0;\n}\n```\n\n    indented\n");
  ASSERT_EQ(d.blocks.size(), 3u);
  expect_block(d.blocks[0], BlockKind::kParagraph, 0, "Use make test now.");
  expect_block(d.blocks[1], BlockKind::kCode, 0, "int main() {\n  return 0;\n}\n");
  expect_block(d.blocks[2], BlockKind::kCode, 0, "indented\n");
}

TEST(MarkdownLoader, TableRowsJoinCells) {
  RawDocument d = parse_ok("| Name | Age |\n|------|----:|\n| Ann  | 31  |\n| **Bo** | |\n");
  ASSERT_EQ(d.blocks.size(), 3u);
  EXPECT_EQ(d.blocks[0].text, "Name | Age");
  EXPECT_EQ(d.blocks[1].text, "Ann | 31");
  EXPECT_EQ(d.blocks[2].text, "Bo | ");
  for (const RawBlock& b : d.blocks) EXPECT_EQ(b.kind, BlockKind::kParagraph);
}

TEST(MarkdownLoader, QuotesEntitiesHtmlAndBreaks) {
  RawDocument d = parse_ok(
      "> quoted &amp; &copy; &#233; &#x1F600; &bogus;\n\n"
      "<div class=\"x\">\nraw html block\n</div>\n\n"
      "inline <b>bold</b> tag  \nhard break\n");
  ASSERT_EQ(d.blocks.size(), 2u);
  EXPECT_EQ(d.blocks[0].text, "quoted & \xC2\xA9 \xC3\xA9 \xF0\x9F\x98\x80 &bogus;");
  EXPECT_EQ(d.blocks[1].text, "inline bold tag\nhard break");
}

TEST(MarkdownLoader, EmptyAndMarkupOnlyInputs) {
  EXPECT_TRUE(parse_ok("").blocks.empty());
  EXPECT_TRUE(parse_ok("---\ntitle: only meta\n---\n").blocks.empty());
  EXPECT_TRUE(parse_ok("***\n\n---\n\n![](x.png)\n").blocks.empty());
}

TEST(MarkdownLoader, RejectsBinary) {
  std::string bin("PK\x03\x04\0\0\0", 7);
  Result<RawDocument> r = parse_markdown(bin);
  ASSERT_FALSE(r.is_ok());
  EXPECT_EQ(r.status().code(), ErrorCode::kInvalidArgument);
}

TEST(MarkdownLoader, HostileNestingDoesNotCrash) {
  std::string deep(20000, '>');
  deep += " x\n";
  for (int i = 0; i < 5000; ++i) deep += "- ";
  deep += "y\n";
  for (int i = 0; i < 5000; ++i) deep += "[";
  deep += std::string(5000, '*');
  EXPECT_TRUE(parse_markdown(deep).is_ok());
}

}  // namespace
}  // namespace ragd
