// Term folding for the Analyzer: Unicode case folding, compatibility mapping (ligatures,
// full-width forms) and optionally removal of combining marks ("Café" -> "cafe").
// Pure functions; thread-safe.
#pragma once

#include <string>
#include <string_view>

namespace ragd {

// Replaces `out` with the folded form of `surface`, a token's text. `ascii` says every byte
// of `surface` is ASCII, which takes a fast path. The right single quote U+2019 becomes an
// ASCII apostrophe. Invalid UTF-8 bytes are dropped.
void fold_term(std::string_view surface, bool ascii, bool strip_accents, std::string& out);

}  // namespace ragd
