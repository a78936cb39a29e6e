#include "eval/qa_metrics.h"

#include <utf8proc.h>

#include <algorithm>
#include <cmath>
#include <cstdlib>

namespace ragd {
namespace {

// Case fold, decompose and drop combining marks; invalid UTF-8 bytes are dropped first.
std::string fold(std::string_view text) {
  std::string valid;
  valid.reserve(text.size());
  size_t pos = 0;
  while (pos < text.size()) {
    utf8proc_int32_t cp = 0;
    const auto n = utf8proc_iterate(reinterpret_cast<const utf8proc_uint8_t*>(text.data() + pos),
                                    static_cast<utf8proc_ssize_t>(text.size() - pos), &cp);
    if (n <= 0) {
      ++pos;
      continue;
    }
    valid.append(text.substr(pos, static_cast<size_t>(n)));
    pos += static_cast<size_t>(n);
  }
  utf8proc_uint8_t* mapped = nullptr;
  const auto length = utf8proc_map(
      reinterpret_cast<const utf8proc_uint8_t*>(valid.data()),
      static_cast<utf8proc_ssize_t>(valid.size()), &mapped,
      static_cast<utf8proc_option_t>(UTF8PROC_COMPOSE | UTF8PROC_CASEFOLD | UTF8PROC_STRIPMARK |
                                     UTF8PROC_COMPAT));
  if (length < 0 || mapped == nullptr) return valid;
  std::string out(reinterpret_cast<char*>(mapped), static_cast<size_t>(length));
  std::free(mapped);
  return out;
}

bool is_punctuation(utf8proc_int32_t cp) {
  if (cp < 0x80) {
    return (cp >= 0x21 && cp <= 0x2F) || (cp >= 0x3A && cp <= 0x40) ||
           (cp >= 0x5B && cp <= 0x60) || (cp >= 0x7B && cp <= 0x7E);
  }
  const auto category = utf8proc_category(cp);
  return category >= UTF8PROC_CATEGORY_PC && category <= UTF8PROC_CATEGORY_PO;
}

bool is_whitespace(utf8proc_int32_t cp) {
  if (cp < 0x80) return cp == ' ' || (cp >= '\t' && cp <= '\r');
  const auto category = utf8proc_category(cp);
  return category == UTF8PROC_CATEGORY_ZS || category == UTF8PROC_CATEGORY_ZL ||
         category == UTF8PROC_CATEGORY_ZP;
}

}  // namespace

QaAnswer qa_answer_from_verified(const VerifiedAnswer& verified, bool abstained) {
  QaAnswer answer;
  answer.text = verified.text;
  answer.abstained = abstained;
  for (const VerifiedSentence& sentence : verified.sentences) {
    QaAnswer::Sentence s;
    s.citations = sentence.citations.size() + sentence.invalid_citations.size();
    for (const CitationCheck& check : sentence.citations) s.supported += check.supported;
    answer.sentences.push_back(s);
  }
  return answer;
}

std::string normalize_answer(std::string_view text) {
  const std::string folded = fold(text);
  // Punctuation removed (SQuAD deletes it: "18," -> "18"), then words split on whitespace.
  std::vector<std::string> words(1);
  size_t pos = 0;
  while (pos < folded.size()) {
    utf8proc_int32_t cp = 0;
    const auto n = utf8proc_iterate(reinterpret_cast<const utf8proc_uint8_t*>(folded.data() + pos),
                                    static_cast<utf8proc_ssize_t>(folded.size() - pos), &cp);
    const size_t length = n > 0 ? static_cast<size_t>(n) : 1;
    if (n > 0 && is_whitespace(cp)) {
      if (!words.back().empty()) words.emplace_back();
    } else if (n > 0 && !is_punctuation(cp)) {
      words.back().append(folded, pos, length);
    }
    pos += length;
  }
  std::string out;
  for (const std::string& word : words) {
    if (word.empty() || word == "a" || word == "an" || word == "the") continue;
    if (!out.empty()) out.push_back(' ');
    out += word;
  }
  return out;
}

bool answer_contains_gold(std::string_view answer, const std::vector<std::string>& gold) {
  const std::string haystack = " " + normalize_answer(answer) + " ";
  for (const std::string& g : gold) {
    const std::string needle = normalize_answer(g);
    if (needle.empty()) continue;
    if (haystack.find(" " + needle + " ") != std::string::npos) return true;
  }
  return false;
}

QaScore score_qa_answer(const QaQuestion& question, const QaAnswer& answer) {
  QaScore score;
  score.abstained = answer.abstained;
  score.answered = question.has_answer && !answer.abstained &&
                   answer_contains_gold(answer.text, question.answers);
  if (answer.abstained) return score;
  size_t citations = 0, supported = 0, sentences = 0, supported_sentences = 0;
  for (const QaAnswer::Sentence& s : answer.sentences) {
    citations += s.citations;
    supported += std::min(s.supported, s.citations);
    ++sentences;
    supported_sentences += s.supported > 0;
  }
  if (citations > 0) {
    score.citation_precision = static_cast<double>(supported) / static_cast<double>(citations);
  }
  if (sentences > 0) {
    score.citation_recall =
        static_cast<double>(supported_sentences) / static_cast<double>(sentences);
  }
  return score;
}

double nearest_rank_percentile(std::vector<double> values, double p) {
  if (values.empty()) return 0;
  std::sort(values.begin(), values.end());
  const auto rank = static_cast<size_t>(std::ceil(p / 100.0 * static_cast<double>(values.size())));
  return values[std::clamp<size_t>(rank, 1, values.size()) - 1];
}

}  // namespace ragd
