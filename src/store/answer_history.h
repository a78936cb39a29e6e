// AnswerHistory: read access to earlier answers of a collection across all of its chat
// sessions, for the degradation ladder's "cached answer to a very similar question" rung.
//
// Only turns whose strategy is one of `strategies` count (answers an LLM produced, not
// earlier fallbacks). Shares the Store's connection. Thread-safety: like Store, one thread.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "common/status.h"
#include "store/store.h"

namespace ragd {

struct PastAnswer {
  std::string question;
  std::string rewritten_query;
  std::string answer;
  std::string citations_json;
  std::string model;
  int64_t created_at = 0;
};

class AnswerHistory {
 public:
  explicit AnswerHistory(Store& store) : store_(store) {}

  // The newest `limit` answers of `collection_id` with one of `strategies`, newest first.
  Result<std::vector<PastAnswer>> recent(int64_t collection_id,
                                         const std::vector<std::string>& strategies,
                                         size_t limit);

 private:
  Store& store_;
};

}  // namespace ragd
