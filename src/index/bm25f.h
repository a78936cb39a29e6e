// BM25F scoring formula shared by the searcher (and mirrored by the tests' reference).
//
//   tf~   = tf_title * title(len_title) + tf_body * body(len_body)     (LengthNorms)
//   score = sum over query terms t of  idf(t) * qtf(t) * (k1 + 1) * tf~ / (k1 + tf~)
//   idf   = ln(1 + (N - df + 0.5) / (df + 0.5))
// with N and df over the live documents of the whole collection and qtf the number of
// times t occurs in the query. The classic (k1 + 1) factor is kept (Lucene dropped it in
// 8.0; the ranking is the same either way), so scores read like textbook BM25.
// Pure functions, thread-safe.
#pragma once

#include <cmath>
#include <cstdint>

namespace ragd::lex {

inline double bm25_idf(double live_docs, double df) {
  return std::log(1.0 + (live_docs - df + 0.5) / (df + 0.5));
}

// weight = idf * qtf * (k1 + 1); x = tf~.
inline float bm25_saturate(float weight, float x, float k1) {
  return x > 0 ? weight * x / (k1 + x) : 0.0f;
}

}  // namespace ragd::lex
