// build_segment: inverts a batch of analysed chunks into the bytes of a new segment file.
// Pure function, thread-safe.
#pragma once

#include <string>
#include <vector>

#include "index/lexical_index.h"

namespace ragd::lex {

// `docs` must have distinct chunk ids and be sorted by chunk id; may be empty only when the
// caller wants an empty segment.
std::string build_segment(const std::vector<IndexDocument>& docs);

}  // namespace ragd::lex
