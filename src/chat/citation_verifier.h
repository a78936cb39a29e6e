// CitationVerifier: checks every citation of a generated answer against the passage it names
// and produces the answer a client may show.
//
// For each sentence (see citation_parser.h) and each passage it cites, a support score in
// [0, 1] (see claim_support.h): lexical coverage of the claim's content terms with exact
// match of numbers and identifiers; when that falls below `threshold` and an embedding
// function is given, the score combined with sentence cosines, if higher (a paraphrase). A
// claim the passage states in its own words needs no embedding, so quoting answers cost
// none. A citation is supported when its score reaches `threshold`. Markers naming no given passage
// are always removed from the text; unsupported citations are removed (kRemove) or kept and
// reported as unsupported (kFlag). Each cited passage resolves to its chunk, document and the
// byte span, in the document's cleaned text, of the unit that best supports it.
//
// The embedding function is optional; when it fails or returns vectors of the wrong count or
// size, verification falls back to lexical support alone (the answer is never lost to it).
//
// Thread-safety: verify() is const and may run concurrently if the embedding and idf
// functions allow it. The Analyzer must outlive the verifier.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "chat/claim_support.h"
#include "chat/content_terms.h"
#include "chat/passage.h"
#include "chat/term_weights.h"
#include "common/status.h"

namespace ragd {

enum class UnsupportedPolicy { kRemove, kFlag };

// Embeds texts; row i is the vector of texts[i]. Need not be normalised.
using EmbedTexts =
    std::function<Result<std::vector<std::vector<float>>>(const std::vector<std::string>& texts)>;

struct CitationVerifierConfig {
  double threshold = 0.5;
  UnsupportedPolicy policy = UnsupportedPolicy::kRemove;
  SupportConfig support;
  size_t max_excerpt_bytes = 400;  // excerpts longer than this are cut at a UTF-8 boundary
};

struct CitationCheck {
  int passage_number = 0;
  double support = 0;
  bool supported = false;
};

struct VerifiedSentence {
  std::string text;                     // the claim, without markers
  std::vector<CitationCheck> citations;  // every valid citation, kept or removed
  std::vector<int> invalid_citations;    // numbers that named no passage (removed)
  double best_support = 0;               // best over `citations`; 0 without any
  bool has_supported_citation() const;
};

struct CitedPassage {
  int number = 0;
  int64_t chunk_id = 0;
  int64_t document_id = 0;
  std::string document_key;
  std::string title;
  std::string section_path;
  // Byte span of the supporting text in the document's cleaned text (Passage::begin +
  // offset in Passage::text); the excerpt is that text (possibly cut, see config).
  int64_t span_begin = 0;
  int64_t span_end = 0;
  std::string excerpt;
  double support = 0;      // best support of any sentence citing it
  bool supported = false;  // some citation of it is supported
};

struct VerifiedAnswer {
  std::string text;  // invalid markers removed; with kRemove, unsupported ones too
  std::vector<VerifiedSentence> sentences;  // sentences with a non-empty claim, in order
  std::vector<CitedPassage> cited;          // passages cited in `text`, in order of first use
  size_t invalid_removed = 0;
  size_t unsupported = 0;  // citations below the threshold (removed or flagged)
  bool semantic_used = false;
};

class CitationVerifier {
 public:
  CitationVerifier(const Analyzer& analyzer, CitationVerifierConfig config = {},
                   TermIdf idf = {}, EmbedTexts embed = {});
  CitationVerifier(const CitationVerifier&) = delete;
  CitationVerifier& operator=(const CitationVerifier&) = delete;

  VerifiedAnswer verify(std::string_view answer, const std::vector<Passage>& passages) const;

  // Support of one claim by one passage (no markers expected in `claim`); lexical only.
  Support support(std::string_view claim, const Passage& passage) const;

  const CitationVerifierConfig& config() const { return config_; }

 private:
  ContentTermExtractor extractor_;
  CitationVerifierConfig config_;
  TermIdf idf_;
  EmbedTexts embed_;
};

}  // namespace ragd
