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

template <size_t... Ws>
constexpr auto make_table(std::index_sequence<Ws...>) {
  using Fn = void (*)(const uint8_t*, size_t, uint32_t*);
  return std::array<Fn, sizeof...(Ws)>{&unpack_fixed<Ws>...};
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
  kTable[width > 32 ? 32 : width](in, n, out);
}

}  // namespace ragd::lex
