#include "net/sse_parser.h"

#include <gtest/gtest.h>

#include <random>
#include <string>
#include <vector>

namespace ragd {
namespace {

std::vector<SseEvent> parse_all(std::string_view bytes) {
  SseParser parser;
  std::vector<SseEvent> events;
  EXPECT_TRUE(parser.feed(bytes, events));
  parser.finish();
  return events;
}

std::vector<SseEvent> parse_bytewise(std::string_view bytes) {
  SseParser parser;
  std::vector<SseEvent> events;
  for (char c : bytes) EXPECT_TRUE(parser.feed(std::string_view(&c, 1), events));
  parser.finish();
  return events;
}

TEST(SseParser, SimpleEvents) {
  auto events = parse_all("data: hello\n\ndata: world\n\n");
  ASSERT_EQ(events.size(), 2u);
  EXPECT_EQ(events[0].type, "message");
  EXPECT_EQ(events[0].data, "hello");
  EXPECT_EQ(events[1].data, "world");
}

TEST(SseParser, MultiLineDataAndFields) {
  auto events = parse_all("event: add\nid: 7\ndata: a\ndata:b\ndata:  c\nretry: 1500\n\n");
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0].type, "add");
  EXPECT_EQ(events[0].data, "a\nb\n c");  // only one space after the colon is removed
  EXPECT_EQ(events[0].last_event_id, "7");
}

TEST(SseParser, RetryAndIdPersistence) {
  SseParser parser;
  std::vector<SseEvent> events;
  ASSERT_TRUE(
      parser.feed("retry: 1500\nid: a\ndata: 1\n\ndata: 2\n\nretry: x1\nid\ndata: 3\n\n", events));
  ASSERT_EQ(events.size(), 3u);
  EXPECT_EQ(events[0].last_event_id, "a");
  EXPECT_EQ(events[1].last_event_id, "a");  // the id persists
  EXPECT_EQ(events[2].last_event_id, "");   // "id" alone resets it
  EXPECT_EQ(parser.retry_ms(), 1500u);      // "x1" is ignored
}

TEST(SseParser, IdWithNulIsIgnored) {
  const char raw[] = "id: ok\ndata: 1\n\nid: a\0b\ndata: 2\n\n";
  auto events = parse_all(std::string(raw, sizeof(raw) - 1));
  ASSERT_EQ(events.size(), 2u);
  EXPECT_EQ(events[1].last_event_id, "ok");
}

TEST(SseParser, CommentsAndUnknownFieldsIgnored) {
  auto events = parse_all(": keep-alive\nfoo: bar\ndata\n\n:only a comment\n\n");
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0].data, "");  // "data" with no colon: empty value, still dispatched
}

TEST(SseParser, EventWithoutDataIsNotDispatched) {
  auto events = parse_all("event: ping\n\ndata: x\n\n");
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0].type, "message");  // the event type was reset by the empty dispatch
}

TEST(SseParser, LineEndingsLfCrCrlf) {
  const std::string lf = "data: a\ndata: b\n\ndata: c\n\n";
  const std::string cr = "data: a\rdata: b\r\rdata: c\r\r";
  const std::string crlf = "data: a\r\ndata: b\r\n\r\ndata: c\r\n\r\n";
  const std::string mixed = "data: a\r\ndata: b\r\n\rdata: c\n\r\n";
  auto expected = parse_all(lf);
  ASSERT_EQ(expected.size(), 2u);
  EXPECT_EQ(expected[0].data, "a\nb");
  EXPECT_EQ(parse_all(cr), expected);
  EXPECT_EQ(parse_all(crlf), expected);
  EXPECT_EQ(parse_all(mixed), expected);
  EXPECT_EQ(parse_bytewise(cr), expected);
  EXPECT_EQ(parse_bytewise(crlf), expected);
}

TEST(SseParser, CrAtChunkEndFollowedByLf) {
  SseParser parser;
  std::vector<SseEvent> events;
  ASSERT_TRUE(parser.feed("data: a\r", events));
  ASSERT_TRUE(parser.feed("\n\r", events));
  ASSERT_EQ(events.size(), 1u);  // CR LF then CR: one line end, then a blank line
  ASSERT_TRUE(parser.feed("\ndata: b\n\n", events));  // this LF belongs to the CR before it
  ASSERT_EQ(events.size(), 2u);
  EXPECT_EQ(events[1].data, "b");
}

TEST(SseParser, BomStrippedOnceEvenWhenSplit) {
  const std::string stream =
      "\xEF\xBB\xBF"
      "data: x\n\n";
  EXPECT_EQ(parse_all(stream).at(0).data, "x");
  EXPECT_EQ(parse_bytewise(stream).at(0).data, "x");
  // A second BOM is part of the field name, which makes the line an unknown field.
  EXPECT_TRUE(parse_all("\xEF\xBB\xBF\xEF\xBB\xBF"
                        "data: x\n\n")
                  .empty());
  // A BOM prefix that turns out not to be a BOM is text.
  auto partial = parse_bytewise(
      "\xEF\xBB"
      "data: y\n\ndata: z\n\n");
  ASSERT_EQ(partial.size(), 1u);
  EXPECT_EQ(partial[0].data, "z");
}

TEST(SseParser, IncompleteEventAtEofDiscarded) {
  EXPECT_TRUE(parse_all("data: complete\n\ndata: partial\n").size() == 1);
  EXPECT_TRUE(parse_all("data: no newline at all").empty());
}

TEST(SseParser, ArbitraryBoundariesMatchOneShot) {
  const std::string stream =
      "\xEF\xBB\xBF: hi\r\nevent: delta\r\ndata: {\"a\": 1}\r\n\r\nid: 5\rdata: x\r\rdata: "
      "[DONE]\n\ndata:\xff\xfe bad bytes pass through\n\nretry: 99\n\ndata: tail";
  const auto expected = parse_all(stream);
  ASSERT_EQ(expected.size(), 4u);
  EXPECT_EQ(expected[2].data, "[DONE]");
  std::mt19937 rng(42);
  for (int trial = 0; trial < 500; ++trial) {
    SseParser parser;
    std::vector<SseEvent> events;
    size_t at = 0;
    while (at < stream.size()) {
      const size_t n = std::min(stream.size() - at, static_cast<size_t>(rng() % 7));
      ASSERT_TRUE(parser.feed(std::string_view(stream).substr(at, n), events));
      at += n;
    }
    parser.finish();
    ASSERT_EQ(events, expected) << "trial " << trial;
  }
}

TEST(SseParser, LimitsFailInsteadOfGrowing) {
  SseParser parser(SseLimits{.max_line_bytes = 16, .max_event_bytes = 32});
  std::vector<SseEvent> events;
  EXPECT_TRUE(parser.feed("data: short\n\n", events));
  EXPECT_FALSE(parser.feed("data: this line is far too long\n", events));
  EXPECT_TRUE(parser.failed());
  EXPECT_FALSE(parser.feed("data: x\n\n", events));
  EXPECT_EQ(events.size(), 1u);

  SseParser many(SseLimits{.max_line_bytes = 100, .max_event_bytes = 20});
  std::vector<SseEvent> out;
  EXPECT_FALSE(many.feed("data: 0123456789\ndata: 0123456789\n", out));
}

TEST(SseParser, ReusableAfterFinish) {
  SseParser parser;
  std::vector<SseEvent> events;
  ASSERT_TRUE(parser.feed("id: 1\ndata: a\n\ndata: lost", events));
  parser.finish();
  ASSERT_TRUE(
      parser.feed("\xEF\xBB\xBF"
                  "data: b\n\n",
                  events));
  ASSERT_EQ(events.size(), 2u);
  EXPECT_EQ(events[1].data, "b");
  EXPECT_EQ(events[1].last_event_id, "1");
}

}  // namespace
}  // namespace ragd
