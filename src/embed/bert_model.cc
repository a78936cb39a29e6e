#include "embed/bert_model.h"

#include <cblas.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <nlohmann/json.hpp>

#include "embed/vector_kernels.h"

namespace ragd {
namespace {

Status read_size(const nlohmann::json& json, const char* key, bool required, size_t& out) {
  auto it = json.find(key);
  if (it == json.end()) {
    if (required) return Status::invalid(std::string("config.json: missing \"") + key + "\"");
    return Status::ok();
  }
  if (!it->is_number_unsigned() || it->get<uint64_t>() == 0 ||
      it->get<uint64_t>() > (1ull << 24)) {
    return Status::invalid(std::string("config.json: \"") + key +
                           "\" must be a positive integer below 2^24");
  }
  out = static_cast<size_t>(it->get<uint64_t>());
  return Status::ok();
}

// Copies a [rows x cols] tensor into dst at row offset `row0`.
Status read_into(const SafetensorsFile& file, const std::string& name,
                 const std::vector<int64_t>& shape, std::vector<float>& dst) {
  auto t = file.read_f32(name, shape);
  if (!t.is_ok()) return t.status();
  dst = std::move(t).value();
  return Status::ok();
}

}  // namespace

Result<BertConfig> BertConfig::parse(const std::string& json_text) {
  nlohmann::json json = nlohmann::json::parse(json_text, nullptr, false);
  if (json.is_discarded() || !json.is_object()) {
    return Status::invalid("config.json is not a JSON object");
  }
  BertConfig c;
  c.max_position_embeddings = 512;
  c.type_vocab_size = 2;
  RAGD_RETURN_IF_ERROR(read_size(json, "vocab_size", true, c.vocab_size));
  RAGD_RETURN_IF_ERROR(read_size(json, "hidden_size", true, c.hidden_size));
  RAGD_RETURN_IF_ERROR(read_size(json, "num_hidden_layers", true, c.num_layers));
  RAGD_RETURN_IF_ERROR(read_size(json, "num_attention_heads", true, c.num_heads));
  RAGD_RETURN_IF_ERROR(read_size(json, "intermediate_size", true, c.intermediate_size));
  RAGD_RETURN_IF_ERROR(read_size(json, "max_position_embeddings", false,
                                 c.max_position_embeddings));
  RAGD_RETURN_IF_ERROR(read_size(json, "type_vocab_size", false, c.type_vocab_size));
  if (c.hidden_size % c.num_heads != 0) {
    return Status::invalid("config.json: hidden_size " + std::to_string(c.hidden_size) +
                           " is not a multiple of num_attention_heads " +
                           std::to_string(c.num_heads));
  }
  if (auto it = json.find("layer_norm_eps"); it != json.end()) {
    if (!it->is_number() || it->get<double>() <= 0.0 || it->get<double>() > 1.0) {
      return Status::invalid("config.json: \"layer_norm_eps\" must be a number in (0, 1]");
    }
    c.layer_norm_eps = static_cast<float>(it->get<double>());
  }
  if (auto it = json.find("model_type"); it != json.end() && it->is_string()) {
    std::string type = it->get<std::string>();
    if (type != "bert") {
      return Status::error(ErrorCode::kUnsupported,
                           "config.json: model_type \"" + type +
                               "\" is not supported (only BERT-family encoders: \"bert\")");
    }
  }
  if (auto it = json.find("hidden_act"); it != json.end()) {
    if (!it->is_string() || it->get<std::string>() != "gelu") {
      return Status::error(ErrorCode::kUnsupported,
                           "config.json: hidden_act " + it->dump() +
                               " is not supported (only \"gelu\", the exact erf form)");
    }
  }
  if (auto it = json.find("position_embedding_type"); it != json.end()) {
    if (!it->is_string() || it->get<std::string>() != "absolute") {
      return Status::error(ErrorCode::kUnsupported,
                           "config.json: position_embedding_type " + it->dump() +
                               " is not supported (only \"absolute\")");
    }
  }
  return c;
}

Result<BertModel> BertModel::load(const BertConfig& config, const SafetensorsFile& weights,
                                  WeightPrecision precision) {
  std::string prefix;
  if (!weights.contains("embeddings.word_embeddings.weight") &&
      weights.contains("bert.embeddings.word_embeddings.weight")) {
    prefix = "bert.";
  }
  const int64_t h = static_cast<int64_t>(config.hidden_size);
  const int64_t inter = static_cast<int64_t>(config.intermediate_size);
  BertModel m;
  m.config_ = config;
  m.precision_ = precision;
  auto read = [&](const std::string& name, std::vector<int64_t> shape,
                  std::vector<float>& dst) { return read_into(weights, prefix + name, shape, dst); };
  RAGD_RETURN_IF_ERROR(read("embeddings.word_embeddings.weight",
                            {static_cast<int64_t>(config.vocab_size), h}, m.word_embeddings_));
  RAGD_RETURN_IF_ERROR(read("embeddings.position_embeddings.weight",
                            {static_cast<int64_t>(config.max_position_embeddings), h},
                            m.position_embeddings_));
  RAGD_RETURN_IF_ERROR(read("embeddings.token_type_embeddings.weight",
                            {static_cast<int64_t>(config.type_vocab_size), h},
                            m.token_type_embeddings_));
  RAGD_RETURN_IF_ERROR(read("embeddings.LayerNorm.weight", {h}, m.embedding_ln_gamma_));
  RAGD_RETURN_IF_ERROR(read("embeddings.LayerNorm.bias", {h}, m.embedding_ln_beta_));
  // Token type 0 everywhere: fold its embedding into the position table once.
  for (size_t p = 0; p < config.max_position_embeddings; ++p) {
    for (size_t c = 0; c < config.hidden_size; ++c) {
      m.position_embeddings_[p * config.hidden_size + c] += m.token_type_embeddings_[c];
    }
  }
  std::vector<float>().swap(m.token_type_embeddings_);

  const float q_scale = 1.0f / std::sqrt(static_cast<float>(config.hidden_size / config.num_heads));
  m.qkv_scale_.assign(3 * config.hidden_size, 1.0f);
  for (size_t c = 0; c < config.hidden_size; ++c) m.qkv_scale_[c] = q_scale;

  auto finish_linear = [&](LinearLayer& l) {
    if (precision == WeightPrecision::kFloat32) return;
    l.quantized = quantize_weights(l.weight.data(), l.out, l.in);
    if (precision == WeightPrecision::kInt8) std::vector<float>().swap(l.weight);
  };

  m.layers_.resize(config.num_layers);
  for (size_t i = 0; i < config.num_layers; ++i) {
    const std::string p = "encoder.layer." + std::to_string(i) + ".";
    BertLayer& layer = m.layers_[i];
    layer.qkv.out = 3 * config.hidden_size;
    layer.qkv.in = config.hidden_size;
    layer.qkv.weight.resize(3 * config.hidden_size * config.hidden_size);
    layer.qkv.bias.resize(3 * config.hidden_size);
    const char* parts[] = {"query", "key", "value"};
    for (size_t k = 0; k < 3; ++k) {
      std::vector<float> w, b;
      RAGD_RETURN_IF_ERROR(read(p + "attention.self." + parts[k] + ".weight", {h, h}, w));
      RAGD_RETURN_IF_ERROR(read(p + "attention.self." + parts[k] + ".bias", {h}, b));
      std::memcpy(layer.qkv.weight.data() + k * w.size(), w.data(), w.size() * sizeof(float));
      std::memcpy(layer.qkv.bias.data() + k * b.size(), b.data(), b.size() * sizeof(float));
    }
    finish_linear(layer.qkv);

    layer.attention_out.out = layer.attention_out.in = config.hidden_size;
    RAGD_RETURN_IF_ERROR(read(p + "attention.output.dense.weight", {h, h},
                              layer.attention_out.weight));
    RAGD_RETURN_IF_ERROR(read(p + "attention.output.dense.bias", {h}, layer.attention_out.bias));
    finish_linear(layer.attention_out);
    RAGD_RETURN_IF_ERROR(
        read(p + "attention.output.LayerNorm.weight", {h}, layer.attention_ln_gamma));
    RAGD_RETURN_IF_ERROR(read(p + "attention.output.LayerNorm.bias", {h}, layer.attention_ln_beta));

    layer.intermediate.out = config.intermediate_size;
    layer.intermediate.in = config.hidden_size;
    RAGD_RETURN_IF_ERROR(
        read(p + "intermediate.dense.weight", {inter, h}, layer.intermediate.weight));
    RAGD_RETURN_IF_ERROR(read(p + "intermediate.dense.bias", {inter}, layer.intermediate.bias));
    finish_linear(layer.intermediate);

    layer.output.out = config.hidden_size;
    layer.output.in = config.intermediate_size;
    RAGD_RETURN_IF_ERROR(read(p + "output.dense.weight", {h, inter}, layer.output.weight));
    RAGD_RETURN_IF_ERROR(read(p + "output.dense.bias", {h}, layer.output.bias));
    finish_linear(layer.output);
    RAGD_RETURN_IF_ERROR(read(p + "output.LayerNorm.weight", {h}, layer.output_ln_gamma));
    RAGD_RETURN_IF_ERROR(read(p + "output.LayerNorm.bias", {h}, layer.output_ln_beta));
  }
  return m;
}

size_t BertModel::weight_bytes() const {
  size_t floats = word_embeddings_.size() + position_embeddings_.size() +
                  token_type_embeddings_.size() + 2 * embedding_ln_gamma_.size();
  size_t bytes = 0;
  for (const BertLayer& l : layers_) {
    for (const LinearLayer* lin : {&l.qkv, &l.attention_out, &l.intermediate, &l.output}) {
      floats += lin->weight.size() + lin->bias.size();
      bytes += lin->quantized.bytes();
    }
    floats += 4 * l.attention_ln_gamma.size();
  }
  return bytes + floats * sizeof(float);
}

void BertModel::linear(const LinearLayer& layer, const float* x, size_t rows, float* y,
                       BertScratch& scratch, bool int8) const {
  if (!layer.quantized.empty() && (int8 || layer.weight.empty())) {
    int8_gemm(x, rows, layer.quantized, y, scratch.quantized);
    return;
  }
  cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, static_cast<blasint>(rows),
              static_cast<blasint>(layer.out), static_cast<blasint>(layer.in), 1.0f, x,
              static_cast<blasint>(layer.in), layer.weight.data(),
              static_cast<blasint>(layer.in), 0.0f, y, static_cast<blasint>(layer.out));
}

void BertModel::attention(const float* qkv, const std::vector<size_t>& offsets, float* context,
                          BertScratch& scratch) const {
  const size_t hidden = config_.hidden_size;
  const size_t head_dim = hidden / config_.num_heads;
  const blasint ld_qkv = static_cast<blasint>(3 * hidden);
  const blasint d = static_cast<blasint>(head_dim);
  for (size_t s = 0; s + 1 < offsets.size(); ++s) {
    const size_t begin = offsets[s];
    const blasint n = static_cast<blasint>(offsets[s + 1] - begin);
    if (n == 0) continue;
    float* scores = scratch.scores.data();
    for (size_t head = 0; head < config_.num_heads; ++head) {
      const float* q = qkv + begin * 3 * hidden + head * head_dim;
      const float* k = q + hidden;
      const float* v = q + 2 * hidden;
      // q was pre-scaled by 1/sqrt(head_dim) with its bias.
      cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, n, n, d, 1.0f, q, ld_qkv, k, ld_qkv,
                  0.0f, scores, n);
      kernels::softmax_rows(scores, static_cast<size_t>(n), static_cast<size_t>(n),
                            static_cast<size_t>(n));
      cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, n, d, n, 1.0f, scores, n, v, ld_qkv,
                  0.0f, context + begin * hidden + head * head_dim, static_cast<blasint>(hidden));
    }
  }
}

Status BertModel::forward(const std::vector<int32_t>& ids, const std::vector<size_t>& offsets,
                          BertScratch& scratch, bool int8) const {
  const size_t rows = ids.size();
  const size_t hidden = config_.hidden_size;
  if (offsets.empty() || offsets.front() != 0 || offsets.back() != rows) {
    return Status::internal("BertModel::forward: offsets do not cover the ids");
  }
  size_t longest = 0;
  for (size_t s = 0; s + 1 < offsets.size(); ++s) {
    if (offsets[s + 1] < offsets[s]) return Status::internal("BertModel::forward: bad offsets");
    longest = std::max(longest, offsets[s + 1] - offsets[s]);
  }
  if (longest > config_.max_position_embeddings) {
    return Status::invalid("a sequence of " + std::to_string(longest) +
                           " tokens exceeds the model's max_position_embeddings " +
                           std::to_string(config_.max_position_embeddings));
  }
  for (int32_t id : ids) {
    if (id < 0 || static_cast<size_t>(id) >= config_.vocab_size) {
      return Status::invalid("token id " + std::to_string(id) + " is outside the vocabulary (" +
                             std::to_string(config_.vocab_size) + " entries)");
    }
  }
  auto grow = [](std::vector<float>& v, size_t n) {
    if (v.size() < n) v.resize(n);
  };
  grow(scratch.hidden, rows * hidden);
  grow(scratch.qkv, rows * 3 * hidden);
  grow(scratch.context, rows * hidden);
  grow(scratch.projected, rows * hidden);
  grow(scratch.intermediate, rows * config_.intermediate_size);
  grow(scratch.scores, longest * longest);

  float* x = scratch.hidden.data();
  for (size_t s = 0; s + 1 < offsets.size(); ++s) {
    for (size_t t = offsets[s]; t < offsets[s + 1]; ++t) {
      const float* word = word_embeddings_.data() + static_cast<size_t>(ids[t]) * hidden;
      const float* pos = position_embeddings_.data() + (t - offsets[s]) * hidden;
      float* row = x + t * hidden;
      for (size_t c = 0; c < hidden; ++c) row[c] = word[c] + pos[c];
    }
  }
  kernels::add_residual_layer_norm(x, nullptr, rows, hidden, nullptr, embedding_ln_gamma_.data(),
                                   embedding_ln_beta_.data(), config_.layer_norm_eps);

  for (const BertLayer& layer : layers_) {
    linear(layer.qkv, x, rows, scratch.qkv.data(), scratch, int8);
    kernels::add_bias_scale(scratch.qkv.data(), rows, 3 * hidden, layer.qkv.bias.data(),
                            qkv_scale_.data());
    attention(scratch.qkv.data(), offsets, scratch.context.data(), scratch);
    linear(layer.attention_out, scratch.context.data(), rows, scratch.projected.data(), scratch, int8);
    kernels::add_residual_layer_norm(x, scratch.projected.data(), rows, hidden,
                                     layer.attention_out.bias.data(),
                                     layer.attention_ln_gamma.data(),
                                     layer.attention_ln_beta.data(), config_.layer_norm_eps);
    linear(layer.intermediate, x, rows, scratch.intermediate.data(), scratch, int8);
    kernels::add_bias_gelu(scratch.intermediate.data(), rows, config_.intermediate_size,
                           layer.intermediate.bias.data());
    linear(layer.output, scratch.intermediate.data(), rows, scratch.projected.data(), scratch, int8);
    kernels::add_residual_layer_norm(x, scratch.projected.data(), rows, hidden,
                                     layer.output.bias.data(), layer.output_ln_gamma.data(),
                                     layer.output_ln_beta.data(), config_.layer_norm_eps);
  }
  return Status::ok();
}

}  // namespace ragd
