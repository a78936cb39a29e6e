// Helpers shared by the chat unit tests.
#pragma once

#include <cstdint>
#include <fstream>
#include <sstream>
#include <string>
#include <string_view>

#include "common/dates.h"

namespace ragd::testing_support {

// Days since epoch of an ISO date the test knows to be valid.
inline int32_t day(std::string_view iso) {
  return parse_iso_date(iso).value();
}

inline std::string source_path(std::string_view relative) {
  return std::string(RAGD_SOURCE_DIR) + "/" + std::string(relative);
}

inline std::string read_source_file(std::string_view relative) {
  std::ifstream in(source_path(relative), std::ios::binary);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

// A deterministic byte soup: invalid UTF-8, quotes, capitals, digits and dashes.
inline std::string hostile_bytes(size_t size, uint32_t seed) {
  static constexpr std::string_view kPieces[] = {
      "\xff", "\xc3", "\xe2\x80\x9c", "\"",     "'",
      "Ab",   " in ", "2023",         "-",      "?",
      "\n",   "The ", "since ",       "March ", "\xF0\x9F\x8D\xB7",
      "it ",  "{{",   "}}",           "[1]",    ". ",
      "\0"};
  std::string out;
  uint32_t x = seed * 2654435761u + 1;
  while (out.size() < size) {
    x ^= x << 13;
    x ^= x >> 17;
    x ^= x << 5;
    const std::string_view piece = kPieces[x % (sizeof kPieces / sizeof kPieces[0])];
    out.append(piece.empty() ? std::string_view("\0", 1) : piece);
  }
  return out;
}

}  // namespace ragd::testing_support
