#include "chat/answer_json.h"

namespace ragd {

const char* answer_strategy_name(AnswerStrategy strategy) {
  switch (strategy) {
    case AnswerStrategy::kLlm: return "llm";
    case AnswerStrategy::kCached: return "cached";
    case AnswerStrategy::kExtractive: return "extractive";
    case AnswerStrategy::kTemplate: return "template";
  }
  return "unknown";
}

nlohmann::ordered_json citation_to_json(const AnswerCitation& c) {
  return {{"number", c.number},
          {"document", c.document_key},
          {"document_id", c.document_id},
          {"chunk", c.chunk_id},
          {"span", {{"begin", c.span_begin}, {"end", c.span_end}}},
          {"title", c.title},
          {"section", c.section_path},
          {"excerpt", c.excerpt},
          {"support", c.support},
          {"supported", c.supported}};
}

nlohmann::ordered_json citations_to_json(const std::vector<AnswerCitation>& citations) {
  nlohmann::ordered_json out = nlohmann::ordered_json::array();
  for (const AnswerCitation& c : citations) out.push_back(citation_to_json(c));
  return out;
}

std::vector<AnswerCitation> citations_from_json(const nlohmann::json& json) {
  std::vector<AnswerCitation> out;
  if (!json.is_array()) return out;
  for (const auto& c : json) {
    if (!c.is_object()) continue;
    AnswerCitation citation;
    citation.number = c.value("number", 0);
    citation.document_key = c.value("document", std::string());
    citation.document_id = c.value("document_id", int64_t{0});
    citation.chunk_id = c.value("chunk", int64_t{0});
    citation.title = c.value("title", std::string());
    citation.section_path = c.value("section", std::string());
    citation.excerpt = c.value("excerpt", std::string());
    citation.support = c.value("support", 0.0);
    citation.supported = c.value("supported", false);
    if (c.contains("span") && c["span"].is_object()) {
      citation.span_begin = c["span"].value("begin", int64_t{0});
      citation.span_end = c["span"].value("end", int64_t{0});
    }
    out.push_back(std::move(citation));
  }
  return out;
}

nlohmann::ordered_json passage_to_json(const Passage& p) {
  return {{"number", p.number},
          {"chunk", p.chunk_id},
          {"document", p.document_key},
          {"title", p.title},
          {"section", p.section_path},
          {"date", p.date ? nlohmann::ordered_json(*p.date) : nullptr},
          {"span", {{"begin", p.begin}, {"end", p.end}}},
          {"score", p.retrieval_score},
          {"text", p.text}};
}

nlohmann::ordered_json latency_to_json(const AnswerLatency& l) {
  return {{"memory", l.memory_ms},         {"analysis", l.analysis_ms},
          {"retrieval", l.retrieval_ms},   {"context", l.context_ms},
          {"generation", l.generation_ms}, {"first_token", l.first_token_ms},
          {"verification", l.verification_ms}, {"persist", l.persist_ms},
          {"overhead", l.overhead_ms},     {"total", l.total_ms}};
}

nlohmann::ordered_json answer_to_json(const AnswerRequest& request, const AnswerResult& r) {
  nlohmann::ordered_json sentences = nlohmann::ordered_json::array();
  for (const AnswerSentence& s : r.sentences) {
    sentences.push_back({{"text", s.text},
                         {"citations", s.citations},
                         {"support", s.support},
                         {"best_support", s.best_support}});
  }
  nlohmann::ordered_json passages = nlohmann::ordered_json::array();
  for (const Passage& p : r.passages) passages.push_back(passage_to_json(p));
  nlohmann::ordered_json degradations = nlohmann::ordered_json::array();
  for (const Degradation& d : r.degradations) {
    degradations.push_back({{"rung", d.rung}, {"reason", d.reason}});
  }
  nlohmann::ordered_json time_range = nullptr;
  if (r.time_range) time_range = {{"from", r.time_range->first}, {"to", r.time_range->second}};
  return {{"answer", r.answer},
          {"abstained", r.abstained},
          {"citations", citations_to_json(r.citations)},
          {"sentences", sentences},
          {"strategy", answer_strategy_name(r.strategy)},
          {"cached", r.cached},
          {"model", r.model},
          {"provider", r.provider},
          {"usage",
           {{"prompt_tokens", r.usage.prompt_tokens},
            {"completion_tokens", r.usage.completion_tokens},
            {"counted_locally", r.usage.counted_locally}}},
          {"latency_ms", latency_to_json(r.latency)},
          {"query",
           {{"original", request.question},
            {"rewritten", r.rewritten_query},
            {"was_rewritten", r.rewritten},
            {"intent", r.intent},
            {"entities", r.entities},
            {"time_range", time_range},
            {"domain", r.domain},
            {"related_domains", r.related_domains},
            {"retrieval", r.retrieval_strategy}}},
          {"unsupported_citations_removed", r.unsupported_citations},
          {"passages", passages},
          {"degradations", degradations},
          {"warnings", r.warnings},
          {"session_id", r.session_id},
          {"message_id", r.message_id}};
}

}  // namespace ragd
