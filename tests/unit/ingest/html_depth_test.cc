#include "ingest/html_depth.h"

#include <gtest/gtest.h>

#include <string>

namespace ragd {
namespace {

TEST(HtmlDepth, CountsNestingNotTags) {
  EXPECT_EQ(estimate_html_depth("", 100), 0u);
  EXPECT_EQ(estimate_html_depth("plain < text > 3", 100), 0u);
  EXPECT_EQ(estimate_html_depth("<div><div></div><div><span>x</span></div></div>", 100), 3u);
  EXPECT_EQ(estimate_html_depth("<DIV><Div></DIV></dIv>", 100), 2u);
}

TEST(HtmlDepth, IgnoresVoidImplicitSelfClosingAndComments) {
  std::string page = "<html><head><meta charset=utf-8><link rel=x></head><body>";
  for (int i = 0; i < 500; ++i) page += "<p>para<br><img src=x><li>item<td>cell<svg:path d='M0'/>";
  page += "<!-- <div><div><div> --><div>x</div></body></html>";
  EXPECT_EQ(estimate_html_depth(page, 100), 1u);
}

TEST(HtmlDepth, SkipsRawTextElements) {
  std::string page = "<script>var s = '<div><div><div>';</SCRIPT><style>a<b{}</style><div></div>";
  EXPECT_EQ(estimate_html_depth(page, 100), 1u);
}

TEST(HtmlDepth, StopsPastTheLimit) {
  std::string deep;
  for (int i = 0; i < 100000; ++i) deep += "<div>";
  EXPECT_EQ(estimate_html_depth(deep, 50), 51u);
}

TEST(HtmlDepth, TruncatedMarkupEnds) {
  EXPECT_EQ(estimate_html_depth("<div><span", 10), 1u);
  EXPECT_EQ(estimate_html_depth("<div><!-- open", 10), 1u);
  EXPECT_EQ(estimate_html_depth("<script>never closed <div>", 10), 0u);
  EXPECT_EQ(estimate_html_depth("<", 10), 0u);
  EXPECT_EQ(estimate_html_depth("</", 10), 0u);
}

}  // namespace
}  // namespace ragd
