// ConversationTurn: one earlier question and answer of a chat session, as the query rewriter
// and the history prompt see them. A plain value; thread-safe to share read-only.
#pragma once

#include <string>

namespace ragd {

struct ConversationTurn {
  std::string question;         // as the user asked it
  std::string rewritten_query;  // what was searched, when the rewriter changed it; else empty
  std::string answer;           // the answer text shown (citations such as [1] included)

  // The self-contained form of the question: the rewrite when there is one.
  const std::string& resolved_question() const {
    return rewritten_query.empty() ? question : rewritten_query;
  }
};

}  // namespace ragd
