// The forward pass's inner loops are optimised even in Debug builds: unoptimised they make the
// sanitizer test run minutes instead of seconds, and their correctness is tested either way.
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC optimize("O3")
#endif

#include "embed/int8_gemm.h"

#include <immintrin.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <cstring>
#include <utility>

// GCC 12's AVX-512 intrinsics pass _mm512_undefined_*() as the merge source of unmasked
// operations, which -Wuninitialized reports at every use (a known false positive).
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic ignored "-Wuninitialized"
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#endif

namespace ragd {
namespace {

constexpr size_t kPanel = 16;  // output channels per packed panel (one zmm of int32)
constexpr int kMaxRows = 6;    // rows per micro-kernel call
constexpr int kMaxPanels = 4;  // panels per micro-kernel call: 6 x 4 accumulators

struct GemmArgs {
  const uint8_t* a;  // quantised activations, rows of `lda` bytes
  size_t lda;
  const int8_t* b;  // first panel
  size_t panel_bytes;
  size_t k4;  // groups of 4 inputs
  const float* a_scale;
  const float* w_scale;
  const int32_t* w_sums;
  float* y;
  size_t ldy;
  size_t cols;  // valid output columns from the first panel on (for the last, partial panel)
};

bool cpu_has_vnni() {
  __builtin_cpu_init();
  return __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512bw") &&
         __builtin_cpu_supports("avx512vnni");
}

// Not instrumented by ASan: it would move the accumulators to the stack and make the sanitizer
// run minutes long. int8_gemm() sizes every operand before calling it, and the odd-shape test
// compares its output with a reference.
template <int MR, int NR>
__attribute__((target("avx512f,avx512bw,avx512vnni"), no_sanitize("address"))) void vnni_kernel(
    const GemmArgs& g) {
  __m512i acc[MR][NR];
  for (int i = 0; i < MR; ++i) {
    for (int j = 0; j < NR; ++j) acc[i][j] = _mm512_setzero_si512();
  }
  const int8_t* b = g.b;
  const uint8_t* a = g.a;
  for (size_t k = 0; k < g.k4; ++k) {
    __m512i bv[NR];
    for (int j = 0; j < NR; ++j) {
      bv[j] = _mm512_loadu_si512(static_cast<const void*>(b + j * g.panel_bytes + k * 64));
    }
    for (int i = 0; i < MR; ++i) {
      int32_t word;
      std::memcpy(&word, a + i * g.lda + k * 4, 4);
      __m512i av = _mm512_set1_epi32(word);
      for (int j = 0; j < NR; ++j) acc[i][j] = _mm512_dpbusd_epi32(acc[i][j], av, bv[j]);
    }
  }
  for (int j = 0; j < NR; ++j) {
    __m512 ws = _mm512_loadu_ps(g.w_scale + j * kPanel);
    __m512i shift = _mm512_slli_epi32(
        _mm512_loadu_si512(static_cast<const void*>(g.w_sums + j * kPanel)), 7);
    size_t first = j * kPanel;
    size_t valid = g.cols > first ? std::min(kPanel, g.cols - first) : 0;
    __mmask16 mask = static_cast<__mmask16>((1u << valid) - 1u);
    for (int i = 0; i < MR; ++i) {
      __m512 v = _mm512_cvtepi32_ps(_mm512_sub_epi32(acc[i][j], shift));
      v = _mm512_mul_ps(v, _mm512_mul_ps(ws, _mm512_set1_ps(g.a_scale[i])));
      _mm512_mask_storeu_ps(g.y + i * g.ldy + first, mask, v);
    }
  }
}

using KernelFn = void (*)(const GemmArgs&);

template <int MR, int... NRs>
constexpr auto kernel_row(std::integer_sequence<int, NRs...>) {
  return std::array<KernelFn, sizeof...(NRs)>{&vnni_kernel<MR, NRs + 1>...};
}

template <int... MRs>
constexpr auto kernel_table(std::integer_sequence<int, MRs...>) {
  return std::array<std::array<KernelFn, kMaxPanels>, sizeof...(MRs)>{
      kernel_row<MRs + 1>(std::make_integer_sequence<int, kMaxPanels>())...};
}

constexpr auto kKernels = kernel_table(std::make_integer_sequence<int, kMaxRows>());

__attribute__((target("avx512f,avx512bw"))) void quantize_rows_avx512(
    const float* x, size_t rows, size_t in, size_t in_padded, uint8_t* out, float* scales) {
  for (size_t r = 0; r < rows; ++r) {
    const float* row = x + r * in;
    uint8_t* q = out + r * in_padded;
    __m512 maxv = _mm512_setzero_ps();
    size_t i = 0;
    for (; i + 16 <= in; i += 16) maxv = _mm512_max_ps(maxv, _mm512_abs_ps(_mm512_loadu_ps(row + i)));
    float max = _mm512_reduce_max_ps(maxv);
    for (; i < in; ++i) max = std::max(max, std::fabs(row[i]));
    float scale = max > 0.0f ? max / 127.0f : 1.0f;
    scales[r] = scale;
    __m512 inv = _mm512_set1_ps(max > 0.0f ? 127.0f / max : 0.0f);
    __m512i bias = _mm512_set1_epi32(128);
    for (i = 0; i + 16 <= in; i += 16) {
      __m512i v = _mm512_cvtps_epi32(_mm512_mul_ps(_mm512_loadu_ps(row + i), inv));
      v = _mm512_add_epi32(_mm512_max_epi32(_mm512_min_epi32(v, _mm512_set1_epi32(127)),
                                            _mm512_set1_epi32(-127)),
                           bias);
      _mm_storeu_si128(reinterpret_cast<__m128i*>(q + i), _mm512_cvtepi32_epi8(v));
    }
    float inv_s = max > 0.0f ? 127.0f / max : 0.0f;
    for (; i < in; ++i) {
      float v = std::nearbyint(row[i] * inv_s);
      q[i] = static_cast<uint8_t>(std::clamp(v, -127.0f, 127.0f) + 128.0f);
    }
    for (; i < in_padded; ++i) q[i] = 128;
  }
}

void quantize_rows_portable(const float* x, size_t rows, size_t in, size_t in_padded,
                            uint8_t* out, float* scales) {
  for (size_t r = 0; r < rows; ++r) {
    const float* row = x + r * in;
    uint8_t* q = out + r * in_padded;
    float max = 0.0f;
    for (size_t i = 0; i < in; ++i) max = std::max(max, std::fabs(row[i]));
    scales[r] = max > 0.0f ? max / 127.0f : 1.0f;
    float inv = max > 0.0f ? 127.0f / max : 0.0f;
    size_t i = 0;
    for (; i < in; ++i) {
      float v = std::nearbyint(row[i] * inv);
      q[i] = static_cast<uint8_t>(std::clamp(v, -127.0f, 127.0f) + 128.0f);
    }
    for (; i < in_padded; ++i) q[i] = 128;
  }
}

void gemm_portable(const uint8_t* a, size_t rows, const Int8Matrix& w, const float* a_scale,
                   float* y) {
  size_t k4 = w.in_padded / 4;
  for (size_t r = 0; r < rows; ++r) {
    const uint8_t* arow = a + r * w.in_padded;
    for (size_t o = 0; o < w.out; ++o) {
      const int8_t* panel = w.packed.data() + (o / kPanel) * w.in_padded * kPanel;
      size_t lane = o % kPanel;
      int32_t acc = 0;
      for (size_t k = 0; k < k4; ++k) {
        for (size_t t = 0; t < 4; ++t) {
          acc += static_cast<int32_t>(arow[k * 4 + t]) * panel[(k * kPanel + lane) * 4 + t];
        }
      }
      acc -= 128 * w.row_sums[o];
      y[r * w.out + o] = static_cast<float>(acc) * (w.scale[o] * a_scale[r]);
    }
  }
}

}  // namespace

bool int8_gemm_uses_vnni() {
  static const bool vnni = cpu_has_vnni();
  return vnni;
}

Int8Matrix quantize_weights(const float* w, size_t out, size_t in) {
  Int8Matrix m;
  m.out = out;
  m.in = in;
  m.out_padded = (out + kPanel - 1) / kPanel * kPanel;
  m.in_padded = (in + 3) / 4 * 4;
  m.packed.assign(m.out_padded * m.in_padded, 0);
  m.scale.assign(m.out_padded, 0.0f);
  m.row_sums.assign(m.out_padded, 0);
  for (size_t o = 0; o < out; ++o) {
    const float* row = w + o * in;
    float max = 0.0f;
    for (size_t i = 0; i < in; ++i) max = std::max(max, std::fabs(row[i]));
    float scale = max > 0.0f ? max / 127.0f : 1.0f;
    m.scale[o] = scale;
    int8_t* panel = m.packed.data() + (o / kPanel) * m.in_padded * kPanel;
    size_t lane = o % kPanel;
    int32_t sum = 0;
    for (size_t i = 0; i < in; ++i) {
      float v = std::clamp(std::nearbyint(row[i] / scale), -127.0f, 127.0f);
      int8_t q = static_cast<int8_t>(v);
      panel[((i / 4) * kPanel + lane) * 4 + i % 4] = q;
      sum += q;
    }
    m.row_sums[o] = sum;
  }
  return m;
}

void int8_gemm(const float* x, size_t rows, const Int8Matrix& w, float* y,
               Int8Activations& scratch) {
  if (rows == 0 || w.out == 0) return;
  if (scratch.data.size() < rows * w.in_padded) scratch.data.resize(rows * w.in_padded);
  if (scratch.scale.size() < rows) scratch.scale.resize(rows);
  uint8_t* a = scratch.data.data();
  float* a_scale = scratch.scale.data();
  if (!int8_gemm_uses_vnni()) {
    quantize_rows_portable(x, rows, w.in, w.in_padded, a, a_scale);
    gemm_portable(a, rows, w, a_scale, y);
    return;
  }
  quantize_rows_avx512(x, rows, w.in, w.in_padded, a, a_scale);
  size_t panels = w.out_padded / kPanel;
  size_t panel_bytes = w.in_padded * kPanel;
  GemmArgs g;
  g.lda = w.in_padded;
  g.panel_bytes = panel_bytes;
  g.k4 = w.in_padded / 4;
  g.ldy = w.out;
  for (size_t p = 0; p < panels; p += kMaxPanels) {
    size_t np = std::min<size_t>(kMaxPanels, panels - p);
    g.b = w.packed.data() + p * panel_bytes;
    g.w_scale = w.scale.data() + p * kPanel;
    g.w_sums = w.row_sums.data() + p * kPanel;
    g.cols = w.out - p * kPanel;
    for (size_t r = 0; r < rows; r += kMaxRows) {
      size_t nr = std::min<size_t>(kMaxRows, rows - r);
      g.a = a + r * w.in_padded;
      g.a_scale = a_scale + r;
      g.y = y + r * w.out + p * kPanel;
      kKernels[nr - 1][np - 1](g);
    }
  }
}

}  // namespace ragd
