#include "chat/pending_answer.h"

#include <utility>

#include "chat/pending_answer_state.h"

namespace ragd {

PendingAnswer::PendingAnswer(std::unique_ptr<State> state) : state_(std::move(state)) {}

PendingAnswer::~PendingAnswer() = default;

bool PendingAnswer::needs_generation() const {
  return state_->needs_generation && !state_->generation_ran;
}

const std::string& PendingAnswer::session_id() const {
  return state_->session_id;
}

void PendingAnswer::generate(LlmProvider& llm, const AnswerEvents& events,
                             const std::atomic<bool>* cancel) {
  State& s = *state_;
  if (!s.needs_generation || s.generation_ran) return;
  s.generation_ran = true;
  AnswerResult& result = s.result;
  s.completion.stream = static_cast<bool>(events.on_delta);

  auto start = State::Clock::now();
  bool first = true;
  DeltaCallback on_delta = [&](std::string_view delta) {
    if (first) {
      result.latency.first_token_ms = State::ms_since(start);
      first = false;
    }
    return events.on_delta ? events.on_delta(delta) : true;
  };
  CompletionOutcome outcome = llm.complete(s.completion, on_delta, cancel);
  result.latency.generation_ms = State::ms_since(start);
  if (!outcome) {
    // The kind's name, never the message, which may carry upstream text.
    const LlmError& error = outcome.error();
    std::string reason = llm_error_kind_name(error.kind);
    result.degradations.push_back({"llm", reason});
    if (error.partial_output && events.on_retract) events.on_retract(reason);
    return;
  }
  CompletionResult& completion = outcome.value();
  result.model = completion.model;
  result.provider = completion.provider;
  result.usage = completion.usage;
  result.strategy = AnswerStrategy::kLlm;
  s.generated = std::move(completion);
}

}  // namespace ragd
