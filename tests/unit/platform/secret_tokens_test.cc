#include "platform/secret_tokens.h"

#include <gtest/gtest.h>

#include <set>
#include <string>

#include "common/hash.h"

namespace ragd::platform {
namespace {

TEST(SecretTokens, Base64urlMatchesRfc4648Vectors) {
  // RFC 4648 §10 test vectors, without padding.
  EXPECT_EQ(base64url_encode(""), "");
  EXPECT_EQ(base64url_encode("f"), "Zg");
  EXPECT_EQ(base64url_encode("fo"), "Zm8");
  EXPECT_EQ(base64url_encode("foo"), "Zm9v");
  EXPECT_EQ(base64url_encode("foob"), "Zm9vYg");
  EXPECT_EQ(base64url_encode("fooba"), "Zm9vYmE");
  EXPECT_EQ(base64url_encode("foobar"), "Zm9vYmFy");
  // The two characters where base64url differs from base64.
  EXPECT_EQ(base64url_encode("\xfb\xff"), "-_8");
}

TEST(SecretTokens, Base64urlRoundTripsEveryLengthAndByte) {
  std::string all;
  for (int i = 0; i < 256; ++i) all += static_cast<char>(i);
  for (size_t n = 0; n <= all.size(); ++n) {
    const std::string in = all.substr(256 - n);
    std::string out = "junk";
    ASSERT_TRUE(base64url_decode(base64url_encode(in), &out)) << n;
    EXPECT_EQ(out, in) << n;
  }
}

TEST(SecretTokens, Base64urlDecodeIsStrict) {
  std::string out = "unchanged";
  EXPECT_FALSE(base64url_decode("Zg==", &out));    // padding
  EXPECT_FALSE(base64url_decode("Zm9v+A", &out));  // standard alphabet
  EXPECT_FALSE(base64url_decode("Zm9v/A", &out));
  EXPECT_FALSE(base64url_decode("Zm 9v", &out));  // whitespace
  EXPECT_FALSE(base64url_decode("Zm9v\n", &out));
  EXPECT_FALSE(base64url_decode(std::string_view("Zm\0v", 4), &out));
  EXPECT_FALSE(base64url_decode("Z", &out));  // length 1 mod 4
  EXPECT_FALSE(base64url_decode("Zm9vY", &out));
  EXPECT_FALSE(base64url_decode("Zh", &out));   // non-zero trailing bits ("Zg" is canonical)
  EXPECT_FALSE(base64url_decode("Zm9", &out));  // "Zm8" is canonical
  EXPECT_FALSE(base64url_decode("\xc3\xa9", &out));
  EXPECT_EQ(out, "unchanged");
  EXPECT_TRUE(base64url_decode("", &out));
  EXPECT_EQ(out, "");
}

TEST(SecretTokens, RandomTokensHaveTheRightShapeAndDiffer) {
  std::set<std::string> seen;
  for (int i = 0; i < 100; ++i) {
    const std::string token = random_token(32);
    EXPECT_EQ(token.size(), 43u);  // ceil(32 * 4 / 3)
    std::string bytes;
    ASSERT_TRUE(base64url_decode(token, &bytes));
    EXPECT_EQ(bytes.size(), 32u);
    seen.insert(token);
  }
  EXPECT_EQ(seen.size(), 100u);
  EXPECT_EQ(random_token(1).size(), 2u);
  EXPECT_EQ(random_token(1024).size(), 1366u);
}

TEST(SecretTokens, RandomIdIsPrefixPlus22Characters) {
  const std::string id = random_id("org_");
  ASSERT_EQ(id.size(), 4u + 22u);
  EXPECT_EQ(id.substr(0, 4), "org_");
  std::string bytes;
  ASSERT_TRUE(base64url_decode(id.substr(4), &bytes));
  EXPECT_EQ(bytes.size(), 16u);
  EXPECT_NE(random_id("org_"), id);
  EXPECT_EQ(random_id("").size(), 22u);
}

TEST(SecretTokensDeathTest, RandomTokenAbortsOutsideItsRange) {
  EXPECT_DEATH((void)random_token(0), "");
  EXPECT_DEATH((void)random_token(1025), "");
}

TEST(SecretTokens, ConstantTimeEqual) {
  EXPECT_TRUE(constant_time_equal("", ""));
  EXPECT_TRUE(constant_time_equal("secret", "secret"));
  EXPECT_FALSE(constant_time_equal("secret", "secreT"));
  EXPECT_FALSE(constant_time_equal("Secret", "secret"));
  EXPECT_FALSE(constant_time_equal("secret", "secret2"));
  EXPECT_FALSE(constant_time_equal("", "x"));
  EXPECT_TRUE(constant_time_equal(std::string_view("a\0b", 3), std::string_view("a\0b", 3)));
  EXPECT_FALSE(constant_time_equal(std::string_view("a\0b", 3), std::string_view("a\0c", 3)));
}

TEST(SecretTokens, SecretDigestIsLowerHexSha256) {
  EXPECT_EQ(secret_digest("abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  EXPECT_EQ(secret_digest(""), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  EXPECT_EQ(secret_digest("rk_abc"), ragd::sha256_hex("rk_abc"));
}

}  // namespace
}  // namespace ragd::platform
