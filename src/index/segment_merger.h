// merge_segments: writes the live documents of several segments into one new segment
// (documents re-ordered by chunk id, deleted documents and terms left without postings
// dropped). Pure function of its inputs; thread-safe.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "index/snapshot.h"

namespace ragd::lex {

// The new segment's file bytes, or nullopt when no live document remains.
std::optional<std::string> merge_segments(const std::vector<SegmentState>& sources);

}  // namespace ragd::lex
