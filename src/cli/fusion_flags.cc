#include "cli/fusion_flags.h"

namespace ragd::cli {

void add_fusion_flags(CLI::App* command, FusionFlags& flags) {
  command
      ->add_option("--fusion", flags.method,
                   "Hybrid: weighted (min-max normalised sum, the default) or rrf (reciprocal "
                   "rank fusion, k=60)")
      ->default_val("weighted")
      ->check(CLI::IsMember({"rrf", "weighted"}));
  command
      ->add_option("--lexical-weight", flags.lexical_weight,
                   "Hybrid: weight of the lexical list (default 0.3 weighted, 1 rrf)")
      ->check(CLI::Range(0.0, 100.0));
  command
      ->add_option("--dense-weight", flags.dense_weight,
                   "Hybrid: weight of the dense list (default 0.7 weighted, 1 rrf)")
      ->check(CLI::Range(0.0, 100.0));
}

Result<FusionConfig> fusion_config(const FusionFlags& flags) {
  auto method = parse_fusion_method(flags.method);
  if (!method.is_ok()) return method.status();
  FusionConfig config;
  config.method = *method;
  config.weights = default_hybrid_weights(*method);
  if (flags.lexical_weight >= 0) config.weights[0] = flags.lexical_weight;
  if (flags.dense_weight >= 0) config.weights[1] = flags.dense_weight;
  return config;
}

}  // namespace ragd::cli
