#include "chat/citation_verifier.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <optional>

#include "chat/citation_parser.h"

namespace ragd {
namespace {

double cosine(const std::vector<float>& a, const std::vector<float>& b) {
  double dot = 0, na = 0, nb = 0;
  for (size_t i = 0; i < a.size(); ++i) {
    dot += static_cast<double>(a[i]) * b[i];
    na += static_cast<double>(a[i]) * a[i];
    nb += static_cast<double>(b[i]) * b[i];
  }
  if (!(na > 0) || !(nb > 0)) return 0;
  const double c = dot / std::sqrt(na * nb);
  return std::isfinite(c) ? c : 0;
}

// Cuts `text` to at most `limit` bytes without splitting a UTF-8 sequence.
std::string cut_utf8(std::string_view text, size_t limit) {
  if (text.size() <= limit) return std::string(text);
  size_t end = limit;
  while (end > 0 && (static_cast<unsigned char>(text[end]) & 0xC0) == 0x80) --end;
  return std::string(text.substr(0, end));
}

std::string render_marker(const std::vector<int>& numbers) {
  std::string out;
  for (int n : numbers) out += "[" + std::to_string(n) + "]";
  return out;
}

// Re-scores with sentence cosines the citations in `supports` below the threshold, keeping
// the better of the lexical and the combined score. One embedding call holds every claim
// concerned and every sentence of the passages they cite. Returns false (supports
// untouched) when nothing needed it or the embedding failed.
bool rescue_semantically(const EmbedTexts& embed, const CitationVerifierConfig& config,
                         const ParsedAnswer& parsed, const std::map<int, size_t>& by_number,
                         const std::vector<std::optional<PassageEvidence>>& evidence,
                         const std::vector<std::vector<WeightedTerm>>& claims,
                         std::vector<std::map<int, Support>>& supports) {
  auto weak = [&](const Support& support) { return support.score < config.threshold; };
  std::vector<std::string> texts;
  std::vector<size_t> claim_row(parsed.sentences.size(), SIZE_MAX);
  std::vector<size_t> first_row(evidence.size(), SIZE_MAX);
  for (size_t s = 0; s < parsed.sentences.size(); ++s) {
    if (claims[s].empty()) continue;  // no content terms: nothing a cosine could support
    for (const auto& [n, support] : supports[s]) {
      if (!weak(support)) continue;
      if (claim_row[s] == SIZE_MAX) {
        claim_row[s] = texts.size();
        texts.push_back(parsed.sentences[s].claim);
      }
      const size_t p = by_number.at(n);
      if (first_row[p] != SIZE_MAX) continue;
      first_row[p] = texts.size();
      for (const EvidenceSentence& sentence : evidence[p]->sentences) {
        texts.emplace_back(evidence[p]->text(sentence));
      }
    }
  }
  if (texts.empty()) return false;
  auto vectors = embed(texts);
  bool usable = vectors.is_ok() && vectors->size() == texts.size() && !vectors->front().empty();
  if (usable) {
    for (const auto& v : *vectors) usable = usable && v.size() == vectors->front().size();
  }
  if (!usable) return false;
  for (size_t s = 0; s < parsed.sentences.size(); ++s) {
    if (claim_row[s] == SIZE_MAX) continue;
    for (auto& [n, support] : supports[s]) {
      if (!weak(support)) continue;
      const size_t p = by_number.at(n);
      std::vector<double> cosines;
      for (size_t k = 0; k < evidence[p]->sentences.size(); ++k) {
        cosines.push_back(cosine((*vectors)[claim_row[s]], (*vectors)[first_row[p] + k]));
      }
      Support combined = score_support(claims[s], *evidence[p], cosines, config.support);
      if (combined.score > support.score) support = combined;
    }
  }
  return true;
}

}  // namespace

bool VerifiedSentence::has_supported_citation() const {
  return std::any_of(citations.begin(), citations.end(),
                     [](const CitationCheck& c) { return c.supported; });
}

CitationVerifier::CitationVerifier(const Analyzer& analyzer, CitationVerifierConfig config,
                                   TermIdf idf, EmbedTexts embed)
    : extractor_(analyzer),
      config_(std::move(config)),
      idf_(std::move(idf)),
      embed_(std::move(embed)) {}

Support CitationVerifier::support(std::string_view claim, const Passage& passage) const {
  const PassageEvidence evidence = PassageEvidence::build(passage, extractor_);
  return score_support(weigh_terms(claim, extractor_, idf_), evidence, {}, config_.support);
}

VerifiedAnswer CitationVerifier::verify(std::string_view answer,
                                        const std::vector<Passage>& passages) const {
  // number -> index of the first passage carrying it
  std::map<int, size_t> by_number;
  for (size_t i = 0; i < passages.size(); ++i) by_number.emplace(passages[i].number, i);
  std::vector<int> numbers;
  for (const auto& [number, index] : by_number) numbers.push_back(number);
  const ParsedAnswer parsed = parse_citations(answer, numbers);

  std::vector<std::optional<PassageEvidence>> evidence(passages.size());
  for (const ParsedSentence& sentence : parsed.sentences) {
    for (int n : sentence.citations) {
      const size_t index = by_number.at(n);
      if (!evidence[index]) evidence[index] = PassageEvidence::build(passages[index], extractor_);
    }
  }

  // Lexical support first; semantic support (one embedding call) only for the citations
  // lexical evidence leaves unsupported: it rescues paraphrases, and a claim whose words the
  // passage states needs no model. supports[s]: passage number -> support.
  std::vector<std::vector<WeightedTerm>> claims(parsed.sentences.size());
  std::vector<std::map<int, Support>> supports(parsed.sentences.size());
  static const std::vector<double> kNoCosines;
  for (size_t s = 0; s < parsed.sentences.size(); ++s) {
    claims[s] = weigh_terms(parsed.sentences[s].claim, extractor_, idf_);
    for (int n : parsed.sentences[s].citations) {
      supports[s][n] =
          score_support(claims[s], *evidence[by_number.at(n)], kNoCosines, config_.support);
    }
  }
  const bool semantic =
      embed_ && rescue_semantically(embed_, config_, parsed, by_number, evidence, claims, supports);

  VerifiedAnswer out;
  out.semantic_used = semantic;
  out.invalid_removed = parsed.invalid_count();
  for (size_t s = 0; s < parsed.sentences.size(); ++s) {
    const ParsedSentence& sentence = parsed.sentences[s];
    VerifiedSentence verified;
    verified.text = sentence.claim;
    verified.invalid_citations = sentence.invalid_citations;
    for (int n : sentence.citations) {
      const Support& support = supports[s][n];
      const bool supported = support.score >= config_.threshold && support.score > 0;
      if (!supported) ++out.unsupported;
      verified.citations.push_back({n, support.score, supported});
      verified.best_support = std::max(verified.best_support, support.score);
    }
    if (!verified.text.empty()) out.sentences.push_back(std::move(verified));
  }

  // Rewrite the markers and collect the passages still cited, in order of first use.
  std::vector<std::string> replacements(parsed.markers.size());
  std::map<int, size_t> cited_index;
  for (size_t s = 0; s < parsed.sentences.size(); ++s) {
    for (size_t m : parsed.sentences[s].markers) {
      const CitationMarker& marker = parsed.markers[m];
      std::vector<int> kept;
      for (int n : marker.valid) {
        const Support& support = supports[s][n];
        const bool supported = support.score >= config_.threshold && support.score > 0;
        if (!supported && config_.policy == UnsupportedPolicy::kRemove) continue;
        kept.push_back(n);
        const Passage& passage = passages[by_number.at(n)];
        auto [it, added] = cited_index.emplace(n, out.cited.size());
        if (added) {
          CitedPassage cited;
          cited.number = n;
          cited.chunk_id = passage.chunk_id;
          cited.document_id = passage.document_id;
          cited.document_key = passage.document_key;
          cited.title = passage.title;
          cited.section_path = passage.section_path;
          cited.support = -1;
          out.cited.push_back(std::move(cited));
        }
        CitedPassage& cited = out.cited[it->second];
        cited.supported = cited.supported || supported;
        if (support.score > cited.support) {
          cited.support = support.score;
          const size_t end = std::min(support.end, passage.text.size());
          const size_t begin = std::min(support.begin, end);
          cited.span_begin = passage.begin + static_cast<int64_t>(begin);
          cited.span_end = passage.begin + static_cast<int64_t>(end);
          cited.excerpt = cut_utf8(std::string_view(passage.text).substr(begin, end - begin),
                                   config_.max_excerpt_bytes);
        }
      }
      if (kept == marker.valid && marker.invalid.empty()) {
        replacements[m] = answer.substr(marker.begin, marker.end - marker.begin);
      } else {
        replacements[m] = render_marker(kept);
      }
    }
  }
  for (CitedPassage& cited : out.cited) cited.support = std::max(cited.support, 0.0);
  out.text = replace_citation_markers(answer, parsed.markers, replacements);
  return out;
}

}  // namespace ragd
