#include <gtest/gtest.h>
#include <zlib.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <vector>

#include "ingest/loaders.h"

namespace ragd {
namespace {

struct Collected {
  std::vector<RawDocument> docs;
  std::vector<LineError> errors;
  std::function<void(RawDocument&&)> on_doc() {
    return [this](RawDocument&& d) { docs.push_back(std::move(d)); };
  }
  std::function<void(const LineError&)> on_error() {
    return [this](const LineError& e) { errors.push_back(e); };
  }
};

class TempDir {
 public:
  TempDir() {
    std::string pattern = ::testing::TempDir() + "ragd_beir_XXXXXX";
    char* made = mkdtemp(pattern.data());
    EXPECT_NE(made, nullptr);
    path_ = pattern;
  }
  ~TempDir() { std::filesystem::remove_all(path_); }
  std::string file(const std::string& name) const { return path_ + "/" + name; }

 private:
  std::string path_;
};

void write_plain(const std::string& path, const std::string& data) {
  std::FILE* f = std::fopen(path.c_str(), "wb");
  ASSERT_NE(f, nullptr);
  ASSERT_EQ(std::fwrite(data.data(), 1, data.size(), f), data.size());
  std::fclose(f);
}

void write_gzip(const std::string& path, const std::string& data) {
  gzFile f = gzopen(path.c_str(), "wb");
  ASSERT_NE(f, nullptr);
  ASSERT_EQ(gzwrite(f, data.data(), static_cast<unsigned>(data.size())),
            static_cast<int>(data.size()));
  gzclose(f);
}

const char* kCorpus =
    "{\"_id\": \"d1\", \"title\": \"First\", \"text\": \"Alpha text.\"}\n"
    "\n"
    "{\"_id\": \"d2\", \"text\": \"No title\", \"metadata\": {\"url\": \"x\"}}\r\n"
    "{\"_id\": \"d3\", \"title\": \"Broken\" \"text\": \"x\"}\n"
    "[1, 2, 3]\n"
    "{\"text\": \"no id\"}\n"
    "{\"_id\": 7, \"text\": \"numeric id\"}\n"
    "{\"_id\": \"d8\"}\n"
    "{\"_id\": \"d9\", \"text\": null}\n"
    "   \n"
    "{\"_id\": \"d11\", \"title\": null, \"text\": \"caf\\u00e9 \\\"q\\\"\"}";

void expect_corpus(const Collected& c) {
  ASSERT_EQ(c.docs.size(), 3u);
  EXPECT_EQ(c.docs[0].external_id, "d1");
  EXPECT_EQ(c.docs[0].meta.title, "First");
  ASSERT_EQ(c.docs[0].blocks.size(), 1u);
  EXPECT_EQ(c.docs[0].blocks[0].kind, BlockKind::kParagraph);
  EXPECT_EQ(c.docs[0].blocks[0].text, "Alpha text.");
  EXPECT_EQ(c.docs[1].external_id, "d2");
  EXPECT_TRUE(c.docs[1].meta.title.empty());
  EXPECT_EQ(c.docs[1].blocks[0].text, "No title");
  EXPECT_EQ(c.docs[2].external_id, "d11");
  EXPECT_EQ(c.docs[2].blocks[0].text, "caf\xC3\xA9 \"q\"");

  ASSERT_EQ(c.errors.size(), 6u);
  std::vector<uint64_t> lines;
  for (const LineError& e : c.errors) lines.push_back(e.line);
  EXPECT_EQ(lines, (std::vector<uint64_t>{4, 5, 6, 7, 8, 9}));
  EXPECT_NE(c.errors[0].message.find("malformed JSON"), std::string::npos) << c.errors[0].message;
  EXPECT_EQ(c.errors[1].message, "not a JSON object");
  EXPECT_EQ(c.errors[2].message, "missing \"_id\"");
  EXPECT_EQ(c.errors[3].message, "\"_id\" is not a string");
  EXPECT_EQ(c.errors[4].message, "missing \"text\"");
  EXPECT_EQ(c.errors[5].message, "\"text\" is not a string");
}

TEST(BeirJsonl, InMemoryGoodAndBadLines) {
  Collected c;
  ASSERT_TRUE(parse_beir_jsonl(kCorpus, c.on_doc(), c.on_error()).is_ok());
  expect_corpus(c);
}

TEST(BeirJsonl, PlainFile) {
  TempDir dir;
  write_plain(dir.file("corpus.jsonl"), kCorpus);
  Collected c;
  Status s = read_beir_jsonl(dir.file("corpus.jsonl"), c.on_doc(), c.on_error());
  ASSERT_TRUE(s.is_ok()) << s.to_string();
  expect_corpus(c);
}

TEST(BeirJsonl, GzipFileDetectedByMagicNotName) {
  TempDir dir;
  write_gzip(dir.file("corpus.jsonl"), kCorpus);
  Collected c;
  Status s = read_beir_jsonl(dir.file("corpus.jsonl"), c.on_doc(), c.on_error());
  ASSERT_TRUE(s.is_ok()) << s.to_string();
  expect_corpus(c);
}

TEST(BeirJsonl, LinesSpanningChunkBoundaries) {
  // About 3 MiB uncompressed: lines cross the 1 MiB read chunks at arbitrary points.
  std::string data;
  const int kDocs = 20000;
  for (int i = 0; i < kDocs; ++i) {
    data += "{\"_id\":\"" + std::to_string(i) + "\",\"text\":\"" +
            std::string(100 + i % 97, static_cast<char>('a' + i % 26)) + "\"}\n";
  }
  TempDir dir;
  for (bool gz : {false, true}) {
    std::string path = dir.file(gz ? "big.jsonl.gz" : "big.jsonl");
    if (gz) {
      write_gzip(path, data);
    } else {
      write_plain(path, data);
    }
    Collected c;
    ASSERT_TRUE(read_beir_jsonl(path, c.on_doc(), c.on_error()).is_ok());
    EXPECT_TRUE(c.errors.empty());
    ASSERT_EQ(c.docs.size(), static_cast<size_t>(kDocs));
    for (int i = 0; i < kDocs; i += 997) {
      EXPECT_EQ(c.docs[i].external_id, std::to_string(i));
      EXPECT_EQ(c.docs[i].blocks[0].text.size(), static_cast<size_t>(100 + i % 97));
    }
  }
}

TEST(BeirJsonl, InvalidUtf8IsRepairedNotAnError) {
  Collected c;
  std::string line =
      "{\"_id\": \"u\xFF\", \"title\": \"t\xC3\", \"text\": \"bad \xE2\x82 byte\"}\n";
  ASSERT_TRUE(parse_beir_jsonl(line, c.on_doc(), c.on_error()).is_ok());
  ASSERT_TRUE(c.errors.empty()) << c.errors[0].message;
  ASSERT_EQ(c.docs.size(), 1u);
  EXPECT_EQ(c.docs[0].external_id, "u\xEF\xBF\xBD");
  EXPECT_EQ(c.docs[0].meta.title, "t\xEF\xBF\xBD");
  EXPECT_EQ(c.docs[0].blocks[0].text, "bad \xEF\xBF\xBD byte");
}

TEST(BeirJsonl, BomEmptyIdAndTrailingGarbage) {
  Collected c;
  std::string data =
      "\xEF\xBB\xBF{\"_id\":\"a\",\"text\":\"t\"}\n"
      "{\"_id\":\"\",\"text\":\"t\"}\n"
      "{\"_id\":\"b\",\"text\":\"t\"} trailing\n";
  ASSERT_TRUE(parse_beir_jsonl(data, c.on_doc(), c.on_error()).is_ok());
  ASSERT_EQ(c.docs.size(), 1u);
  EXPECT_EQ(c.docs[0].external_id, "a");
  ASSERT_EQ(c.errors.size(), 2u);
  EXPECT_EQ(c.errors[0].line, 2u);
  EXPECT_EQ(c.errors[0].message, "\"_id\" is empty");
  EXPECT_EQ(c.errors[1].line, 3u);
}

TEST(BeirJsonl, MissingFileIsNotFound) {
  Collected c;
  Status s = read_beir_jsonl("/nonexistent/dir/corpus.jsonl", c.on_doc(), c.on_error());
  EXPECT_EQ(s.code(), ErrorCode::kNotFound);
  EXPECT_NE(s.message().find("/nonexistent/dir/corpus.jsonl"), std::string::npos);
}

TEST(BeirJsonl, TruncatedGzipFailsAfterGoodLines) {
  std::string data;
  for (int i = 0; i < 5000; ++i) {
    data += "{\"_id\":\"" + std::to_string(i) + "\",\"text\":\"some text " +
            std::to_string(i * 31) + "\"}\n";
  }
  TempDir dir;
  std::string full = dir.file("full.gz");
  write_gzip(full, data);
  std::FILE* f = std::fopen(full.c_str(), "rb");
  ASSERT_NE(f, nullptr);
  std::string compressed(1 << 20, '\0');
  compressed.resize(std::fread(compressed.data(), 1, compressed.size(), f));
  std::fclose(f);
  ASSERT_GT(compressed.size(), 1000u);
  std::string cut = dir.file("cut.jsonl.gz");
  write_plain(cut, compressed.substr(0, compressed.size() / 2));

  Collected c;
  Status s = read_beir_jsonl(cut, c.on_doc(), c.on_error());
  EXPECT_EQ(s.code(), ErrorCode::kInvalidArgument) << s.to_string();
  EXPECT_NE(s.message().find("gzip"), std::string::npos) << s.message();
  EXPECT_GT(c.docs.size(), 0u);
  EXPECT_LT(c.docs.size(), 5000u);

  std::string corrupt = compressed;
  for (size_t i = 100; i < 200; ++i) corrupt[i] = static_cast<char>(corrupt[i] ^ 0x5A);
  write_plain(cut, corrupt);
  Collected c2;
  EXPECT_EQ(read_beir_jsonl(cut, c2.on_doc(), c2.on_error()).code(), ErrorCode::kInvalidArgument);
}

TEST(BeirJsonl, DeepNestingAndHugeNumbersAreLineErrors) {
  Collected c;
  std::string data = std::string(5000, '[') + "\n{\"_id\":\"x\",\"text\":\"t\",\"n\":1e999999}\n";
  ASSERT_TRUE(parse_beir_jsonl(data, c.on_doc(), c.on_error()).is_ok());
  EXPECT_TRUE(c.docs.empty());
  ASSERT_EQ(c.errors.size(), 2u);
  EXPECT_EQ(c.errors[0].line, 1u);
  EXPECT_EQ(c.errors[1].line, 2u);
}

}  // namespace
}  // namespace ragd
