// BertModel: the transformer of a BERT-family encoder (embeddings, N post-LayerNorm encoder
// layers with exact-erf GELU), loaded from config.json and a safetensors file, evaluated on
// packed batches: the token rows of several sequences are concatenated without padding, the
// linear layers run as one GEMM over all rows (cblas_sgemm, or the int8 kernel), and only
// attention works per sequence. Padding is therefore never computed.
//
// Thread-safety: immutable after load(); forward() may run concurrently, each caller with its
// own BertScratch.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "common/status.h"
#include "embed/int8_gemm.h"
#include "embed/safetensors.h"

namespace ragd {

struct BertConfig {
  size_t vocab_size = 0;
  size_t hidden_size = 0;
  size_t num_layers = 0;
  size_t num_heads = 0;
  size_t intermediate_size = 0;
  size_t max_position_embeddings = 0;
  size_t type_vocab_size = 0;
  float layer_norm_eps = 1e-12f;

  // Parses config.json text. kInvalidArgument for missing or inconsistent fields;
  // kUnsupported for an activation other than "gelu" or a non-absolute position embedding.
  static Result<BertConfig> parse(const std::string& json_text);
};

// One linear layer, y = x W^T + b, W stored [out][in] as in PyTorch.
struct LinearLayer {
  size_t out = 0;
  size_t in = 0;
  std::vector<float> weight;  // empty when only int8 weights are held
  std::vector<float> bias;
  Int8Matrix quantized;       // empty when only float32 weights are held
};

struct BertLayer {
  LinearLayer qkv;  // query, key and value stacked: out = 3 * hidden
  LinearLayer attention_out;
  std::vector<float> attention_ln_gamma, attention_ln_beta;
  LinearLayer intermediate;
  LinearLayer output;
  std::vector<float> output_ln_gamma, output_ln_beta;
};

// Reusable buffers for one forward pass; grows to the largest batch seen, never shrinks.
struct BertScratch {
  std::vector<float> hidden;  // rows x hidden: the output of forward()
  std::vector<float> qkv, context, projected, intermediate, scores;
  Int8Activations quantized;
};

// Which weights of the encoder layers' linear layers load() keeps: float32; int8
// (quantised per output channel, the float copies dropped); or both, forward() choosing per
// call (int8 for a short query, where float32 GEMMs are slowest, float32 for passages).
enum class WeightPrecision { kFloat32, kInt8, kBoth };

class BertModel {
 public:
  // Reads every tensor named by the standard BertModel layout (optionally under a "bert."
  // prefix) and checks its shape against `config`.
  static Result<BertModel> load(const BertConfig& config, const SafetensorsFile& weights,
                                WeightPrecision precision);

  // Runs the sequences ids[offsets[i] .. offsets[i+1]) (each <= max_position_embeddings
  // ids, every id < vocab_size) as one packed batch. On return scratch.hidden holds the last
  // layer's output, one row of hidden_size floats per token, in input order. `int8` selects
  // the int8 weights when both are held (a model holding one kind always uses that kind).
  Status forward(const std::vector<int32_t>& ids, const std::vector<size_t>& offsets,
                 BertScratch& scratch, bool int8 = false) const;

  const BertConfig& config() const { return config_; }
  WeightPrecision precision() const { return precision_; }
  // Bytes held by the weights (for reports).
  size_t weight_bytes() const;

 private:
  void linear(const LinearLayer& layer, const float* x, size_t rows, float* y,
              BertScratch& scratch, bool int8) const;
  void attention(const float* qkv, const std::vector<size_t>& offsets, float* context,
                 BertScratch& scratch) const;

  BertConfig config_;
  WeightPrecision precision_ = WeightPrecision::kFloat32;
  std::vector<float> word_embeddings_, position_embeddings_, token_type_embeddings_;
  std::vector<float> embedding_ln_gamma_, embedding_ln_beta_;
  std::vector<float> qkv_scale_;  // 1/sqrt(head_dim) over the query columns, 1 elsewhere
  std::vector<BertLayer> layers_;
};

}  // namespace ragd
