#include <gtest/gtest.h>

#include <string>

#include "ingest/loaders.h"

namespace ragd {
namespace {

TEST(DetectFormat, ByExtensionCaseInsensitive) {
  EXPECT_EQ(detect_format("notes/a.md"), SourceFormat::kMarkdown);
  EXPECT_EQ(detect_format("A.MARKDOWN"), SourceFormat::kMarkdown);
  EXPECT_EQ(detect_format("x.txt"), SourceFormat::kText);
  EXPECT_EQ(detect_format("x.text"), SourceFormat::kText);
  EXPECT_EQ(detect_format("/srv/page.HTM"), SourceFormat::kHtml);
  EXPECT_EQ(detect_format("page.html"), SourceFormat::kHtml);
  EXPECT_EQ(detect_format("paper.pdf"), SourceFormat::kPdf);
  EXPECT_EQ(detect_format("corpus.jsonl"), SourceFormat::kBeirJsonl);
  EXPECT_EQ(detect_format("corpus.jsonl.gz"), SourceFormat::kBeirJsonl);
}

TEST(DetectFormat, UnknownCases) {
  EXPECT_EQ(detect_format("corpus.json"), SourceFormat::kUnknown);
  EXPECT_EQ(detect_format("archive.gz"), SourceFormat::kUnknown);
  EXPECT_EQ(detect_format("README"), SourceFormat::kUnknown);
  EXPECT_EQ(detect_format(""), SourceFormat::kUnknown);
  EXPECT_EQ(detect_format(".md"), SourceFormat::kUnknown);  // a hidden file named "md"
  EXPECT_EQ(detect_format("docs.md/image.png"), SourceFormat::kUnknown);
  EXPECT_EQ(detect_format("file.md.bak"), SourceFormat::kUnknown);
}

TEST(FormatName, EveryFormatHasAName) {
  EXPECT_STREQ(format_name(SourceFormat::kMarkdown), "markdown");
  EXPECT_STREQ(format_name(SourceFormat::kText), "text");
  EXPECT_STREQ(format_name(SourceFormat::kHtml), "html");
  EXPECT_STREQ(format_name(SourceFormat::kPdf), "pdf");
  EXPECT_STREQ(format_name(SourceFormat::kBeirJsonl), "beir-jsonl");
  EXPECT_STREQ(format_name(SourceFormat::kUnknown), "unknown");
}

TEST(CheckNotBinary, AcceptsText) {
  EXPECT_TRUE(check_not_binary("").is_ok());
  EXPECT_TRUE(check_not_binary("plain text\twith tabs\r\nand lines\n\f").is_ok());
  EXPECT_TRUE(check_not_binary("caf\xC3\xA9 \xE2\x80\x94 UTF-8 is text").is_ok());
  EXPECT_TRUE(check_not_binary("\xFF\xFE invalid UTF-8 is still text").is_ok());
}

TEST(CheckNotBinary, RejectsNulAnywhere) {
  std::string data(20000, 'a');
  data[15000] = '\0';
  Status s = check_not_binary(data);
  EXPECT_EQ(s.code(), ErrorCode::kInvalidArgument);
  EXPECT_NE(s.message().find("15000"), std::string::npos) << s.message();
}

TEST(CheckNotBinary, ControlByteThreshold) {
  std::string ok(100, 'a');
  for (int i = 0; i < 10; ++i) ok[i] = '\x01';  // exactly 10%
  EXPECT_TRUE(check_not_binary(ok).is_ok());
  ok[10] = '\x1b';  // 11%
  EXPECT_EQ(check_not_binary(ok).code(), ErrorCode::kInvalidArgument);
}

TEST(CheckNotBinary, OnlyFirst8KiBCountsForControls) {
  std::string data(8192, 'a');
  data += std::string(8192, '\x02');
  EXPECT_TRUE(check_not_binary(data).is_ok());
}

}  // namespace
}  // namespace ragd
