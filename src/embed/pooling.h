// Sentence-transformers pooling over a packed batch of token vectors: the mean of every token
// of a sequence ([CLS] and [SEP] included, as the attention mask has them) or the [CLS]
// token's vector, optionally L2-normalised (the Normalize module).
//
// Thread-safety: pure functions.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "common/status.h"

namespace ragd {

enum class PoolingMode { kMean, kCls };

// Parses 1_Pooling/config.json. kUnsupported for max or mean-sqrt-len pooling, or for none /
// several modes at once; kInvalidArgument for malformed JSON.
Result<PoolingMode> parse_pooling_config(const std::string& json_text);

// hidden: one row of `dim` floats per token; sequence s owns rows [offsets[s], offsets[s+1]).
// Writes one row of `dim` floats per sequence to out[s * dim] (an empty sequence gives zeros).
void pool_sequences(const float* hidden, const std::vector<size_t>& offsets, size_t dim,
                    PoolingMode mode, bool normalize, float* out);

}  // namespace ragd
