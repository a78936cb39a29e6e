#include <gtest/gtest.h>

#include <string>

#include "ingest/loaders.h"

namespace ragd {
namespace {

RawDocument parse_ok(std::string_view html) {
  Result<RawDocument> r = parse_html(html);
  EXPECT_TRUE(r.is_ok()) << r.status().to_string();
  return r.is_ok() ? std::move(r).value() : RawDocument{};
}

std::string all_text(const RawDocument& d) {
  std::string out;
  for (const RawBlock& b : d.blocks) out += b.text + "\n";
  return out;
}

TEST(HtmlLoader, TitleHeadingsParagraphs) {
  RawDocument d = parse_ok(
      "<!doctype html><html><head><title>\n  My  Page\n</title></head><body>"
      "<h1>Main</h1><p>First\n   paragraph with <a href='x'>a link</a>.</p>"
      "<h3>Sub</h3><p>Second</p></body></html>");
  EXPECT_EQ(d.meta.title, "My Page");
  ASSERT_EQ(d.blocks.size(), 4u);
  EXPECT_EQ(d.blocks[0].kind, BlockKind::kHeading);
  EXPECT_EQ(d.blocks[0].level, 1);
  EXPECT_EQ(d.blocks[0].text, "Main");
  EXPECT_EQ(d.blocks[1].kind, BlockKind::kParagraph);
  EXPECT_EQ(d.blocks[1].text, "First paragraph with a link.");
  EXPECT_EQ(d.blocks[2].level, 3);
  EXPECT_EQ(d.blocks[2].text, "Sub");
  EXPECT_EQ(d.blocks[3].text, "Second");
}

TEST(HtmlLoader, BoilerplateIsDropped) {
  RawDocument d = parse_ok(
      "<html><head><style>p{color:red}</style><script>var x='SCRIPT';</script></head><body>"
      "<header>HEADER</header><nav>NAV</nav><div role=navigation>ROLENAV</div>"
      "<noscript>NOSCRIPT</noscript><aside>ASIDE</aside><form>FORM<input value=v></form>"
      "<template>TEMPLATE</template><p>Kept content</p><div hidden>HIDDEN</div>"
      "<svg><text>SVG</text><title>SVGTITLE</title></svg>"
      "<footer>FOOTER</footer><!-- COMMENT --></body></html>");
  EXPECT_EQ(all_text(d), "Kept content\n");
  EXPECT_TRUE(d.meta.title.empty());
}

TEST(HtmlLoader, EntitiesAreDecoded) {
  RawDocument d =
      parse_ok("<p>Fish &amp; chips &lt;3 &eacute;t&eacute; &#8212; &#x263A; &nbsp;x</p>");
  ASSERT_EQ(d.blocks.size(), 1u);
  EXPECT_EQ(d.blocks[0].text,
            "Fish & chips <3 \xC3\xA9t\xC3\xA9 \xE2\x80\x94 \xE2\x98\xBA \xC2\xA0x");
}

TEST(HtmlLoader, ListsTablesQuotesPre) {
  RawDocument d = parse_ok(
      "<ul><li>one</li><li>two <b>bold</b></li></ul>"
      "<table><tr><th>A</th><th>B</th></tr><tr><td><p>1</p></td><td>2</td></tr></table>"
      "<blockquote>quoted</blockquote><pre>  keep\n    spacing</pre>"
      "<div>loose div text<br>after break</div>");
  ASSERT_EQ(d.blocks.size(), 7u);
  EXPECT_EQ(d.blocks[0].text, "one");
  EXPECT_EQ(d.blocks[1].text, "two bold");
  EXPECT_EQ(d.blocks[2].text, "A | B");
  EXPECT_EQ(d.blocks[3].text, "1 | 2");
  EXPECT_EQ(d.blocks[4].text, "quoted");
  EXPECT_EQ(d.blocks[5].kind, BlockKind::kCode);
  EXPECT_EQ(d.blocks[5].text, "  keep\n    spacing");
  EXPECT_EQ(d.blocks[6].text, "loose div text\nafter break");
}

TEST(HtmlLoader, MalformedMarkupParsesLikeABrowser) {
  RawDocument d = parse_ok("<p>unclosed <b>bold <i>both</b> italic<p>next</div></span><h2>Head");
  ASSERT_EQ(d.blocks.size(), 3u);
  EXPECT_EQ(d.blocks[0].text, "unclosed bold both italic");
  EXPECT_EQ(d.blocks[1].text, "next");
  EXPECT_EQ(d.blocks[2].kind, BlockKind::kHeading);
  EXPECT_EQ(d.blocks[2].level, 2);
  EXPECT_EQ(d.blocks[2].text, "Head");
}

TEST(HtmlLoader, EmptyAndTextOnly) {
  EXPECT_TRUE(parse_ok("").blocks.empty());
  RawDocument d = parse_ok("just text, no tags");
  ASSERT_EQ(d.blocks.size(), 1u);
  EXPECT_EQ(d.blocks[0].text, "just text, no tags");
}

TEST(HtmlLoader, RejectsBinary) {
  std::string bin("\x89PNG\r\n\x1a\n\0\0", 10);
  EXPECT_EQ(parse_html(bin).status().code(), ErrorCode::kInvalidArgument);
}

TEST(HtmlLoader, DeepButAllowedNestingParses) {
  // 2000 nested tables are 8000 elements deep in gumbo's tree: no recursion may overflow.
  std::string html;
  for (int i = 0; i < 2000; ++i) html += "<table><tr><td>";
  html += "deep";
  RawDocument d = parse_ok(html);
  ASSERT_EQ(d.blocks.size(), 1u);
  EXPECT_EQ(d.blocks[0].text, "deep");
}

TEST(HtmlLoader, PathologicalNestingIsRefusedQuickly) {
  std::string html;
  for (int i = 0; i < 200000; ++i) html += "<div>";
  html += "x";
  Result<RawDocument> r = parse_html(html);
  ASSERT_FALSE(r.is_ok());
  EXPECT_EQ(r.status().code(), ErrorCode::kTooLarge);
  EXPECT_NE(r.status().message().find("deep"), std::string::npos);
}

TEST(HtmlLoader, LayoutTableInsideACellGetsItsOwnRows) {
  RawDocument d = parse_ok(
      "<table><tr><td>left</td><td><table><tr><td>x</td><td>y</td></tr></table></td>"
      "<td>right</td></tr></table>");
  ASSERT_EQ(d.blocks.size(), 3u);
  EXPECT_EQ(d.blocks[0].text, "left | ");
  EXPECT_EQ(d.blocks[1].text, "x | y");
  EXPECT_EQ(d.blocks[2].text, "right");
}

}  // namespace
}  // namespace ragd
