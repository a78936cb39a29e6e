// The hybrid-fusion flags shared by `ragd search` and `ragd eval beir`: --fusion,
// --lexical-weight and --dense-weight. A weight left unset takes the method's default
// (retrieve/fusion.h: weighted sum 0.3/0.7, RRF 1/1).
#pragma once

#include <CLI/CLI.hpp>
#include <string>

#include "common/status.h"
#include "retrieve/fusion.h"

namespace ragd::cli {

struct FusionFlags {
  std::string method = "weighted";
  double lexical_weight = -1;  // < 0: the method's default
  double dense_weight = -1;
};

void add_fusion_flags(CLI::App* command, FusionFlags& flags);
Result<FusionConfig> fusion_config(const FusionFlags& flags);

}  // namespace ragd::cli
