#include <gtest/gtest.h>

#include <string>

#include "ingest/loaders.h"

namespace ragd {
namespace {

TEST(TextLoader, ParagraphsSplitOnBlankLines) {
  Result<RawDocument> r = parse_text("\xEF\xBB\xBFline one\r\nline two\r\n \t\r\n\n\npara two\n");
  ASSERT_TRUE(r.is_ok()) << r.status().to_string();
  ASSERT_EQ(r->blocks.size(), 2u);
  EXPECT_EQ(r->blocks[0].text, "line one\nline two");
  EXPECT_EQ(r->blocks[1].text, "para two");
  for (const RawBlock& b : r->blocks) {
    EXPECT_EQ(b.kind, BlockKind::kParagraph);
    EXPECT_EQ(b.level, 0);
  }
  EXPECT_TRUE(r->meta.title.empty());
}

TEST(TextLoader, KeepsLineContentUncleaned) {
  Result<RawDocument> r = parse_text("  indented   spaces\nno final newline");
  ASSERT_TRUE(r.is_ok());
  ASSERT_EQ(r->blocks.size(), 1u);
  EXPECT_EQ(r->blocks[0].text, "  indented   spaces\nno final newline");
}

TEST(TextLoader, EmptyInputGivesNoBlocks) {
  Result<RawDocument> r = parse_text("\n\n  \n");
  ASSERT_TRUE(r.is_ok());
  EXPECT_TRUE(r->blocks.empty());
}

TEST(TextLoader, RejectsBinary) {
  std::string utf16("h\0i\0", 4);
  Result<RawDocument> r = parse_text(utf16);
  ASSERT_FALSE(r.is_ok());
  EXPECT_EQ(r.status().code(), ErrorCode::kInvalidArgument);
  EXPECT_NE(r.status().message().find("binary"), std::string::npos);
}

}  // namespace
}  // namespace ragd
