// ChatRunner: one answer for the chat routes (/v1/chat and /v1/chat/completions): the
// response cache, then the answer pipeline's three phases — begin on the calling worker,
// the LLM generation on a small thread of its own (so that thousands of slow streams do not
// hold the workers), finish back on a worker — and the metrics of the outcome.
// Thread-safety: run() is called on a worker thread; `done` is called exactly once, on a
// worker thread; the events are called in order, never concurrently.
#pragma once

#include <atomic>
#include <functional>
#include <memory>
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "chat/answer.h"
#include "server/http_message.h"
#include "server/services.h"

namespace ragd::server {

struct ChatJob {
  std::string collection = "default";         // the stored (organisation-scoped) name
  std::string public_collection = "default";  // as the client named it
  AnswerRequest request;
  std::optional<std::string> document_key;  // filters.document, resolved against the collection
  bool use_cache = true;
  std::string cache_options;  // canonical filters and answer options (part of the cache key)
};

struct ChatOutcome {
  AnswerResult result;
  bool cached = false;
};

// Called with the outcome, or with an error status for the caller's own mistakes (unknown
// collection or session: kNotFound; empty question: kInvalidArgument).
using ChatDone = std::function<void(Result<ChatOutcome>)>;

void run_chat(Services& services, ChatJob job, AnswerEvents events,
              std::shared_ptr<std::atomic<bool>> cancel, ChatDone done);

// How a failed answer is reported (JSON response or `error` event): the caller's own mistakes
// (kNotFound, kInvalidArgument) with their message, anything else as 503 without detail.
struct ChatError {
  int status = 503;
  const char* code = "unavailable";
  std::string message;
};
ChatError chat_error(const Status& status);
Response chat_error_response(const Status& status, const std::string& request_id);

// The /v1/chat citation object.
nlohmann::json citation_json(const AnswerCitation& citation);
// The /v1/chat response body.
nlohmann::json chat_response_json(const ChatOutcome& outcome);

}  // namespace ragd::server
