// AnswerType: what kind of thing a question asks for, from its question words ("who" ->
// a person, "when" / "what year" -> a date, "how many" -> a number, "where" -> a place), and
// whether a sentence offers a candidate of that kind that the question does not already
// name. A cue for ranking answer sentences, never a filter on its own.
// Pure functions; thread-safe.
#pragma once

#include <string>
#include <string_view>
#include <unordered_set>

namespace ragd {

enum class AnswerType { kUnknown, kPerson, kDate, kNumber, kPlace };

const char* answer_type_name(AnswerType type);

// The first question phrase found decides ("what year did who ..." -> kDate).
AnswerType detect_answer_type(std::string_view question);

// Lower-cased (ASCII) surface words of `text`, for novelty checks.
std::unordered_set<std::string> surface_words(std::string_view text);

// Whether `sentence` holds a candidate of `type` whose words are not all in
// `question_words` (from surface_words). kUnknown: always false.
bool has_answer_candidate(AnswerType type, std::string_view sentence,
                          const std::unordered_set<std::string>& question_words);

}  // namespace ragd
