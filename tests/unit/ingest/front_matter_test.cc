#include "ingest/front_matter.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace ragd {
namespace {

using Tags = std::vector<std::string>;

TEST(FrontMatter, ScalarsAndFlowList) {
  FrontMatter fm = split_front_matter(
      "---\n"
      "title: Hello: World\n"
      "tags: [rust, \"c++\", 'it''s']\n"
      "date: 2024-03-05\n"
      "author: \"Ada \\\"L\\\"\"  \n"
      "draft: false # not yet\n"
      "---\n"
      "# Body\n");
  ASSERT_TRUE(fm.present);
  EXPECT_EQ(fm.meta.title, "Hello: World");
  EXPECT_EQ(fm.meta.tags, (Tags{"rust", "c++", "it's"}));
  EXPECT_EQ(fm.meta.date, "2024-03-05");
  EXPECT_EQ(fm.meta.extra.at("author"), "Ada \"L\"");
  EXPECT_EQ(fm.meta.extra.at("draft"), "false");
  EXPECT_EQ(fm.body, "# Body\n");
}

TEST(FrontMatter, BlockListAndNestedMapSkipped) {
  FrontMatter fm = split_front_matter(
      "---\r\n"
      "tags:\r\n"
      "  - alpha\r\n"
      "  - \"beta gamma\"\r\n"
      "- delta\r\n"
      "seo:\r\n"
      "  description: nested\r\n"
      "Title: Caps Key\r\n"
      "---\r\n"
      "text");
  ASSERT_TRUE(fm.present);
  EXPECT_EQ(fm.meta.tags, (Tags{"alpha", "beta gamma", "delta"}));
  EXPECT_EQ(fm.meta.title, "Caps Key");
  EXPECT_EQ(fm.meta.extra.count("seo"), 0u);
  EXPECT_EQ(fm.meta.extra.count("description"), 0u);
  EXPECT_EQ(fm.body, "text");
}

TEST(FrontMatter, MultiLineFlowListAndCommaTags) {
  FrontMatter a = split_front_matter("---\ntags: [one,\n  two, three]\n---\n");
  EXPECT_EQ(a.meta.tags, (Tags{"one", "two", "three"}));
  FrontMatter b = split_front_matter("---\ntags: x, y ,z\n---\n");
  EXPECT_EQ(b.meta.tags, (Tags{"x", "y", "z"}));
  FrontMatter c = split_front_matter("---\ntags: []\n---\n");
  EXPECT_TRUE(c.meta.tags.empty());
}

TEST(FrontMatter, BlockScalars) {
  FrontMatter fm = split_front_matter(
      "---\n"
      "summary: |\n"
      "  line one\n"
      "    indented\n"
      "folded: >-\n"
      "  a\n"
      "  b\n"
      "---\n");
  EXPECT_EQ(fm.meta.extra.at("summary"), "line one\n  indented");
  EXPECT_EQ(fm.meta.extra.at("folded"), "a b");
}

TEST(FrontMatter, DatesWithTimesAndQuotes) {
  EXPECT_EQ(split_front_matter("---\ndate: 2023-12-31T23:59:00Z\n---\n").meta.date, "2023-12-31");
  EXPECT_EQ(split_front_matter("---\ndate: \"2024-02-29 10:00\"\n---\n").meta.date, "2024-02-29");
  FrontMatter bad = split_front_matter("---\ndate: March 3rd\n---\n");
  EXPECT_FALSE(bad.meta.date.has_value());
  EXPECT_EQ(bad.meta.extra.at("date"), "March 3rd");
}

TEST(NormalizeDate, ValidatesCalendar) {
  EXPECT_EQ(normalize_date("2024-01-05"), "2024-01-05");
  EXPECT_EQ(normalize_date(" 2024-01-05T08:00:00+02:00 "), "2024-01-05");
  EXPECT_EQ(normalize_date("2000-02-29"), "2000-02-29");
  EXPECT_FALSE(normalize_date("1900-02-29"));
  EXPECT_FALSE(normalize_date("2023-02-29"));
  EXPECT_FALSE(normalize_date("2023-13-01"));
  EXPECT_FALSE(normalize_date("2023-00-10"));
  EXPECT_FALSE(normalize_date("2023-04-31"));
  EXPECT_FALSE(normalize_date("2023-4-3"));
  EXPECT_FALSE(normalize_date("2023-04-03x"));
  EXPECT_FALSE(normalize_date("2023-04-03T"));
  EXPECT_FALSE(normalize_date(""));
}

TEST(FrontMatter, AbsentOrUnclosedIsNotFrontMatter) {
  std::string_view plain = "# Title\n---\nx: y\n---\n";
  FrontMatter a = split_front_matter(plain);
  EXPECT_FALSE(a.present);
  EXPECT_EQ(a.body, plain);
  std::string_view unclosed = "---\ntitle: x\nno end";
  FrontMatter b = split_front_matter(unclosed);
  EXPECT_FALSE(b.present);
  EXPECT_TRUE(b.meta.title.empty());
  EXPECT_EQ(b.body, unclosed);
}

TEST(FrontMatter, ThematicBreakBeforeProseIsNotFrontMatter) {
  std::string_view doc = "---\nJust some prose here.\n---\nMore.\n";
  FrontMatter fm = split_front_matter(doc);
  EXPECT_FALSE(fm.present);
  EXPECT_EQ(fm.body, doc);
}

TEST(FrontMatter, EmptyBlockAndDotsTerminator) {
  FrontMatter a = split_front_matter("---\n---\nbody");
  EXPECT_TRUE(a.present);
  EXPECT_EQ(a.body, "body");
  FrontMatter b = split_front_matter("---\ntitle: t\n...\nbody");
  EXPECT_TRUE(b.present);
  EXPECT_EQ(b.meta.title, "t");
  EXPECT_EQ(b.body, "body");
  FrontMatter c = split_front_matter("---\ntitle: t\n---");
  EXPECT_TRUE(c.present);
  EXPECT_EQ(c.body, "");
}

TEST(FrontMatter, InvalidUtf8InValuesIsRepaired) {
  FrontMatter fm = split_front_matter("---\ntitle: bad \xFF byte\ntags: [\xC3]\n---\n");
  EXPECT_EQ(fm.meta.title, "bad \xEF\xBF\xBD byte");
  ASSERT_EQ(fm.meta.tags.size(), 1u);
  EXPECT_EQ(fm.meta.tags[0], "\xEF\xBF\xBD");
}

TEST(FrontMatter, GarbageLinesAreIgnored) {
  FrontMatter fm = split_front_matter(
      "---\ntitle: ok\n: no key\njust words\n  - stray\n\"unterminated: \"x\n---\n");
  EXPECT_TRUE(fm.present);
  EXPECT_EQ(fm.meta.title, "ok");
}

}  // namespace
}  // namespace ragd
