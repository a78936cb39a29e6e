#include "embed/pooling.h"

#include <algorithm>
#include <nlohmann/json.hpp>

#include "embed/vector_kernels.h"

namespace ragd {

Result<PoolingMode> parse_pooling_config(const std::string& json_text) {
  nlohmann::json json = nlohmann::json::parse(json_text, nullptr, false);
  if (json.is_discarded() || !json.is_object()) {
    return Status::invalid("1_Pooling/config.json is not a JSON object");
  }
  auto flag = [&](const char* key) {
    auto it = json.find(key);
    return it != json.end() && it->is_boolean() && it->get<bool>();
  };
  bool mean = flag("pooling_mode_mean_tokens");
  bool cls = flag("pooling_mode_cls_token");
  bool other = flag("pooling_mode_max_tokens") || flag("pooling_mode_mean_sqrt_len_tokens") ||
               flag("pooling_mode_weightedmean_tokens") || flag("pooling_mode_lasttoken");
  if (other || mean == cls) {
    return Status::error(ErrorCode::kUnsupported,
                         "1_Pooling/config.json: only mean pooling or CLS pooling (exactly one) "
                         "is supported");
  }
  return cls ? PoolingMode::kCls : PoolingMode::kMean;
}

void pool_sequences(const float* hidden, const std::vector<size_t>& offsets, size_t dim,
                    PoolingMode mode, bool normalize, float* out) {
  for (size_t s = 0; s + 1 < offsets.size(); ++s) {
    float* dst = out + s * dim;
    std::fill(dst, dst + dim, 0.0f);
    size_t begin = offsets[s];
    size_t n = offsets[s + 1] - begin;
    if (n == 0) continue;
    if (mode == PoolingMode::kCls) {
      std::copy(hidden + begin * dim, hidden + (begin + 1) * dim, dst);
    } else {
      kernels::sum_rows(hidden + begin * dim, n, dim, dst);
      float inv = 1.0f / static_cast<float>(n);
      for (size_t c = 0; c < dim; ++c) dst[c] *= inv;
    }
    if (normalize) kernels::l2_normalize(dst, dim);
  }
}

}  // namespace ragd
