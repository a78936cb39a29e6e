#include "chat/compound_words.h"

#include <cstdlib>

namespace ragd {

std::vector<std::string> split_compound(std::string_view term, const Analyzer& analyzer,
                                        const TermDocumentFrequency& document_frequency,
                                        size_t min_part) {
  if (!document_frequency || term.size() < 2 * min_part) return {};
  for (char c : term) {
    // Only plain ASCII letters: byte positions in other scripts may split a character.
    if (c < 'a' || c > 'z') return {};
  }
  std::vector<std::string> best;
  size_t best_imbalance = term.size();
  std::vector<std::string> left, right;
  for (size_t cut = min_part; cut + min_part <= term.size(); ++cut) {
    const size_t imbalance =
        static_cast<size_t>(std::abs(static_cast<long>(2 * cut) - static_cast<long>(term.size())));
    if (imbalance >= best_imbalance) continue;
    left.clear();
    right.clear();
    analyzer.analyze(term.substr(0, cut), left);
    analyzer.analyze(term.substr(cut), right);
    if (left.size() != 1 || right.size() != 1) continue;  // a stopword half says nothing
    if (document_frequency(left[0]) == 0 || document_frequency(right[0]) == 0) continue;
    best = {left[0], right[0]};
    best_imbalance = imbalance;
  }
  return best;
}

}  // namespace ragd
