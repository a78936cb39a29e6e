// Entity extraction for query analysis: proper names (capitalised words and multi-word proper
// nouns such as "Reserve Pinot Noir" or "Château Belcour"), identifiers ("CVE-2023-12345",
// "ACV-MERCH-0142", "APT29"), version numbers ("v2.1.0", "1.2.3") and quoted phrases.
//
// Heuristic and deterministic, no model: a capitalised word at the start of a sentence counts
// only as part of a run of two or more capitalised words, and function words ("The", "What")
// are trimmed from the ends of a run. Pure functions; thread-safe.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "chat/query_words.h"

namespace ragd {

enum class EntityKind {
  kName,        // a capitalised word or multi-word proper noun
  kIdentifier,  // a token with digits, '@' or '_' that is not a plain number or date
  kVersion,     // "v2", "v2.1.0", "1.2.3"
  kQuoted,      // the inside of "...", “...”, ‘...’ or '...'
};

const char* entity_kind_name(EntityKind kind);

struct Entity {
  std::string text;  // the surface text, possessive "'s" removed
  EntityKind kind = EntityKind::kName;
  size_t begin = 0;  // byte range of `text` in the question
  size_t end = 0;
};

// Entities of `text` in order of position, each distinct (case-insensitively) text once.
// Words inside `excluded` byte ranges (time expressions) are never part of an entity.
std::vector<Entity> extract_entities(std::string_view text, const std::vector<QueryWord>& words,
                                     const std::vector<std::pair<size_t, size_t>>& excluded = {});

}  // namespace ragd
