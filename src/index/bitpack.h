// Bit packing of small unsigned integers at a fixed width (0..32 bits), the inner codec of
// posting blocks. Pure functions, thread-safe.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

namespace ragd::lex {

// Bits needed to represent `v` (0 for 0).
inline unsigned bit_width_of(uint32_t v) { return v == 0 ? 0 : 32 - __builtin_clz(v); }

// Bytes that `n` values of `width` bits occupy.
inline size_t packed_bytes(size_t n, unsigned width) { return (n * width + 7) / 8; }

// Appends the `n` values of `values`, `width` bits each (each value must fit), to `out`.
void bitpack_append(const uint32_t* values, size_t n, unsigned width, std::string* out);

// Reads `n` values of `width` (<= 32) bits from `in`. May read up to 8 bytes beyond
// packed_bytes(n, width): the caller guarantees that padding is readable.
void bitunpack(const uint8_t* in, size_t n, unsigned width, uint32_t* out);

}  // namespace ragd::lex
