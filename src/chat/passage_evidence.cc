#include "chat/passage_evidence.h"

#include "text/sentences.h"

namespace ragd {
namespace {

bool is_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f'; }

}  // namespace

PassageEvidence PassageEvidence::build(const Passage& passage,
                                       const ContentTermExtractor& extractor) {
  PassageEvidence evidence;
  evidence.passage = &passage;
  const std::string_view text = passage.text;
  std::vector<ContentTerm> terms;
  for (auto [begin, end] : split_sentences(text)) {
    while (begin < end && is_space(text[begin])) ++begin;
    while (end > begin && is_space(text[end - 1])) --end;
    if (begin == end) continue;
    EvidenceSentence sentence;
    sentence.begin = begin;
    sentence.end = end;
    terms.clear();
    extractor.extract(text.substr(begin, end - begin), terms);
    sentence.term_count = terms.size();
    for (ContentTerm& term : terms) {
      evidence.all_terms.insert(term.term);
      sentence.terms.insert(std::move(term.term));
    }
    evidence.sentences.push_back(std::move(sentence));
  }
  for (std::string& term : extractor.distinct_terms(passage.title)) {
    evidence.title_terms.insert(std::move(term));
  }
  for (std::string& term : extractor.distinct_terms(passage.section_path)) {
    evidence.title_terms.insert(std::move(term));
  }
  return evidence;
}

std::string_view PassageEvidence::text(const EvidenceSentence& sentence) const {
  return std::string_view(passage->text).substr(sentence.begin, sentence.end - sentence.begin);
}

}  // namespace ragd
