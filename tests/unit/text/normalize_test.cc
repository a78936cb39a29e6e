#include "text/normalize.h"

#include <gtest/gtest.h>
#include <utf8proc.h>

#include <cstdlib>
#include <string>

namespace ragd {
namespace {

TEST(IsValidUtf8, AcceptsWellFormedText) {
  EXPECT_TRUE(is_valid_utf8(""));
  EXPECT_TRUE(is_valid_utf8("plain ascii text that is longer than eight bytes"));
  EXPECT_TRUE(is_valid_utf8("caf\xC3\xA9 \xE2\x80\x99 \xF0\x9F\x98\x80"));
  EXPECT_TRUE(is_valid_utf8("\xF4\x8F\xBF\xBF"));  // U+10FFFF
}

TEST(IsValidUtf8, RejectsIllFormedText) {
  EXPECT_FALSE(is_valid_utf8("\x80"));              // lone continuation
  EXPECT_FALSE(is_valid_utf8("\xC3"));              // truncated
  EXPECT_FALSE(is_valid_utf8("\xC0\xAF"));          // overlong '/'
  EXPECT_FALSE(is_valid_utf8("\xE0\x80\xAF"));      // overlong
  EXPECT_FALSE(is_valid_utf8("\xED\xA0\x80"));      // surrogate U+D800
  EXPECT_FALSE(is_valid_utf8("\xF4\x90\x80\x80"));  // above U+10FFFF
  EXPECT_FALSE(is_valid_utf8("\xF5\x80\x80\x80"));
  EXPECT_FALSE(is_valid_utf8("abcdefghijklmnop\xFF"));
}

TEST(RepairUtf8, ReplacesEachMaximalSubpartWithReplacementChar) {
  EXPECT_EQ(repair_utf8("ok"), "ok");
  EXPECT_EQ(repair_utf8("a\xFF"
                        "b"),
            "a\xEF\xBF\xBD"
            "b");
  // A truncated 3-byte sequence is one maximal subpart -> one U+FFFD.
  EXPECT_EQ(repair_utf8("a\xE2\x80"
                        "b"),
            "a\xEF\xBF\xBD"
            "b");
  // Surrogate: ED is a valid lead but A0 is not a valid second byte -> three replacements.
  EXPECT_EQ(repair_utf8("\xED\xA0\x80"), "\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD");
  EXPECT_EQ(repair_utf8("\xC3"), "\xEF\xBF\xBD");
  EXPECT_TRUE(is_valid_utf8(repair_utf8("\xF0\x9F\x98")));
}

TEST(RepairMojibake, RepairsUtf8ReadAsWindows1252) {
  EXPECT_EQ(repair_mojibake("don\xC3\xA2\xE2\x82\xAC\xE2\x84\xA2t"), "don\xE2\x80\x99t");  // â€™
  EXPECT_EQ(repair_mojibake("caf\xC3\x83\xC2\xA9"), "caf\xC3\xA9");                        // Ã©
  EXPECT_EQ(repair_mojibake("\xC3\xA2\xE2\x82\xAC\xC5\x93quoted"),
            "\xE2\x80\x9Cquoted");  // â€œ
  EXPECT_EQ(repair_mojibake("25\xC3\x82\xC2\xB0"
                            "C"),
            "25\xC2\xB0"
            "C");                                                          // Â°
  EXPECT_EQ(repair_mojibake("M\xC3\x83\xC2\xBCnchen"), "M\xC3\xBCnchen");  // Ã¼
}

TEST(RepairMojibake, RepairsCyrillicRuns) {
  // "привет" read as Windows-1252: Ð¿Ñ€Ð¸Ð²ÐµÑ‚
  const std::string mojibake =
      "\xC3\x90\xC2\xBF\xC3\x91\xE2\x82\xAC\xC3\x90\xC2\xB8\xC3\x90\xC2\xB2\xC3\x90\xC2\xB5"
      "\xC3\x91\xE2\x80\x9A";
  EXPECT_EQ(repair_mojibake(mojibake), "\xD0\xBF\xD1\x80\xD0\xB8\xD0\xB2\xD0\xB5\xD1\x82");
}

TEST(RepairMojibake, RepairsDoubleEncoding) {
  // ’ encoded twice through Windows-1252: Ã¢â‚¬â„¢
  EXPECT_EQ(repair_mojibake("\xC3\x83\xC2\xA2\xC3\xA2\xE2\x80\x9A\xC2\xAC\xC3\xA2\xE2\x80\x9E"
                            "\xC2\xA2"),
            "\xE2\x80\x99");
}

TEST(RepairMojibake, LeavesLegitimateTextAlone) {
  const std::string cases[] = {
      "",
      "plain ascii",
      "S\xC3\xA3o Paulo",                     // São
      "\xC3\x83 la carte",                    // Ã followed by a space
      "caf\xC3\xA9\xE2\x80\xA6\xE2\x80\x9D",  // café…” (é + two plausible symbols)
      "\xE2\x80\x9C"
      "CAF\xC3\x89\xE2\x80\x9D",         // “CAFÉ”
      "na\xC3\xAFve \xC3\xA9t\xC3\xA9",  // naïve été
      "\xC3\x80 bient\xC3\xB4t",         // À bientôt
  };
  for (const std::string& text : cases) EXPECT_EQ(repair_mojibake(text), text) << text;
}

TEST(RepairMojibake, PassesInvalidBytesThrough) {
  EXPECT_EQ(repair_mojibake("\xC3"), "\xC3");
  EXPECT_EQ(repair_mojibake("\xC3\x83\xFF"), "\xC3\x83\xFF");
  EXPECT_EQ(repair_mojibake("x\xC3\x83\xC2\xA9\xFF"), "x\xC3\xA9\xFF");
}

TEST(CleanText, CollapsesWhitespaceAndKeepsParagraphs) {
  EXPECT_EQ(clean_text("  Hello   \t world  \n\n\n\n  Second  paragraph \n"),
            "Hello world\n\nSecond paragraph");
  EXPECT_EQ(clean_text("line one   \nline two"), "line one\nline two");
  EXPECT_EQ(clean_text("a\r\nb\r\n\r\nc\rd"), "a\nb\n\nc\nd");
  EXPECT_EQ(clean_text("a \n \n \n b"), "a\n\nb");
  EXPECT_EQ(clean_text(""), "");
  EXPECT_EQ(clean_text(" \t\n\n "), "");
}

TEST(CleanText, StripsControlsAndInvisibleCharacters) {
  EXPECT_EQ(clean_text("a\x01"
                       "b\x7F"
                       "c"),
            "abc");
  EXPECT_EQ(clean_text("\xEF\xBB\xBFtitle"), "title");              // BOM
  EXPECT_EQ(clean_text("inter\xC2\xADnational"), "international");  // soft hyphen
  EXPECT_EQ(clean_text("zero\xE2\x80\x8Bwidth"), "zerowidth");      // ZWSP
  EXPECT_EQ(clean_text("non\xC2\xA0"
                       "breaking\xE2\x80\x83space"),
            "non breaking space");
  EXPECT_EQ(clean_text("page\fbreak"), "page\nbreak");
  EXPECT_EQ(clean_text("c1\xC2\x80"
                       "control"),
            "c1control");
}

TEST(CleanText, NormalisesToNfc) {
  EXPECT_EQ(clean_text("Cafe\xCC\x81"), "Caf\xC3\xA9");  // e + combining acute -> é
  // A removed soft hyphen between base and mark still yields the composed form.
  EXPECT_EQ(clean_text("e\xC2\xAD\xCC\x81"), "\xC3\xA9");
}

TEST(CleanText, NormalisesSingletonsAndHangul) {
  EXPECT_EQ(clean_text("\xE2\x84\xAB"), "\xC3\x85");                  // Angstrom sign -> Å
  EXPECT_EQ(clean_text("\xE1\x84\x80\xE1\x85\xA1"), "\xEA\xB0\x80");  // jamo -> 가
  EXPECT_EQ(clean_text("\xCE\xB1\xCE\xB2 \xE2\x89\xA5"), "\xCE\xB1\xCE\xB2 \xE2\x89\xA5");
}

std::string utf8proc_nfc(const std::string& text) {
  utf8proc_uint8_t* mapped = utf8proc_NFC(reinterpret_cast<const utf8proc_uint8_t*>(text.c_str()));
  std::string out = mapped == nullptr ? "" : reinterpret_cast<const char*>(mapped);
  std::free(mapped);
  return out;
}

// The cleaner skips utf8proc for text it can prove is NFC already; compare it with
// utf8proc on every code point of planes 0 and 1, as the first and second of a pair.
TEST(CleanText, NfcAgreesWithUtf8procOnEveryCodePoint) {
  int mismatches = 0;
  for (int32_t cp = 0x100; cp < 0x20000 && mismatches < 5; ++cp) {
    if (cp >= 0xD800 && cp <= 0xDFFF) continue;
    const utf8proc_category_t category = utf8proc_category(cp);
    if (category == UTF8PROC_CATEGORY_ZS || category == UTF8PROC_CATEGORY_ZL ||
        category == UTF8PROC_CATEGORY_ZP || cp == 0x200B || cp == 0x2060 || cp == 0xFEFF) {
      continue;  // whitespace and invisible characters the cleaner rewrites
    }
    utf8proc_uint8_t buf[4];
    const auto len = utf8proc_encode_char(cp, buf);
    const std::string c(reinterpret_cast<const char*>(buf), static_cast<size_t>(len));
    const std::string text = "e" + c + "\xCC\x81";  // e, cp, combining acute
    const std::string expected = utf8proc_nfc(text);
    if (clean_text(text) != expected) {
      ++mismatches;
      ADD_FAILURE() << "U+" << std::hex << cp;
    }
  }
  EXPECT_EQ(mismatches, 0);
}

TEST(CleanText, RepairsEncodingProblems) {
  EXPECT_EQ(clean_text("caf\xC3\x83\xC2\xA9 \xFF ok"), "caf\xC3\xA9 \xEF\xBF\xBD ok");
  EXPECT_EQ(clean_text("it\xC3\xA2\xE2\x82\xAC\xE2\x84\xA2s"), "it\xE2\x80\x99s");
}

TEST(CleanText, OutputIsAlwaysValidUtf8) {
  std::string hostile;
  for (int i = 0; i < 256; ++i) hostile.push_back(static_cast<char>(i));
  hostile += hostile;
  const std::string cleaned = clean_text(hostile);
  EXPECT_TRUE(is_valid_utf8(cleaned));
  EXPECT_EQ(cleaned.find('\0'), std::string::npos);
  EXPECT_TRUE(is_valid_utf8(clean_line(hostile)));
  EXPECT_TRUE(is_valid_utf8(clean_preformatted(hostile)));
}

TEST(CleanLine, JoinsLines) {
  EXPECT_EQ(clean_line("  A   title\nthat wraps \r\n\n here "), "A title that wraps here");
  EXPECT_EQ(clean_line("\n\n"), "");
}

TEST(CleanPreformatted, KeepsIndentation) {
  EXPECT_EQ(clean_preformatted("\n\n    int x;   \n\tif (x)  {\n\n\n\n  y();\n\n"),
            "    int x;\n\tif (x)  {\n\n  y();");
  EXPECT_EQ(clean_preformatted("a\x01"
                               "b"),
            "ab");
}

}  // namespace
}  // namespace ragd
