// Compound words: a question may write as one word what the documents write as two
// ("superbowl" for "Super Bowl", "videogame" for "video game"). When a question term occurs
// nowhere in the collection, split_compound looks for a split into two terms the collection
// does hold, so the pair can stand in for it (in coverage and in the unknown-term rule).
//
// Pure function; thread-safe when `document_frequency` is.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "chat/term_weights.h"
#include "text/analyzer.h"

namespace ragd {

// The analysed halves of `term` (each at least `min_part` bytes before analysis), both
// known to `document_frequency`, preferring the most balanced split; empty when none.
std::vector<std::string> split_compound(std::string_view term, const Analyzer& analyzer,
                                        const TermDocumentFrequency& document_frequency,
                                        size_t min_part = 3);

}  // namespace ragd
