// Int8 weights for the encoder's linear layers and the GEMM that uses them.
//
// Weights are quantised symmetrically per output channel (w ~ scale[o] * q[o][i], q in
// [-127, 127]) once at load; activations are quantised symmetrically per row on the fly and
// stored shifted to unsigned (q + 128) so that the AVX-512 VNNI instruction vpdpbusd (u8 x s8
// dot products of 4) does the multiply-adds; the shift is undone with the weights' row sums.
// Without VNNI a portable loop computes the same integers (slowly).
//
// Thread-safety: Int8Matrix is immutable after quantize_weights(); int8_gemm() may run
// concurrently with distinct Int8Activations scratch.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

namespace ragd {

struct Int8Matrix {
  size_t out = 0;     // output channels (rows of W)
  size_t in = 0;      // input features (columns of W)
  size_t out_padded = 0;  // multiple of 16
  size_t in_padded = 0;   // multiple of 4
  // Panels of 16 output channels; inside one, groups of 4 inputs: [panel][in/4][16][4].
  std::vector<int8_t> packed;
  std::vector<float> scale;       // per output channel
  std::vector<int32_t> row_sums;  // sum over inputs of q[o][i], per output channel
  bool empty() const { return packed.empty(); }
  size_t bytes() const { return packed.size() + scale.size() * 4 + row_sums.size() * 4; }
};

// Quantises w (out x in, row-major).
Int8Matrix quantize_weights(const float* w, size_t out, size_t in);

// Reusable per-caller buffers for int8_gemm.
struct Int8Activations {
  std::vector<uint8_t> data;
  std::vector<float> scale;
};

// y (rows x w.out, row-major) = x (rows x w.in, row-major) times W transposed.
void int8_gemm(const float* x, size_t rows, const Int8Matrix& w, float* y,
               Int8Activations& scratch);

// Whether int8_gemm uses the VNNI kernel on this CPU.
bool int8_gemm_uses_vnni();

}  // namespace ragd
