// JSON forms of an answer (chat/answer.h), shared by `ragd ask --json`, the stored turns and,
// the HTTP API, so every surface shows the same fields under the same names.
#pragma once

#include <nlohmann/json.hpp>
#include <vector>

#include "chat/answer.h"

namespace ragd {

// {"number","document","document_id","chunk","span":{"begin","end"},"title","section",
//  "excerpt","support","supported"}
nlohmann::ordered_json citation_to_json(const AnswerCitation& citation);
nlohmann::ordered_json citations_to_json(const std::vector<AnswerCitation>& citations);
// The reverse, for stored or cached answers: objects that are not citations are skipped and
// anything but an array gives none (the answer text stays usable).
std::vector<AnswerCitation> citations_from_json(const nlohmann::json& json);

// {"number","chunk","document","title","section","date","span","score","text"}
nlohmann::ordered_json passage_to_json(const Passage& passage);

// The whole answer: answer, abstained, citations, sentences, strategy, cached, model,
// provider, usage {prompt_tokens, completion_tokens, counted_locally}, latency_ms {...},
// query {original, rewritten, intent, entities, time_range, domain, related_domains,
// retrieval}, passages, degradations, warnings, session_id, message_id.
nlohmann::ordered_json answer_to_json(const AnswerRequest& request, const AnswerResult& result);

nlohmann::ordered_json latency_to_json(const AnswerLatency& latency);

}  // namespace ragd
