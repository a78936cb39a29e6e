// How `ragd ask` and `ragd chat` print an answer for people: the answer text, then the
// passages its citations point to (title, section, byte span, excerpt), then one line
// saying which rung answered and how long it took.
#pragma once

#include <string>

#include "chat/answer.h"

namespace ragd::cli {

// Everything after the answer text: the "Sources" block and the status line.
std::string format_sources(const AnswerResult& result, bool terminal);

// The answer text followed by format_sources().
std::string format_answer(const AnswerResult& result, bool terminal);

}  // namespace ragd::cli
