// PendingAnswer: one answer between the phases of AnswerPipeline (answer_pipeline.h) —
// begin() has retrieved and built the context, the LLM call (generate) may still be due,
// finish() verifies, degrades and persists. It lets a server run the long LLM call outside
// the thread that owns the pipeline:
//
//   auto pending = pipeline.begin(request, events);        // the pipeline's thread
//   if ((*pending)->needs_generation())
//     (*pending)->generate(llm, events, cancel);           // any thread
//   auto result = pipeline.finish(std::move(*pending), events, cancel);  // a pipeline's thread
//
// It holds only values (no reference to the pipeline, its store or a thread), so it may move
// between threads, and finish() may run on another pipeline of the same collection.
//
// Thread-safety: not thread-safe; one phase at a time. generate() calls events.on_delta and
// events.on_retract on the thread that runs it.
#pragma once

#include <atomic>
#include <memory>
#include <string>

#include "chat/answer.h"
#include "llm/llm_provider.h"

namespace ragd {

class AnswerPipeline;

class PendingAnswer {
 public:
  ~PendingAnswer();
  PendingAnswer(const PendingAnswer&) = delete;
  PendingAnswer& operator=(const PendingAnswer&) = delete;

  // Whether an LLM call must run before finish(): false when the answer is decided already
  // (no LLM configured, nothing relevant found, retrieval failed with nothing to answer from),
  // and after generate() ran.
  bool needs_generation() const;

  // The LLM call. Uses only `llm` (thread-safe by its contract) and this object's values.
  // Streams deltas to events.on_delta (its false return cancels, as does `cancel`), records
  // first-token and generation times; a failure is recorded for finish() (which degrades to
  // the lower rungs), and text already streamed is withdrawn with events.on_retract.
  // Call at most once, only when needs_generation(); other calls do nothing.
  void generate(LlmProvider& llm, const AnswerEvents& events, const std::atomic<bool>* cancel);

  // The session the turn belongs to (created by begin() when the request had none and is to
  // be persisted); empty when nothing is stored.
  const std::string& session_id() const;

 private:
  friend class AnswerPipeline;
  struct State;  // pending_answer_state.h
  explicit PendingAnswer(std::unique_ptr<State> state);

  std::unique_ptr<State> state_;
};

}  // namespace ragd
