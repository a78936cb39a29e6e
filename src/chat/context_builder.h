// ContextBuilder: turns ranked search hits into the numbered passages a generator is given,
// within a token budget. In rank order, each hit is kept unless it is empty, repeats a chunk
// already kept, nearly duplicates a kept passage (word-shingle Jaccard at or above the
// threshold), or its document already has the maximum number of passages; a kept hit longer
// than a passage may be, or than the budget still allows, is trimmed around the sentences that
// best match the question (passage_trimmer.h), and its byte span narrowed to match, so a
// citation resolves to the exact text shown. Passages are numbered 1..n in the final order.
//
// The budget counts the rendered block (headers included) with count_tokens; the rendered
// block never exceeds it.
//
// Thread-safety: immutable after construction; build() may run concurrently. The Analyzer
// (the collection's, for matching query terms) must outlive the builder.
#pragma once

#include <cstddef>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "chat/passage.h"
#include "retrieve/searcher.h"
#include "text/analyzer.h"

namespace ragd {

enum class PassageOrder {
  kScore,     // the hits' rank order
  kDocument,  // grouped by document (documents by their best hit), reading order inside
};

struct ContextOptions {
  size_t token_budget = 1500;  // the whole rendered context block
  size_t max_passages = 8;
  size_t max_per_document = 3;       // source diversity; 0 = no limit
  size_t max_passage_tokens = 250;   // longer passages are trimmed
  size_t min_passage_tokens = 24;    // a passage the budget would cut below this is skipped
  double duplicate_threshold = 0.8;  // word-shingle Jaccard; above 1 disables the check
  size_t shingle_words = 3;
  PassageOrder order = PassageOrder::kScore;
};

struct ContextStats {
  size_t dropped_empty = 0;
  size_t dropped_duplicate = 0;     // same chunk again, or a near-duplicate
  size_t dropped_per_document = 0;  // over max_per_document
  size_t dropped_budget = 0;        // no room left for them
  size_t trimmed = 0;
};

struct BuiltContext {
  std::vector<Passage> passages;  // numbered 1..n in order
  std::string rendered;           // render_context(passages)
  size_t tokens = 0;              // count_tokens(rendered)
  ContextStats stats;
};

class ContextBuilder {
 public:
  explicit ContextBuilder(const Analyzer& analyzer, ContextOptions options = {})
      : analyzer_(analyzer), options_(options) {}

  // `hits` best first. A hit whose text is not exactly end - begin bytes long keeps its own
  // span even when trimmed (its offsets cannot be trusted to locate a narrower span).
  BuiltContext build(std::string_view query, std::span<const SearchHit> hits) const;

  const ContextOptions& options() const { return options_; }

 private:
  const Analyzer& analyzer_;
  ContextOptions options_;
};

// "[n] Title — Section > Path (YYYY-MM-DD)": the section path without a leading repeat of the
// title, the date when known. One line.
std::string render_passage_header(const Passage& passage);
// Each passage as its header line and its text, separated by blank lines.
std::string render_context(const std::vector<Passage>& passages);

}  // namespace ragd
