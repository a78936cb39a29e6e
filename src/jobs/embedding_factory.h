// Turns a collection's embedding settings into an EmbeddingProvider: the native encoder
// (model folder from the settings, else the default model) or an OpenAI-compatible HTTP
// server. Thread-safety: a free function; the providers state their own.
#pragma once

#include <cstddef>
#include <memory>
#include <string>

#include "common/status.h"
#include "embed/embedding_provider.h"
#include "jobs/collection_settings.h"

namespace ragd {

struct EmbeddingSetup {
  std::unique_ptr<EmbeddingProvider> provider;  // null: the collection is lexical-only
  // Set when embedding was wanted but no model can be had, saying why (for the user, once),
  // e.g. "no embedding model found (looked in ...); dense search is off, lexical only".
  std::string note;
};

// provider "none" -> no provider and no note. A default native model that cannot be found ->
// no provider and a note. A model that cannot be loaded (an explicit model_dir that is
// missing, a malformed file, a bad URL) -> the error, naming the setting to fix.
// `threads`: encoder threads (0 = all cores).
Result<EmbeddingSetup> make_embedding_provider(const EmbeddingSettings& settings,
                                               size_t threads = 0);

// The message used when no default model exists, listing where ragd looked.
std::string no_default_model_note();

}  // namespace ragd
