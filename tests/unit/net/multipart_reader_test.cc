#include "net/multipart_reader.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>
#include <string>
#include <vector>

namespace ragd {
namespace {

namespace fs = std::filesystem;
using namespace std::string_literals;

struct Parsed {
  Status status;
  std::vector<MultipartPart> parts;  // content in `value` for every part, file or not
};

// Feeds `body` in pieces of `chunk` bytes (0: all at once), then finishes.
Parsed parse(std::string_view body, size_t chunk, const MultipartLimits& limits = {},
             const std::string& boundary = "XyZ") {
  Parsed out;
  MultipartParser::Callbacks callbacks;
  callbacks.on_part_begin = [&](const MultipartPart& part) {
    out.parts.push_back(part);
    return Status::ok();
  };
  callbacks.on_part_data = [&](std::string_view data) {
    EXPECT_FALSE(data.empty());
    out.parts.back().value.append(data);
    out.parts.back().size += data.size();
    return Status::ok();
  };
  MultipartParser parser(boundary, limits, std::move(callbacks));
  if (chunk == 0) chunk = std::max<size_t>(body.size(), 1);
  for (size_t at = 0; at < body.size() && out.status.is_ok(); at += chunk) {
    out.status = parser.feed(body.substr(at, chunk));
  }
  if (out.status.is_ok()) out.status = parser.finish();
  return out;
}

std::string part(std::string_view disposition, std::string_view content,
                 std::string_view extra_headers = "") {
  std::string s = "--XyZ\r\nContent-Disposition: " + std::string(disposition) + "\r\n";
  s += extra_headers;
  s += "\r\n";
  s += content;
  s += "\r\n";
  return s;
}

// A body exercising most of the grammar: preamble, padding, a file, boundary look-alikes in
// content, an empty part, CR/LF pairs that are content, and an epilogue.
std::string rich_body() {
  std::string body = "This is the preamble. --XyZ is not a boundary here.\r\n";
  body += part("form-data; name=\"title\"", "Annual report");
  body += part("form-data; name=\"doc\"; filename=\"r.txt\"",
               "line one --XyZ inline\r\n-\r\n--Xy\r\n\r\n-\n--XyZ\nend\n--XyZ",
               "Content-Type: text/markdown\r\n");
  body += part("form-data; name=empty", "");
  body += "--XyZ  \t\r\nContent-Disposition: form-data; name=\"padded\"\r\n\r\nvalue\r\n";
  body += "--XyZ--\r\nepilogue --XyZ\r\n garbage";
  return body;
}

TEST(MultipartParser, ParsesFieldsAndFiles) {
  std::string body = part("form-data; name=\"a\"", "1") +
                     part("form-data; name=\"f\"; filename=\"x.md\"", "# Title\n",
                          "Content-Type: text/markdown\r\n") +
                     "--XyZ--\r\n";
  Parsed p = parse(body, 0);
  ASSERT_TRUE(p.status.is_ok()) << p.status.to_string();
  ASSERT_EQ(p.parts.size(), 2u);
  EXPECT_EQ(p.parts[0].name, "a");
  EXPECT_EQ(p.parts[0].value, "1");
  EXPECT_FALSE(p.parts[0].is_file());
  EXPECT_EQ(p.parts[0].content_type, "text/plain");
  EXPECT_EQ(p.parts[1].name, "f");
  EXPECT_EQ(p.parts[1].filename, "x.md");
  EXPECT_TRUE(p.parts[1].is_file());
  EXPECT_EQ(p.parts[1].content_type, "text/markdown");
  EXPECT_EQ(p.parts[1].value, "# Title\n");
}

TEST(MultipartParser, RichBodyContent) {
  Parsed p = parse(rich_body(), 0);
  ASSERT_TRUE(p.status.is_ok()) << p.status.to_string();
  ASSERT_EQ(p.parts.size(), 4u);
  EXPECT_EQ(p.parts[0].value, "Annual report");
  // Look-alikes of the delimiter (CRLF "--XyZ") are content.
  EXPECT_EQ(p.parts[1].value, "line one --XyZ inline\r\n-\r\n--Xy\r\n\r\n-\n--XyZ\nend\n--XyZ");
  EXPECT_EQ(p.parts[2].name, "empty");
  EXPECT_EQ(p.parts[2].value, "");
  EXPECT_EQ(p.parts[2].size, 0u);
  EXPECT_EQ(p.parts[3].name, "padded");
  EXPECT_EQ(p.parts[3].value, "value");
}

TEST(MultipartParser, ChunkingsGiveIdenticalResults) {
  const std::string body = rich_body();
  const Parsed whole = parse(body, 0);
  ASSERT_TRUE(whole.status.is_ok());
  for (size_t chunk : {1, 2, 3, 7, 4096}) {
    const Parsed pieces = parse(body, chunk);
    ASSERT_TRUE(pieces.status.is_ok()) << chunk << ": " << pieces.status.to_string();
    EXPECT_EQ(pieces.parts, whole.parts) << "chunk " << chunk;
  }
  // Random cuts too, including empty pieces.
  std::mt19937 rng(42);
  for (int round = 0; round < 50; ++round) {
    Parsed out;
    MultipartParser::Callbacks callbacks;
    callbacks.on_part_begin = [&](const MultipartPart& part) {
      out.parts.push_back(part);
      return Status::ok();
    };
    callbacks.on_part_data = [&](std::string_view data) {
      out.parts.back().value.append(data);
      out.parts.back().size += data.size();
      return Status::ok();
    };
    MultipartParser parser("XyZ", {}, callbacks);
    size_t at = 0;
    while (at < body.size()) {
      const size_t n = std::min(body.size() - at, static_cast<size_t>(rng() % 12));
      ASSERT_TRUE(parser.feed(std::string_view(body).substr(at, n)).is_ok());
      at += n;
    }
    ASSERT_TRUE(parser.finish().is_ok());
    EXPECT_EQ(out.parts, whole.parts) << "round " << round;
  }
}

TEST(MultipartParser, ErrorsDoNotDependOnChunking) {
  MultipartLimits limits;
  limits.max_field_bytes = 10;
  const std::string body = part("form-data; name=a", "0123456789") +
                           part("form-data; name=b", "0123456789X") + "--XyZ--";
  for (size_t chunk : {0, 1, 7, 4096}) {
    Parsed p = parse(body, chunk, limits);
    EXPECT_EQ(p.status.code(), ErrorCode::kTooLarge) << chunk;
    ASSERT_GE(p.parts.size(), 1u);
    EXPECT_EQ(p.parts[0].value, "0123456789");
  }
}

TEST(MultipartParser, FirstBoundaryWithoutPreambleAndNoParts) {
  Parsed p = parse("--XyZ--", 0);
  EXPECT_TRUE(p.status.is_ok()) << p.status.to_string();
  EXPECT_TRUE(p.parts.empty());
  p = parse("preamble\r\n--XyZ--", 1);
  EXPECT_TRUE(p.status.is_ok());
  // Without the CRLF, "--XyZ--" in the middle of the preamble is not a boundary.
  p = parse("preamble--XyZ--", 0);
  EXPECT_EQ(p.status.code(), ErrorCode::kInvalidArgument);
}

TEST(MultipartParser, BareLfInPartHeaders) {
  const std::string body =
      "--XyZ\nContent-Disposition: form-data; name=\"a\"\nContent-Type: text/csv\n\nx,y\r\n"
      "--XyZ--\n";
  for (size_t chunk : {0, 1}) {
    Parsed p = parse(body, chunk);
    ASSERT_TRUE(p.status.is_ok()) << p.status.to_string();
    ASSERT_EQ(p.parts.size(), 1u);
    EXPECT_EQ(p.parts[0].content_type, "text/csv");
    EXPECT_EQ(p.parts[0].value, "x,y");
  }
}

TEST(MultipartParser, HeaderNamesAnyCaseAndFolding) {
  const std::string body =
      "--XyZ\r\ncontent-DISPOSITION: Form-Data;\r\n name=\"folded\"\r\n\r\nv\r\n--XyZ--";
  Parsed p = parse(body, 0);
  ASSERT_TRUE(p.status.is_ok()) << p.status.to_string();
  ASSERT_EQ(p.parts.size(), 1u);
  EXPECT_EQ(p.parts[0].name, "folded");
}

TEST(MultipartParser, DispositionParameters) {
  struct Case {
    std::string disposition;
    std::string name;
    std::string filename;
  };
  const std::vector<Case> cases = {
      {R"(form-data; name="a\"b"; filename="say \"hi\".txt")", "a\"b", "say \"hi\".txt"},
      {R"(form-data; name="semi;colon"; filename="a;b.txt")", "semi;colon", "a;b.txt"},
      {R"(form-data;name=tok;filename=plain.txt)", "tok", "plain.txt"},
      {R"(form-data; NAME="up"; FileName="Up.TXT")", "up", "Up.TXT"},
      // Backslashes before ordinary characters stay (old browsers send full Windows paths).
      {R"(form-data; name="f"; filename="C:\dir\file.txt")", "f", "C:\\dir\\file.txt"},
      {R"(form-data; name="f"; filename="a\\b")", "f", "a\\b"},
      // RFC 5987 forms win over the plain ones.
      {R"(form-data; name="f"; filename="naive.txt"; filename*=UTF-8''na%C3%AFve.txt)", "f",
       "na\xC3\xAFve.txt"},
      {R"(form-data; name="f"; filename*=utf-8'en'%E2%82%AC%20rates.pdf)", "f",
       "\xE2\x82\xAC rates.pdf"},
      {R"(form-data; name="f"; filename*=ISO-8859-1''caf%E9.txt)", "f", "caf\xC3\xA9.txt"},
      // An undecodable ext-value falls back to the plain parameter.
      {R"(form-data; name="f"; filename="ok.txt"; filename*=UTF-8''bad%zz)", "f", "ok.txt"},
      {R"(form-data; name="f"; filename="ok.txt"; filename*=KOI8-R''x)", "f", "ok.txt"},
      {R"(form-data; name*=UTF-8''n%C3%A4me)", "n\xC3\xA4me", ""},
      // filename="" is a field (a browser's empty file input).
      {R"(form-data; name="f"; filename="")", "f", ""},
  };
  for (const Case& c : cases) {
    Parsed p = parse(part(c.disposition, "x") + "--XyZ--", 0);
    ASSERT_TRUE(p.status.is_ok()) << c.disposition << ": " << p.status.to_string();
    ASSERT_EQ(p.parts.size(), 1u);
    EXPECT_EQ(p.parts[0].name, c.name) << c.disposition;
    EXPECT_EQ(p.parts[0].filename, c.filename) << c.disposition;
  }
}

TEST(MultipartParser, MalformedBodies) {
  const std::vector<std::string> bodies = {
      "",
      "no boundary at all",
      part("form-data; name=a", "x"),                              // no final boundary
      part("form-data; name=a", "x") + "--XyZ",                    // ends after a delimiter
      part("form-data; name=a", "x") + "--XyZ-",                   // half a close
      part("form-data; name=a", "x") + "--XyZfoo--",               // delimiter followed by text
      "--XyZ\r\nContent-Disposition: form-data; name=a\r\n\r\nx",  // content never closed
      "--XyZ\r\n\r\nno headers\r\n--XyZ--",                        // no Content-Disposition
      part("attachment; name=a", "x") + "--XyZ--",                 // not form-data
      part("form-data; filename=a.txt", "x") + "--XyZ--",          // no name
      part("form-data; name=\"unterminated", "x") + "--XyZ--",
      "--XyZ\r\nContent-Disposition form-data; name=a\r\n\r\nx\r\n--XyZ--",  // no colon
      "--XyZ\r\nContent-Disposition: form-data; name=\"a\x01\"\r\n\r\nx\r\n--XyZ--",
      "--XyZ\r\nContent-Disposition: form-data; name=\"a\0\"\r\n\r\nx\r\n--XyZ--"s,
      "--XyZ\r\n folded first\r\nContent-Disposition: form-data; name=a\r\n\r\nx\r\n--XyZ--",
      "--XyZ\rContent-Disposition: form-data; name=a\r\n\r\nx\r\n--XyZ--",  // CR without LF
  };
  for (const std::string& body : bodies) {
    for (size_t chunk : {0, 1, 7}) {
      Parsed p = parse(body, chunk);
      EXPECT_EQ(p.status.code(), ErrorCode::kInvalidArgument)
          << "chunk " << chunk << " body: " << body;
    }
  }
}

TEST(MultipartParser, ErrorsAreSticky) {
  MultipartParser parser("XyZ", {}, {});
  EXPECT_EQ(parser.feed("--XyZ\r\n\r\n").code(), ErrorCode::kInvalidArgument);
  EXPECT_EQ(parser.feed("--XyZ--").code(), ErrorCode::kInvalidArgument);
  EXPECT_EQ(parser.finish().code(), ErrorCode::kInvalidArgument);
}

TEST(MultipartParser, CallbackErrorStopsTheParser) {
  MultipartParser::Callbacks callbacks;
  callbacks.on_part_begin = [](const MultipartPart&) { return Status::io("disk full"); };
  MultipartParser parser("XyZ", {}, callbacks);
  Status status = parser.feed(part("form-data; name=a", "x") + "--XyZ--");
  EXPECT_EQ(status.code(), ErrorCode::kIo);
  EXPECT_EQ(status.message(), "disk full");
  EXPECT_EQ(parser.finish().code(), ErrorCode::kIo);
}

TEST(MultipartParser, Limits) {
  MultipartLimits limits;
  limits.max_parts = 2;
  limits.max_field_bytes = 4;
  limits.max_file_bytes = 8;
  limits.max_header_bytes = 80;
  const std::string field4 = part("form-data; name=a", "abcd");
  const std::string file8 = part("form-data; name=f; filename=f.txt", "12345678");
  for (size_t chunk : {0, 1, 7, 4096}) {
    // At the limits: fine.
    EXPECT_TRUE(parse(field4 + file8 + "--XyZ--", chunk, limits).status.is_ok()) << chunk;
    EXPECT_EQ(parse(field4 + file8 + field4 + "--XyZ--", chunk, limits).status.code(),
              ErrorCode::kTooLarge);
    EXPECT_EQ(parse(part("form-data; name=a", "abcde") + "--XyZ--", chunk, limits).status.code(),
              ErrorCode::kTooLarge);
    EXPECT_EQ(parse(part("form-data; name=f; filename=f", "123456789") + "--XyZ--", chunk, limits)
                  .status.code(),
              ErrorCode::kTooLarge);
    const std::string long_header =
        part("form-data; name=a", "x", "X-Long: " + std::string(80, 'h') + "\r\n") + "--XyZ--";
    EXPECT_EQ(parse(long_header, chunk, limits).status.code(), ErrorCode::kTooLarge);
    // A header line that never ends is refused at the limit, not buffered.
    EXPECT_EQ(parse("--XyZ\r\nX: " + std::string(10000, 'h'), chunk, limits).status.code(),
              ErrorCode::kTooLarge);
  }
}

TEST(MultipartBoundary, Forms) {
  EXPECT_EQ(multipart_boundary("multipart/form-data; boundary=abc").value(), "abc");
  EXPECT_EQ(multipart_boundary("Multipart/Form-Data;BOUNDARY=\"a b:c\"").value(), "a b:c");
  EXPECT_EQ(
      multipart_boundary("multipart/form-data; charset=utf-8; boundary=----WebKitForm12").value(),
      "----WebKitForm12");
  EXPECT_EQ(multipart_boundary("multipart/form-data; boundary=\"q\"; charset=x").value(), "q");
  EXPECT_EQ(multipart_boundary(std::string("multipart/form-data; boundary=") + std::string(70, 'b'))
                .value(),
            std::string(70, 'b'));

  for (std::string_view bad :
       {"", "application/json", "multipart/mixed; boundary=abc", "multipart/form-data",
        "multipart/form-data; boundary=", "multipart/form-data; boundary=\"\"",
        "multipart/form-data; boundary=\"abc", "multipart/form-data; boundary=\"ends \"",
        "multipart/form-data; boundary=a\"b", "multipart/form-data; boundary=\"a\r\nb\"",
        "multipart/form-data; boundary=\"semi;colon\""}) {
    EXPECT_EQ(multipart_boundary(bad).status().code(), ErrorCode::kInvalidArgument) << bad;
  }
  EXPECT_FALSE(
      multipart_boundary(std::string("multipart/form-data; boundary=") + std::string(71, 'b')));
}

class ReadMultipartFile : public ::testing::Test {
 protected:
  void SetUp() override {
    root_ = fs::temp_directory_path() /
            ("ragd-multipart-" + std::to_string(::getpid()) + "-" +
             ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(root_);
    fs::create_directories(root_);
  }
  void TearDown() override { fs::remove_all(root_); }

  std::string write_body(const std::string& body) {
    const std::string path = (root_ / "body").string();
    std::ofstream(path, std::ios::binary) << body;
    return path;
  }
  static std::string slurp(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    std::ostringstream s;
    s << in.rdbuf();
    return s.str();
  }

  fs::path root_;
};

TEST_F(ReadMultipartFile, WritesFilePartsAndKeepsFields) {
  // A file larger than the reader's chunk, with delimiter look-alikes across chunk edges.
  std::string big;
  for (int i = 0; i < 20000; ++i) big += "line " + std::to_string(i) + "\r\n--Xy\r\n--X";
  const std::string body = part("form-data; name=collection", "default") +
                           part("form-data; name=file; filename=\"../../etc/passwd\"", big) +
                           part("form-data; name=second; filename=b.txt", "small") + "--XyZ--";
  const std::string out = (root_ / "parts").string();
  auto parts = read_multipart_file(write_body(body), "multipart/form-data; boundary=XyZ", out);
  ASSERT_TRUE(parts.is_ok()) << parts.status().to_string();
  ASSERT_EQ(parts->size(), 3u);
  EXPECT_EQ((*parts)[0].value, "default");
  EXPECT_EQ((*parts)[0].size, 7u);
  EXPECT_TRUE((*parts)[0].file_path.empty());
  EXPECT_EQ((*parts)[1].filename, "../../etc/passwd");
  EXPECT_EQ((*parts)[1].file_path, out + "/part-1");
  EXPECT_EQ((*parts)[1].size, big.size());
  EXPECT_TRUE((*parts)[1].value.empty());
  EXPECT_EQ(slurp((*parts)[1].file_path), big);
  EXPECT_EQ((*parts)[2].file_path, out + "/part-2");
  EXPECT_EQ(slurp((*parts)[2].file_path), "small");
  size_t files = 0;
  for (const auto& entry : fs::directory_iterator(out)) {
    (void)entry;
    ++files;
  }
  EXPECT_EQ(files, 2u);
}

TEST_F(ReadMultipartFile, ErrorRemovesWhatItWrote) {
  MultipartLimits limits;
  limits.max_file_bytes = 10;
  const std::string body = part("form-data; name=a; filename=a.txt", "fine") +
                           part("form-data; name=b; filename=b.txt", "far too large") + "--XyZ--";
  const std::string out = (root_ / "parts").string();
  auto parts =
      read_multipart_file(write_body(body), "multipart/form-data; boundary=XyZ", out, limits);
  EXPECT_EQ(parts.status().code(), ErrorCode::kTooLarge);
  EXPECT_FALSE(fs::exists(out));  // created by the call, so removed with the files

  fs::create_directories(out);
  parts = read_multipart_file(write_body(part("form-data; name=a; filename=a", "x")),
                              "multipart/form-data; boundary=XyZ", out);
  EXPECT_EQ(parts.status().code(), ErrorCode::kInvalidArgument);  // no final boundary
  EXPECT_TRUE(fs::exists(out));                                   // it was there before
  EXPECT_TRUE(fs::is_empty(out));
}

TEST_F(ReadMultipartFile, OtherErrors) {
  const std::string out = (root_ / "parts").string();
  EXPECT_EQ(
      read_multipart_file((root_ / "missing").string(), "multipart/form-data; boundary=X", out)
          .status()
          .code(),
      ErrorCode::kNotFound);
  const std::string body = write_body(part("form-data; name=a; filename=a", "x") + "--XyZ--");
  EXPECT_EQ(read_multipart_file(body, "text/plain", out).status().code(),
            ErrorCode::kInvalidArgument);
  // An existing part file is never overwritten.
  fs::create_directories(out);
  std::ofstream(out + "/part-0") << "keep";
  EXPECT_EQ(read_multipart_file(body, "multipart/form-data; boundary=XyZ", out).status().code(),
            ErrorCode::kAlreadyExists);
  EXPECT_EQ(slurp(out + "/part-0"), "keep");
}

TEST(SafeUploadName, Names) {
  EXPECT_EQ(safe_upload_name("report.pdf"), "report.pdf");
  EXPECT_EQ(safe_upload_name("../../etc/passwd"), "passwd");
  EXPECT_EQ(safe_upload_name("a\\b"), "b");
  EXPECT_EQ(safe_upload_name("C:\\Users\\me\\notes.txt"), "notes.txt");
  EXPECT_EQ(safe_upload_name("dir/sub\\..\\x.md"), "x.md");
  EXPECT_EQ(safe_upload_name(std::string("evil\0.txt", 9)), "evil.txt");
  EXPECT_EQ(safe_upload_name("tab\tnew\nline\x7f.txt"), "tabnewline.txt");
  EXPECT_EQ(safe_upload_name("c1\xC2\x85.txt"), "c1.txt");  // U+0085 NEL
  EXPECT_EQ(safe_upload_name("  spaced name.txt  "), "spaced name.txt");
  EXPECT_EQ(safe_upload_name("na\xC3\xAFve \xE2\x82\xAC.txt"), "na\xC3\xAFve \xE2\x82\xAC.txt");
  EXPECT_EQ(safe_upload_name("bad\xFF.txt"), "bad\xEF\xBF\xBD.txt");
  EXPECT_EQ(safe_upload_name("\xED\xA0\x80"), "\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD");  // surrogate
  EXPECT_EQ(safe_upload_name("..."), "...");

  for (std::string_view bad :
       {"", "..", ".", "../", "a/..", "a\\.", "dir/", "   ", "\x01\x02", "x/"}) {
    EXPECT_FALSE(safe_upload_name(bad).has_value()) << bad;
  }
  EXPECT_FALSE(safe_upload_name(std::string(".\0.", 3)).has_value());
}

TEST(SafeUploadName, LongNamesKeepTheirExtension) {
  const std::string stem(300, 'a');
  auto name = safe_upload_name(stem + ".pdf");
  ASSERT_TRUE(name.has_value());
  EXPECT_EQ(name->size(), 255u);
  EXPECT_EQ(name->substr(251), ".pdf");

  // Multi-byte characters are never cut in half.
  std::string euros;
  for (int i = 0; i < 100; ++i) euros += "\xE2\x82\xAC";  // 300 bytes
  name = safe_upload_name(euros);
  ASSERT_TRUE(name.has_value());
  EXPECT_EQ(name->size(), 255u);  // 85 whole characters
  name = safe_upload_name("x" + euros);
  ASSERT_TRUE(name.has_value());
  EXPECT_EQ(name->size(), 253u);  // "x" and 84 whole characters
}

}  // namespace
}  // namespace ragd
