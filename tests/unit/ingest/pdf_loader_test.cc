#include <gtest/gtest.h>

#include <cstdio>
#include <string>
#include <vector>

#include "ingest/loaders.h"

namespace ragd {
namespace {

// Writes a PDF with a correct cross-reference table: object i+1 is objects[i].
std::string build_pdf(const std::vector<std::string>& objects, const std::string& trailer_extra) {
  std::string pdf = "%PDF-1.4\n%\xE2\xE3\xCF\xD3\n";
  std::vector<size_t> offsets;
  for (size_t i = 0; i < objects.size(); ++i) {
    offsets.push_back(pdf.size());
    pdf += std::to_string(i + 1) + " 0 obj\n" + objects[i] + "\nendobj\n";
  }
  size_t xref = pdf.size();
  pdf += "xref\n0 " + std::to_string(objects.size() + 1) + "\n0000000000 65535 f \n";
  for (size_t offset : offsets) {
    char line[32];
    std::snprintf(line, sizeof line, "%010zu 00000 n \n", offset);
    pdf += line;
  }
  pdf += "trailer\n<< /Size " + std::to_string(objects.size() + 1) + " /Root 1 0 R " +
         trailer_extra + " >>\nstartxref\n" + std::to_string(xref) + "\n%%EOF\n";
  return pdf;
}

std::string stream(const std::string& content) {
  return "<< /Length " + std::to_string(content.size()) + " >>\nstream\n" + content + "\nendstream";
}

std::vector<std::string> two_page_objects() {
  const std::string page =
      "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources << /Font << /F1 5 0 R "
      ">> >> /Contents ";
  return {
      "<< /Type /Catalog /Pages 2 0 R >>",
      "<< /Type /Pages /Kids [3 0 R 6 0 R] /Count 2 >>",
      page + "4 0 R >>",
      stream("BT /F1 12 Tf 72 720 Td (Hello PDF world) Tj ET"),
      "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
      page + "7 0 R >>",
      stream("BT /F1 12 Tf 72 720 Td (Second page text) Tj ET"),
      "<< /Title (Tiny Test PDF) /Producer (hand) >>",
  };
}

TEST(PdfLoader, ReadsTitleAndPageText) {
  Result<RawDocument> r = parse_pdf(build_pdf(two_page_objects(), "/Info 8 0 R"));
  ASSERT_TRUE(r.is_ok()) << r.status().to_string();
  EXPECT_EQ(r->meta.title, "Tiny Test PDF");
  ASSERT_EQ(r->blocks.size(), 2u);
  EXPECT_NE(r->blocks[0].text.find("Hello PDF world"), std::string::npos) << r->blocks[0].text;
  EXPECT_NE(r->blocks[1].text.find("Second page text"), std::string::npos) << r->blocks[1].text;
  for (const RawBlock& b : r->blocks) EXPECT_EQ(b.kind, BlockKind::kParagraph);
}

TEST(PdfLoader, NoInfoMeansNoTitle) {
  Result<RawDocument> r = parse_pdf(build_pdf(two_page_objects(), ""));
  ASSERT_TRUE(r.is_ok()) << r.status().to_string();
  EXPECT_TRUE(r->meta.title.empty());
}

TEST(PdfLoader, GarbageFailsCleanly) {
  Result<RawDocument> no_header = parse_pdf("this is not a pdf at all");
  ASSERT_FALSE(no_header.is_ok());
  EXPECT_EQ(no_header.status().code(), ErrorCode::kInvalidArgument);
  EXPECT_NE(no_header.status().message().find("not a PDF"), std::string::npos);

  std::string garbage = "%PDF-1.7\n";
  for (int i = 0; i < 4000; ++i) garbage += static_cast<char>((i * 7919) % 251);
  Result<RawDocument> r = parse_pdf(garbage);
  ASSERT_FALSE(r.is_ok());
  EXPECT_EQ(r.status().code(), ErrorCode::kInvalidArgument);
  EXPECT_FALSE(r.status().message().empty());

  EXPECT_EQ(parse_pdf("").status().code(), ErrorCode::kInvalidArgument);
}

TEST(PdfLoader, EncryptedNeedsPassword) {
  std::vector<std::string> objects = two_page_objects();
  // Standard security handler with a user password we do not know: random O and U.
  objects.push_back(
      "<< /Filter /Standard /V 1 /R 2 /P -4 "
      "/O <0123456789ABCDEF0123456789ABCDEF0123456789ABCDEF0123456789ABCDEF> "
      "/U <FEDCBA9876543210FEDCBA9876543210FEDCBA9876543210FEDCBA9876543210> >>");
  std::string pdf = build_pdf(objects,
                              "/Encrypt 9 0 R /ID [<00112233445566778899AABBCCDDEEFF> "
                              "<00112233445566778899AABBCCDDEEFF>]");
  Result<RawDocument> r = parse_pdf(pdf);
  ASSERT_FALSE(r.is_ok());
  EXPECT_EQ(r.status().code(), ErrorCode::kInvalidArgument);
  EXPECT_NE(r.status().message().find("encrypted"), std::string::npos) << r.status().message();
}

TEST(PdfLoader, TruncatedFilesNeverCrash) {
  std::string pdf = build_pdf(two_page_objects(), "/Info 8 0 R");
  for (size_t cut = 0; cut < pdf.size(); cut += 37) {
    Result<RawDocument> r = parse_pdf(std::string_view(pdf).substr(0, cut));
    if (!r.is_ok()) {
      EXPECT_EQ(r.status().code(), ErrorCode::kInvalidArgument) << r.status().message();
    }
  }
}

}  // namespace
}  // namespace ragd
