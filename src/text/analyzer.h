// Analyzer: turns text into index terms for the lexical index and for queries.
//
// Pipeline: tokenise -> Unicode case fold -> accent fold -> stopword removal -> Snowball
// stemming. Tokenisation keeps identifiers whole: "CVE-2024-3094", "v2.1.0", "APT29",
// "jane.doe@example.com", "192.168.0.1" each stay one token (folded to lower case, not
// stemmed), while ordinary punctuation separates words.
//
// Thread-safety: an Analyzer is immutable after construction and may be shared between
// threads; the Snowball stemmer state is per call (or thread-local) internally.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"

namespace ragd {

struct AnalyzerConfig {
  std::string language = "english";  // Snowball algorithm name; "none" disables stemming
  bool stem = true;
  bool remove_stopwords = true;
  bool fold_accents = true;
  // Extra stopwords added to the language's default list.
  std::vector<std::string> extra_stopwords;
};

// One token of analysed text. `begin`/`end` are byte offsets of the surface form in the
// input, so callers can highlight it.
struct Token {
  std::string term;  // the folded, stemmed index term
  uint32_t begin = 0;
  uint32_t end = 0;
};

class Analyzer {
 public:
  explicit Analyzer(AnalyzerConfig config = {});
  ~Analyzer();
  Analyzer(const Analyzer&) = delete;
  Analyzer& operator=(const Analyzer&) = delete;

  // Appends the index terms of `text` to `terms` in order (stopwords dropped). Invalid
  // UTF-8 bytes are treated as separators, never crash.
  void analyze(std::string_view text, std::vector<std::string>& terms) const;
  // As analyze(), with byte offsets of each surviving token.
  void analyze_with_offsets(std::string_view text, std::vector<Token>& tokens) const;

  const AnalyzerConfig& config() const { return config_; }

  // Whether `config` names a stemming language libstemmer has; an Analyzer built from a
  // config that fails this check does not stem. Call it where configuration is loaded.
  static Status check_config(const AnalyzerConfig& config);

 private:
  struct Impl;
  AnalyzerConfig config_;
  std::unique_ptr<Impl> impl_;
};

}  // namespace ragd
