// PassageEvidence: a Passage cut into sentences with the content terms of each, the form in
// which answer extraction and citation checks look at a passage.
//
// Thread-safety: a built PassageEvidence is immutable; share it read-only. It points into
// the Passage it was built from, which must outlive it.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <unordered_set>
#include <vector>

#include "chat/content_terms.h"
#include "chat/passage.h"

namespace ragd {

struct EvidenceSentence {
  size_t begin = 0;  // byte range in Passage::text, surrounding whitespace excluded
  size_t end = 0;
  std::unordered_set<std::string> terms;  // distinct content terms
  size_t term_count = 0;                  // content terms with repeats
};

struct PassageEvidence {
  const Passage* passage = nullptr;
  std::vector<EvidenceSentence> sentences;      // non-empty sentences, in order
  std::unordered_set<std::string> title_terms;  // title and section path
  std::unordered_set<std::string> all_terms;    // every sentence's terms

  static PassageEvidence build(const Passage& passage, const ContentTermExtractor& extractor);
  std::string_view text(const EvidenceSentence& sentence) const;
};

}  // namespace ragd
