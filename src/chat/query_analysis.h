// QueryAnalyzer: what a question asks for, before retrieval. Intent (factual, analytical,
// comparative, temporal, keyword lookup), entities, a time constraint resolved against a given
// date, and the content words.
//
// Deterministic rules, no model, so the same question always gets the same analysis and the
// analysis costs microseconds. Thread-safety: a QueryAnalyzer holds no state and may be shared.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "chat/entity_extraction.h"
#include "chat/time_expressions.h"

namespace ragd {

enum class QueryIntent {
  kFactual,        // a fact: "What does the Reserve tier cost?"
  kAnalytical,     // reasons, explanations, assessments: "Why ...?", "Explain ..."
  kComparative,    // two or more things side by side: "... vs ...", "difference between"
  kTemporal,       // about time or change over time: "When ...?", "How has ... changed?"
  kKeywordLookup,  // a short keyword query: at most 3 words and no '?'
};

const char* query_intent_name(QueryIntent intent);

struct QueryAnalysis {
  QueryIntent intent = QueryIntent::kFactual;
  std::vector<Entity> entities;
  TimeConstraint time;
  // Content words in order, case-folded (accents kept), each once: the question without
  // function words, question words and time expressions.
  std::vector<std::string> keywords;
  size_t word_count = 0;
};

class QueryAnalyzer {
 public:
  // Questions longer than this many bytes are analysed on their first `max_bytes` (cut at a
  // UTF-8 boundary), so a hostile input costs a bounded time.
  explicit QueryAnalyzer(size_t max_bytes = 8192) : max_bytes_(max_bytes) {}

  // `today` is days since 1970-01-01 (see common/dates.h). Never fails: empty or invalid
  // input gives an analysis with no entities and no keywords.
  QueryAnalysis analyze(std::string_view question, int32_t today) const;

 private:
  size_t max_bytes_;
};

}  // namespace ragd
