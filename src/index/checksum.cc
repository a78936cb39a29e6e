#include "index/checksum.h"

#include <cstring>

namespace ragd::lex {
namespace {

constexpr uint64_t kP1 = 0x9E3779B185EBCA87ULL;
constexpr uint64_t kP2 = 0xC2B2AE3D27D4EB4FULL;

inline uint64_t rotl(uint64_t x, int r) { return (x << r) | (x >> (64 - r)); }
inline uint64_t round(uint64_t acc, uint64_t w) { return rotl(acc + w * kP2, 31) * kP1; }
inline uint64_t load64(const char* p) {
  uint64_t v;
  std::memcpy(&v, p, 8);
  return v;
}

}  // namespace

// Four independent lanes (xxHash64-like) keep the multiply chains parallel, so checking a
// large segment costs little next to reading it.
uint64_t checksum64(std::string_view data) {
  const char* p = data.data();
  size_t n = data.size();
  uint64_t a = kP1 + kP2, b = kP2, c = 0, d = 0 - kP1;
  while (n >= 32) {
    a = round(a, load64(p));
    b = round(b, load64(p + 8));
    c = round(c, load64(p + 16));
    d = round(d, load64(p + 24));
    p += 32;
    n -= 32;
  }
  uint64_t h = rotl(a, 1) + rotl(b, 7) + rotl(c, 12) + rotl(d, 18) + data.size();
  while (n >= 8) {
    h = rotl(h ^ round(0, load64(p)), 27) * kP1 + kP2;
    p += 8;
    n -= 8;
  }
  while (n > 0) {
    h = rotl(h ^ (static_cast<uint8_t>(*p) * kP1), 11) * kP2;
    ++p;
    --n;
  }
  h ^= h >> 33;
  h *= kP2;
  h ^= h >> 29;
  return h;
}

}  // namespace ragd::lex
