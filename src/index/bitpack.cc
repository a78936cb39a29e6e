#include "index/bitpack.h"

#include <array>
#include <cstring>
#include <utility>

namespace ragd::lex {
namespace {

template <unsigned W>
void unpack_fixed(const uint8_t* in, size_t n, uint32_t* out) {
  if constexpr (W == 0) {
    std::memset(out, 0, n * sizeof(uint32_t));
  } else {
    constexpr uint64_t kMask = (W == 32) ? 0xffffffffULL : ((1ULL << W) - 1);
    for (size_t i = 0; i < n; ++i) {
      size_t bit = i * W;
      uint64_t word;
      std::memcpy(&word, in + (bit >> 3), 8);
      out[i] = static_cast<uint32_t>((word >> (bit & 7)) & kMask);
    }
  }
}

// A full block of 128 values: 16 groups of 8 values, each group exactly W bytes, so every
// shift and offset inside a group is a compile-time constant and the loop unrolls.
template <unsigned W>
void unpack_128(const uint8_t* in, size_t /*n*/, uint32_t* out) {
  if constexpr (W == 0) {
    std::memset(out, 0, 128 * sizeof(uint32_t));
  } else {
    constexpr uint64_t kMask = (W == 32) ? 0xffffffffULL : ((1ULL << W) - 1);
    for (size_t g = 0; g < 16; ++g, in += W, out += 8) {
#pragma GCC unroll 8
      for (unsigned j = 0; j < 8; ++j) {
        uint64_t word;
        std::memcpy(&word, in + ((j * W) >> 3), 8);
        out[j] = static_cast<uint32_t>((word >> ((j * W) & 7)) & kMask);
      }
    }
  }
}

using UnpackFn = void (*)(const uint8_t*, size_t, uint32_t*);

template <size_t... Ws>
constexpr auto make_table(std::index_sequence<Ws...>) {
  return std::array<UnpackFn, sizeof...(Ws)>{&unpack_fixed<Ws>...};
}

template <size_t... Ws>
constexpr auto make_block_table(std::index_sequence<Ws...>) {
  return std::array<UnpackFn, sizeof...(Ws)>{&unpack_128<Ws>...};
}

}  // namespace

void bitpack_append(const uint32_t* values, size_t n, unsigned width, std::string* out) {
  if (width == 0 || n == 0) return;
  uint64_t acc = 0;
  unsigned bits = 0;
  for (size_t i = 0; i < n; ++i) {
    acc |= static_cast<uint64_t>(values[i]) << bits;
    bits += width;
    while (bits >= 8) {
      out->push_back(static_cast<char>(acc & 0xff));
      acc >>= 8;
      bits -= 8;
    }
  }
  if (bits > 0) out->push_back(static_cast<char>(acc & 0xff));
}

void bitunpack(const uint8_t* in, size_t n, unsigned width, uint32_t* out) {
  static constexpr auto kTable = make_table(std::make_index_sequence<33>());
  static constexpr auto kBlockTable = make_block_table(std::make_index_sequence<33>());
  const unsigned w = width > 32 ? 32 : width;
  (n == 128 ? kBlockTable : kTable)[w](in, n, out);
}

}  // namespace ragd::lex
