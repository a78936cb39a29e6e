// Default stopword lists of the Analyzer. Immutable static data; thread-safe.
#pragma once

#include <span>
#include <string_view>

namespace ragd {

// The default stopwords for a Snowball language name. "english" (and "porter" and "none",
// whose default list is English too) gets the 33 words of Lucene's EnglishAnalyzer, so
// lexical results compare like for like with Lucene; other languages get an empty list.
std::span<const std::string_view> default_stopwords(std::string_view language);

}  // namespace ragd
