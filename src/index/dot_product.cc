#include "index/dot_product.h"

// Per-CPU clones (GCC); clang (the fuzz build) compiles the portable version only.
#if defined(__GNUC__) && !defined(__clang__)
#define RAGD_CLONES __attribute__((target_clones("arch=x86-64-v4", "arch=x86-64-v3", "default")))
#else
#define RAGD_CLONES
#endif

namespace ragd {

RAGD_CLONES float dot_product(const float* a, const float* b, size_t d) {
  // Sixteen independent sums vectorise without reassociating one sum (no -ffast-math).
  constexpr size_t kLanes = 16;
  float lanes[kLanes] = {};
  size_t i = 0;
  for (; i + kLanes <= d; i += kLanes) {
    for (size_t j = 0; j < kLanes; ++j) lanes[j] += a[i + j] * b[i + j];
  }
  float sum = 0;
  for (; i < d; ++i) sum += a[i] * b[i];
  for (size_t j = 0; j < kLanes; ++j) sum += lanes[j];
  return sum;
}

}  // namespace ragd
