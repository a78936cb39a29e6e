// dot_product: agrees with a double-precision reference for every length around the lane
// width (the tail loop) and for the dimensions the encoders use.
#include "index/dot_product.h"

#include <gtest/gtest.h>

#include <cmath>
#include <random>
#include <vector>

namespace ragd {
namespace {

TEST(DotProduct, MatchesADoubleReferenceForEveryLength) {
  std::mt19937 rng(7);
  std::uniform_real_distribution<float> value(-1.0f, 1.0f);
  for (size_t d : {0, 1, 7, 15, 16, 17, 31, 33, 100, 384, 768, 1000}) {
    std::vector<float> a(d), b(d);
    for (size_t i = 0; i < d; ++i) {
      a[i] = value(rng);
      b[i] = value(rng);
    }
    double reference = 0;
    for (size_t i = 0; i < d; ++i) reference += static_cast<double>(a[i]) * b[i];
    EXPECT_NEAR(dot_product(a.data(), b.data(), d), reference, 1e-4 * (1 + std::sqrt(d))) << d;
  }
}

TEST(DotProduct, UnitVectorWithItselfIsOne) {
  std::vector<float> v(384, 1.0f / std::sqrt(384.0f));
  EXPECT_NEAR(dot_product(v.data(), v.data(), v.size()), 1.0f, 1e-5);
}

}  // namespace
}  // namespace ragd
