// The forward pass's element-wise kernels, pooling and the int8 GEMM against plain references.
#include <gtest/gtest.h>

#include <cmath>
#include <random>
#include <vector>

#include "embed/int8_gemm.h"
#include "embed/pooling.h"
#include "embed/vector_kernels.h"

namespace ragd {
namespace {

TEST(EncoderKernels, ErfAndExpMatchLibm) {
  double worst_erf = 0, worst_exp = 0;
  for (int i = -80000; i <= 80000; ++i) {
    float x = static_cast<float>(i) * 1e-4f;
    worst_erf = std::max(worst_erf, std::fabs(kernels::erf_approx(x) - std::erf(double(x))));
  }
  for (int i = -8700; i <= 8800; ++i) {
    float x = static_cast<float>(i) * 1e-2f;
    double ref = std::exp(double(x));
    worst_exp = std::max(worst_exp, std::fabs(kernels::exp_approx(x) - ref) / ref);
  }
  EXPECT_LT(worst_erf, 5e-7);
  EXPECT_LT(worst_exp, 3e-7);
  EXPECT_EQ(kernels::erf_approx(100.0f), 1.0f);
  EXPECT_EQ(kernels::erf_approx(-100.0f), -1.0f);
  EXPECT_EQ(kernels::exp_approx(-1000.0f) < 1e-37f, true);
}

TEST(EncoderKernels, GeluIsTheExactErfForm) {
  std::vector<float> m = {-3.0f, -1.0f, 0.0f, 0.5f, 2.0f, 6.0f};
  std::vector<float> bias(3, 0.25f);
  std::vector<float> expect;
  for (float v : m) {
    double x = v + 0.25;
    expect.push_back(static_cast<float>(0.5 * x * (1.0 + std::erf(x / std::sqrt(2.0)))));
  }
  kernels::add_bias_gelu(m.data(), 2, 3, bias.data());
  for (size_t i = 0; i < m.size(); ++i) EXPECT_NEAR(m[i], expect[i], 3e-6) << i;
}

TEST(EncoderKernels, LayerNormWithResidualAndBias) {
  std::vector<float> x = {1, 2, 3, 4, -1, 0, 1, 2};
  std::vector<float> y = {1, 1, 1, 1, 0, 0, 0, 0};
  std::vector<float> bias = {0, 0, 0, 4};
  std::vector<float> gamma = {1, 2, 1, 1}, beta = {0, 0, 1, 0};
  kernels::add_residual_layer_norm(x.data(), y.data(), 2, 4, bias.data(), gamma.data(),
                                   beta.data(), 1e-12f);
  // Row 0 becomes {2,3,4,9}: mean 4.5, variance 7.25.
  const float sd = std::sqrt(7.25f);
  EXPECT_NEAR(x[0], -2.5f / sd, 1e-5);
  EXPECT_NEAR(x[1], 2 * -1.5f / sd, 1e-5);
  EXPECT_NEAR(x[2], -0.5f / sd + 1, 1e-5);
  EXPECT_NEAR(x[3], 4.5f / sd, 1e-5);
  // Row 1 becomes {-1,0,1,6}: mean 1.5.
  EXPECT_NEAR(x[4] + x[5] / 2 + (x[6] - 1) + x[7], 0.0f, 1e-5);
}

TEST(EncoderKernels, SoftmaxRowsSumToOneAndAreStable) {
  std::vector<float> m = {1000.0f, 1000.0f, 0.0f, 0.0f, 1.0f, 2.0f, 3.0f, 99.0f};
  kernels::softmax_rows(m.data(), 2, 3, 4);
  EXPECT_NEAR(m[0], 0.5f, 1e-6);
  EXPECT_NEAR(m[1], 0.5f, 1e-6);
  EXPECT_NEAR(m[2], 0.0f, 1e-6);
  EXPECT_EQ(m[3], 0.0f);  // beyond cols: untouched
  double e = std::exp(1.0) + std::exp(2.0) + std::exp(3.0);
  EXPECT_NEAR(m[4], std::exp(1.0) / e, 1e-6);
  EXPECT_NEAR(m[6], std::exp(3.0) / e, 1e-6);
  EXPECT_EQ(m[7], 99.0f);
}

TEST(EncoderPooling, MeanAndClsWithNormalisation) {
  // Two sequences of 2 and 1 tokens, dimension 2.
  std::vector<float> hidden = {1, 2, 3, 4, -5, 0};
  std::vector<size_t> offsets = {0, 2, 3};
  std::vector<float> out(4);
  pool_sequences(hidden.data(), offsets, 2, PoolingMode::kMean, false, out.data());
  EXPECT_EQ(out, (std::vector<float>{2, 3, -5, 0}));
  pool_sequences(hidden.data(), offsets, 2, PoolingMode::kCls, false, out.data());
  EXPECT_EQ(out, (std::vector<float>{1, 2, -5, 0}));
  pool_sequences(hidden.data(), offsets, 2, PoolingMode::kMean, true, out.data());
  EXPECT_NEAR(out[0], 2 / std::sqrt(13.0f), 1e-6);
  EXPECT_NEAR(out[1], 3 / std::sqrt(13.0f), 1e-6);
  EXPECT_NEAR(out[2], -1.0f, 1e-6);
  EXPECT_NEAR(out[3], 0.0f, 1e-6);
  // A zero vector stays zero instead of becoming NaN.
  std::vector<float> zeros(2, 0.0f), z(2, 1.0f);
  std::vector<size_t> one = {0, 1};
  pool_sequences(zeros.data(), one, 2, PoolingMode::kCls, true, z.data());
  EXPECT_EQ(z, (std::vector<float>{0, 0}));
}

TEST(EncoderPooling, ParsesSentenceTransformersConfig) {
  EXPECT_EQ(*parse_pooling_config(R"({"pooling_mode_mean_tokens": true})"), PoolingMode::kMean);
  EXPECT_EQ(*parse_pooling_config(
                R"({"pooling_mode_cls_token": true, "pooling_mode_mean_tokens": false})"),
            PoolingMode::kCls);
  EXPECT_EQ(parse_pooling_config(R"({"pooling_mode_max_tokens": true})").status().code(),
            ErrorCode::kUnsupported);
  EXPECT_EQ(parse_pooling_config(
                R"({"pooling_mode_cls_token": true, "pooling_mode_mean_tokens": true})")
                .status()
                .code(),
            ErrorCode::kUnsupported);
  EXPECT_EQ(parse_pooling_config("[").status().code(), ErrorCode::kInvalidArgument);
}

// The int8 GEMM equals the float product of the dequantised operands it works with, up to
// float rounding, for shapes that exercise every edge (partial panels and row blocks).
TEST(EncoderInt8, GemmMatchesFloatReferenceOnOddShapes) {
  std::mt19937 rng(7);
  std::normal_distribution<float> dist(0.0f, 1.0f);
  for (auto [rows, out, in] : {std::tuple<size_t, size_t, size_t>{1, 16, 4}, {7, 37, 13},
                               {13, 130, 96}, {6, 64, 384}, {25, 200, 70}}) {
    std::vector<float> x(rows * in), w(out * in);
    for (float& v : x) v = dist(rng);
    for (float& v : w) v = dist(rng) * 0.05f;
    Int8Matrix q = quantize_weights(w.data(), out, in);
    Int8Activations scratch;
    std::vector<float> y(rows * out, -1.0f);
    int8_gemm(x.data(), rows, q, y.data(), scratch);
    double max_err = 0, max_ref = 0;
    for (size_t r = 0; r < rows; ++r) {
      for (size_t o = 0; o < out; ++o) {
        double ref = 0;
        for (size_t i = 0; i < in; ++i) ref += double(x[r * in + i]) * w[o * in + i];
        max_err = std::max(max_err, std::fabs(ref - y[r * out + o]));
        max_ref = std::max(max_ref, std::fabs(ref));
      }
    }
    // Two 8-bit roundings per product: error well under 2% of the largest output.
    EXPECT_LT(max_err, 0.02 * max_ref + 1e-6) << rows << "x" << out << "x" << in;
  }
}

}  // namespace
}  // namespace ragd
