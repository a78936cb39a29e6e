// Term weights for coverage scores: how much it matters that a question's or claim's term is
// found in a passage. Rare terms (high idf) decide whether a passage is about the question;
// common ones barely do.
//
// TermIdf is the hook through which a caller supplies collection statistics (the lexical
// index's document frequencies, say). Without it every term weighs the same.
// DocumentFrequencies is a small in-memory table for callers that build such statistics
// themselves (evaluation harnesses, tests, small collections).
//
// Thread-safety: DocumentFrequencies may be read concurrently once built; building is not
// thread-safe.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace ragd {

// idf of an analysed term; must be >= 0 and safe to call from any thread that uses the
// component it is given to.
using TermIdf = std::function<double(std::string_view term)>;
// In how many documents (chunks) of the collection an analysed term occurs.
using TermDocumentFrequency = std::function<uint64_t(std::string_view term)>;

class DocumentFrequencies {
 public:
  // Counts each distinct term of one document (any order, repeats allowed).
  void add_document(const std::vector<std::string>& terms);
  uint64_t documents() const { return documents_; }
  uint64_t frequency(std::string_view term) const;
  // BM25's idf, ln(1 + (N - df + 0.5) / (df + 0.5)): unseen terms weigh most.
  double idf(std::string_view term) const;
  // A TermIdf reading this table; the table must outlive it.
  TermIdf as_function() const;
  TermDocumentFrequency frequency_function() const;

 private:
  uint64_t documents_ = 0;
  std::unordered_map<std::string, uint64_t> frequencies_;
};

}  // namespace ragd
