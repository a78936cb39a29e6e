#include "ingest/line_splitter.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace ragd {
namespace {

struct Seen {
  std::vector<std::pair<uint64_t, std::string>> lines;
  std::vector<uint64_t> overlong;
};

Seen split(const std::vector<std::string>& chunks, size_t max = 1000) {
  Seen seen;
  LineSplitter splitter(
      max, [&](uint64_t n, std::string_view line) { seen.lines.emplace_back(n, line); },
      [&](uint64_t n) { seen.overlong.push_back(n); });
  for (const std::string& c : chunks) splitter.feed(c);
  splitter.finish();
  return seen;
}

using Lines = std::vector<std::pair<uint64_t, std::string>>;

TEST(LineSplitter, WholeBufferAndCrLf) {
  Seen s = split({"a\r\nbb\n\nccc"});
  EXPECT_EQ(s.lines, (Lines{{1, "a"}, {2, "bb"}, {3, ""}, {4, "ccc"}}));
  EXPECT_TRUE(s.overlong.empty());
}

TEST(LineSplitter, EveryChunkingGivesTheSameLines) {
  const std::string text = "first line\r\nsecond\n\nfourth line here\nlast";
  Lines expected = {
      {1, "first line"}, {2, "second"}, {3, ""}, {4, "fourth line here"}, {5, "last"}};
  for (size_t a = 0; a <= text.size(); ++a) {
    for (size_t b = a; b <= text.size(); ++b) {
      Seen s = split({text.substr(0, a), text.substr(a, b - a), text.substr(b)});
      ASSERT_EQ(s.lines, expected) << a << "," << b;
    }
  }
}

TEST(LineSplitter, FinalNewlineAddsNoEmptyLine) {
  EXPECT_EQ(split({"x\n"}).lines, (Lines{{1, "x"}}));
  EXPECT_TRUE(split({""}).lines.empty());
  EXPECT_TRUE(split({}).lines.empty());
}

TEST(LineSplitter, OverlongLinesAreSkippedAndNumbered) {
  std::string big(25, 'x');
  Seen s = split({"ok\n" + big.substr(0, 10), big.substr(10), big + "\nfine\n", big}, 20);
  EXPECT_EQ(s.lines, (Lines{{1, "ok"}, {3, "fine"}}));
  EXPECT_EQ(s.overlong, (std::vector<uint64_t>{2, 4}));
  Seen t = split({std::string(21, 'y') + "\nz"}, 20);
  EXPECT_EQ(t.lines, (Lines{{2, "z"}}));
  EXPECT_EQ(t.overlong, (std::vector<uint64_t>{1}));
}

}  // namespace
}  // namespace ragd
