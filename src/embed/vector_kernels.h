// Element-wise kernels of the encoder's forward pass: bias, exact-erf GELU, residual +
// LayerNorm, softmax, pooling helpers. Each is compiled for AVX-512, AVX2 and baseline x86-64
// and picked at run time (GCC target_clones), because the build does not use -march=native.
//
// exp and erf are polynomial approximations (exp: relative error < 3e-7; erf: absolute error
// < 5e-7, both checked against libm in tests), not the libm calls, so the loops vectorise.
//
// Thread-safety: pure functions over caller-owned buffers.
#pragma once

#include <cstddef>

namespace ragd::kernels {

float erf_approx(float x);
float exp_approx(float x);

// rows x cols matrix (row stride cols): m[r][c] = (m[r][c] + bias[c]) * scale[c].
void add_bias_scale(float* m, size_t rows, size_t cols, const float* bias, const float* scale);

// m[r][c] = gelu(m[r][c] + bias[c]), gelu(x) = x/2 * (1 + erf(x/sqrt 2)) (HF "gelu").
void add_bias_gelu(float* m, size_t rows, size_t cols, const float* bias);

// x[r] = LayerNorm(x[r] + y[r] + bias) with gamma, beta, eps, each row of length cols. `y` may
// be null (then only x + bias is normalised; bias may be null too).
void add_residual_layer_norm(float* x, const float* y, size_t rows, size_t cols,
                             const float* bias, const float* gamma, const float* beta,
                             float eps);

// Row-wise softmax in place over `cols` entries of each of `rows` rows (row stride `stride`).
void softmax_rows(float* m, size_t rows, size_t cols, size_t stride);

// out[c] += in[r][c] for every row; out has cols entries.
void sum_rows(const float* in, size_t rows, size_t cols, float* out);

// Scales v to unit L2 norm (left as is when its norm is 0).
void l2_normalize(float* v, size_t n);

}  // namespace ragd::kernels
