// The forward pass's inner loops are optimised even in Debug builds: unoptimised they make the
// sanitizer test run minutes instead of seconds, and their correctness is tested either way.
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC optimize("O3")
#endif

#include "embed/vector_kernels.h"

#include <cmath>
#include <cstdint>
#include <cstring>

// Per-CPU clones (GCC); clang (the fuzz build) compiles the portable version only.
#if defined(__GNUC__) && !defined(__clang__)
#define RAGD_CLONES __attribute__((target_clones("arch=x86-64-v4", "arch=x86-64-v3", "default")))
#else
#define RAGD_CLONES
#endif

namespace ragd::kernels {
namespace {

// Cephes-style expf: 2^n * e^r with |r| <= ln2/2; the float-to-int tricks keep it branch-free
// so that loops around it vectorise.
[[gnu::always_inline]] inline float exp_inline(float x) {
  x = x < -87.0f ? -87.0f : (x > 88.0f ? 88.0f : x);
  constexpr float kShift = 12582912.0f;  // 1.5 * 2^23: adding it rounds to an integer
  float t = x * 1.44269504088896341f + kShift;
  float n = t - kShift;
  float r = x - n * 0.693359375f;
  r = r - n * -2.12194440e-4f;
  float p = 1.9875691500e-4f;
  p = p * r + 1.3981999507e-3f;
  p = p * r + 8.3334519073e-3f;
  p = p * r + 4.1665795894e-2f;
  p = p * r + 1.6666665459e-1f;
  p = p * r + 5.0000001201e-1f;
  float y = p * r * r + r + 1.0f;
  int32_t e = (static_cast<int32_t>(n) + 127) << 23;
  float scale;
  std::memcpy(&scale, &e, 4);
  return y * scale;
}

// Rational approximation of erf on [-4, 4] (Eigen's coefficients); erf(+-4) is 1 in float.
[[gnu::always_inline]] inline float erf_inline(float x) {
  x = x < -4.0f ? -4.0f : (x > 4.0f ? 4.0f : x);
  float x2 = x * x;
  float p = -2.72614225801306e-10f;
  p = p * x2 + 2.77068142495902e-08f;
  p = p * x2 + -2.10102402082508e-06f;
  p = p * x2 + -5.69250639462346e-05f;
  p = p * x2 + -7.34990630326855e-04f;
  p = p * x2 + -2.95459980854025e-03f;
  p = p * x2 + -1.60960333262415e-02f;
  p = p * x;
  float q = -1.45660718464996e-05f;
  q = q * x2 + -2.13374055278905e-04f;
  q = q * x2 + -1.68282697438203e-03f;
  q = q * x2 + -7.37332916720468e-03f;
  q = q * x2 + -1.42647390514189e-02f;
  return p / q;
}

// Sums and maxima in 16 independent lanes: the compiler may not reorder a float reduction by
// itself, but it vectorises these.
[[gnu::always_inline]] inline float lane_sum(const float* __restrict x, size_t n) {
  float acc[16] = {};
  size_t i = 0;
  for (; i + 16 <= n; i += 16) {
    for (size_t j = 0; j < 16; ++j) acc[j] += x[i + j];
  }
  float s = 0.0f;
  for (; i < n; ++i) s += x[i];
  for (size_t j = 0; j < 16; ++j) s += acc[j];
  return s;
}

[[gnu::always_inline]] inline float lane_centered_squares(const float* __restrict x, size_t n, float mean) {
  float acc[16] = {};
  size_t i = 0;
  for (; i + 16 <= n; i += 16) {
    for (size_t j = 0; j < 16; ++j) {
      float d = x[i + j] - mean;
      acc[j] += d * d;
    }
  }
  float s = 0.0f;
  for (; i < n; ++i) s += (x[i] - mean) * (x[i] - mean);
  for (size_t j = 0; j < 16; ++j) s += acc[j];
  return s;
}

[[gnu::always_inline]] inline float lane_max(const float* __restrict x, size_t n) {
  float acc[16];
  for (size_t j = 0; j < 16; ++j) acc[j] = x[0];
  size_t i = 0;
  for (; i + 16 <= n; i += 16) {
    for (size_t j = 0; j < 16; ++j) acc[j] = x[i + j] > acc[j] ? x[i + j] : acc[j];
  }
  float m = x[0];
  for (; i < n; ++i) m = x[i] > m ? x[i] : m;
  for (size_t j = 0; j < 16; ++j) m = acc[j] > m ? acc[j] : m;
  return m;
}

}  // namespace

float erf_approx(float x) { return erf_inline(x); }
float exp_approx(float x) { return exp_inline(x); }

RAGD_CLONES
void add_bias_scale(float* m, size_t rows, size_t cols, const float* bias, const float* scale) {
  for (size_t r = 0; r < rows; ++r) {
    float* __restrict row = m + r * cols;
    for (size_t c = 0; c < cols; ++c) row[c] = (row[c] + bias[c]) * scale[c];
  }
}

RAGD_CLONES
void add_bias_gelu(float* m, size_t rows, size_t cols, const float* bias) {
  for (size_t r = 0; r < rows; ++r) {
    float* __restrict row = m + r * cols;
    for (size_t c = 0; c < cols; ++c) {
      float v = row[c] + bias[c];
      row[c] = 0.5f * v * (1.0f + erf_inline(v * 0.70710678118654752f));
    }
  }
}

RAGD_CLONES
void add_residual_layer_norm(float* x, const float* y, size_t rows, size_t cols,
                             const float* bias, const float* gamma, const float* beta,
                             float eps) {
  for (size_t r = 0; r < rows; ++r) {
    float* __restrict row = x + r * cols;
    if (y != nullptr) {
      const float* __restrict add = y + r * cols;
      for (size_t c = 0; c < cols; ++c) row[c] += add[c];
    }
    if (bias != nullptr) {
      for (size_t c = 0; c < cols; ++c) row[c] += bias[c];
    }
    float mean = lane_sum(row, cols) / static_cast<float>(cols);
    float var = lane_centered_squares(row, cols, mean);
    float inv = 1.0f / std::sqrt(var / static_cast<float>(cols) + eps);
    for (size_t c = 0; c < cols; ++c) row[c] = (row[c] - mean) * inv * gamma[c] + beta[c];
  }
}

RAGD_CLONES
void softmax_rows(float* m, size_t rows, size_t cols, size_t stride) {
  if (cols == 0) return;
  for (size_t r = 0; r < rows; ++r) {
    float* __restrict row = m + r * stride;
    float max = lane_max(row, cols);
    for (size_t c = 0; c < cols; ++c) row[c] = exp_inline(row[c] - max);
    float inv = 1.0f / lane_sum(row, cols);
    for (size_t c = 0; c < cols; ++c) row[c] *= inv;
  }
}

RAGD_CLONES
void sum_rows(const float* in, size_t rows, size_t cols, float* out) {
  for (size_t r = 0; r < rows; ++r) {
    const float* __restrict row = in + r * cols;
    for (size_t c = 0; c < cols; ++c) out[c] += row[c];
  }
}

void l2_normalize(float* v, size_t n) {
  double sum = 0.0;
  for (size_t i = 0; i < n; ++i) sum += static_cast<double>(v[i]) * v[i];
  if (sum <= 0.0) return;
  float inv = static_cast<float>(1.0 / std::sqrt(sum));
  for (size_t i = 0; i < n; ++i) v[i] *= inv;
}

}  // namespace ragd::kernels
