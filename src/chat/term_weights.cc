#include "chat/term_weights.h"

#include <cmath>
#include <unordered_set>

namespace ragd {

void DocumentFrequencies::add_document(const std::vector<std::string>& terms) {
  ++documents_;
  std::unordered_set<std::string_view> seen;
  for (const std::string& term : terms) {
    if (seen.insert(term).second) ++frequencies_[term];
  }
}

uint64_t DocumentFrequencies::frequency(std::string_view term) const {
  auto it = frequencies_.find(std::string(term));
  return it == frequencies_.end() ? 0 : it->second;
}

double DocumentFrequencies::idf(std::string_view term) const {
  const double n = static_cast<double>(documents_);
  const double df = static_cast<double>(frequency(term));
  return std::log(1.0 + (n - df + 0.5) / (df + 0.5));
}

TermIdf DocumentFrequencies::as_function() const {
  return [this](std::string_view term) { return idf(term); };
}

TermDocumentFrequency DocumentFrequencies::frequency_function() const {
  return [this](std::string_view term) { return frequency(term); };
}

}  // namespace ragd
