// CitationParser: finds the citation markers of a generated answer and the sentence each one
// belongs to.
//
// Markers: "[1]", "[1][2]", "[1, 2]", "[1; 2]", "[1-3]" (also with an en dash), and the
// footnote form "[^1]". Whitespace inside the brackets is allowed. "[[1]]" counts as one
// marker spanning both bracket pairs. Anything else in brackets ("[a]", "[-1]", "[1.5]",
// "[citation needed]") is text. A number that names no given passage, 0 and numbers too large
// to represent included, makes that part of the marker invalid; a range of more than
// kMaxRange numbers is invalid as a whole.
//
// Sentences come from split_sentences() run on the answer with its markers blanked out, so
// a marker after the full stop ("Paris is large.[1] Lyon ...") still ends its sentence and
// belongs to the sentence before it; a marker at the very start belongs to the first
// sentence.
//
// Pure functions; thread-safe. Never fails: any byte string, invalid UTF-8 included, parses.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace ragd {

struct CitationMarker {
  size_t begin = 0;  // byte range in the answer
  size_t end = 0;
  std::vector<int> valid;    // passage numbers it names that were given, in order, distinct
  std::vector<int> invalid;  // numbers it names that were not (clamped to int range)
  bool malformed = false;    // an unreadable range or number: nothing in it is valid
};

struct ParsedSentence {
  size_t begin = 0;  // byte range in the answer, markers included
  size_t end = 0;
  std::string claim;           // the sentence without markers, whitespace tidied
  std::vector<size_t> markers;  // indices into ParsedAnswer::markers
  std::vector<int> citations;   // valid passage numbers, distinct, in order of appearance
  std::vector<int> invalid_citations;
};

struct ParsedAnswer {
  std::vector<CitationMarker> markers;  // in answer order
  std::vector<ParsedSentence> sentences;
  size_t invalid_count() const;  // invalid numbers over all markers
};

inline constexpr long kMaxRange = 64;

// Markers alone (no sentence split). `passage_numbers` are the numbers that were given.
std::vector<CitationMarker> find_citation_markers(std::string_view answer,
                                                  const std::vector<int>& passage_numbers);

ParsedAnswer parse_citations(std::string_view answer, const std::vector<int>& passage_numbers);

// `answer` with markers[i] replaced by replacements[i] (same sizes; markers in order, not
// overlapping). An empty replacement removes the marker together with the spaces before it
// when what follows is the end, whitespace or closing punctuation ("big [1]." -> "big.").
std::string replace_citation_markers(std::string_view answer,
                                     const std::vector<CitationMarker>& markers,
                                     const std::vector<std::string>& replacements);

// `text` without any citation markers (all forms above, valid or not), with the space before
// each removed marker dropped. Used to clean source sentences before they are quoted.
std::string strip_citation_markers(std::string_view text);

}  // namespace ragd
