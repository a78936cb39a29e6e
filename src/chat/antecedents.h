// Antecedents: what an earlier question of a conversation was about, so that a follow-up's
// pronouns and fragments can be resolved. The topic is a noun phrase of the question ("the
// Reserve tier", "the return policy for merchandise", "ACV-POL-0215"), found from its entities
// and from copula patterns ("What is X?", "Tell me about X", "How much does X cost?"); the
// person is a multi-word name; the place is a named entity.
// Heuristic, deterministic. Pure functions; thread-safe.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "chat/conversation_turn.h"

namespace ragd {

struct Span {
  size_t begin = 0;
  size_t end = 0;
};

// The byte span of the topic noun phrase of `question`, including a leading "the".
std::optional<Span> find_topic_span(std::string_view question, int32_t today);

struct Referents {
  std::string topic;                  // empty when none
  std::string person;                 // a multi-word name from the question, else from the answer
  std::string place;                  // a named entity of the question (with its "the")
  std::vector<std::string> keywords;  // content words of the question, for a last resort
};

Referents find_referents(const ConversationTurn& turn, int32_t today);

}  // namespace ragd
