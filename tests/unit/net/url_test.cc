#include "net/url.h"

#include <gtest/gtest.h>

namespace ragd {
namespace {

TEST(ParseUrl, HttpWithDefaults) {
  Result<Url> url = parse_url("http://Example.COM");
  ASSERT_TRUE(url.is_ok()) << url.status().message();
  EXPECT_EQ(url->scheme, "http");
  EXPECT_EQ(url->host, "example.com");
  EXPECT_EQ(url->port, 80);
  EXPECT_EQ(url->target, "/");
  EXPECT_FALSE(url->tls());
  EXPECT_EQ(url->host_header(), "example.com");
}

TEST(ParseUrl, HttpsPortPathQueryFragment) {
  Result<Url> url = parse_url("HTTPS://api.openai.com:8443/v1/chat?x=1&y=2#frag");
  ASSERT_TRUE(url.is_ok());
  EXPECT_TRUE(url->tls());
  EXPECT_EQ(url->port, 8443);
  EXPECT_EQ(url->target, "/v1/chat?x=1&y=2");
  EXPECT_EQ(url->host_header(), "api.openai.com:8443");
  EXPECT_EQ(url->origin(), "https://api.openai.com:8443");
  EXPECT_EQ(parse_url("https://h")->port, 443);
  EXPECT_EQ(parse_url("https://h:443/")->host_header(), "h");
}

TEST(ParseUrl, QueryWithoutPath) {
  Result<Url> url = parse_url("http://h:1?q=2");
  ASSERT_TRUE(url.is_ok());
  EXPECT_EQ(url->target, "/?q=2");
}

TEST(ParseUrl, Ipv4AndIpv6Literals) {
  Result<Url> v4 = parse_url("http://127.0.0.1:8080/x");
  ASSERT_TRUE(v4.is_ok());
  EXPECT_EQ(v4->host, "127.0.0.1");
  EXPECT_FALSE(v4->host_is_ipv6());
  Result<Url> v6 = parse_url("http://[::1]:9000/v1");
  ASSERT_TRUE(v6.is_ok());
  EXPECT_EQ(v6->host, "::1");
  EXPECT_EQ(v6->port, 9000);
  EXPECT_TRUE(v6->host_is_ipv6());
  EXPECT_EQ(v6->host_header(), "[::1]:9000");
  Result<Url> v6_default = parse_url("https://[2001:DB8::1]");
  ASSERT_TRUE(v6_default.is_ok());
  EXPECT_EQ(v6_default->host, "2001:db8::1");
  EXPECT_EQ(v6_default->port, 443);
  EXPECT_EQ(v6_default->origin(), "https://[2001:db8::1]");
}

TEST(ParseUrl, RefusesMalformed) {
  for (const char* bad : {"",
                          "example.com",
                          "ftp://h/",
                          "http://",
                          "http:///path",
                          "http://h:/",
                          "http://h:0",
                          "http://h:65536",
                          "http://h:12ab",
                          "http://h:123456",
                          "http://user:pw@h/",
                          "http://[::1/",
                          "http://[]/",
                          "http://[::1]x/",
                          "http://[fe80::1%eth0]/",
                          "http://h /",
                          "http://h/\r\nX: y",
                          "http://ex ample.com",
                          "http://h\x01/",
                          "http://[127.0.0.1]/"}) {
    Result<Url> url = parse_url(bad);
    EXPECT_FALSE(url.is_ok()) << bad;
    if (!url.is_ok()) {
      EXPECT_EQ(url.status().code(), ErrorCode::kInvalidArgument);
    }
  }
}

}  // namespace
}  // namespace ragd
