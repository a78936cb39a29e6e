#include "server/chat_runner.h"

#include "chat/answer_json.h"
#include "server/api_error.h"
#include "server/search_support.h"

namespace ragd::server {

namespace {

// What the cache keeps of an answer: enough to answer again (no session, no message id).
std::string cache_payload(const AnswerResult& r) {
  return json_text({{"answer", r.answer},
                    {"abstained", r.abstained},
                    {"strategy", answer_strategy_name(r.strategy)},
                    {"model", r.model},
                    {"citations", citations_to_json(r.citations)},
                    {"prompt_tokens", r.usage.prompt_tokens},
                    {"completion_tokens", r.usage.completion_tokens}});
}

std::optional<AnswerResult> from_payload(const std::string& payload) {
  auto j = nlohmann::json::parse(payload, nullptr, false);
  if (!j.is_object()) return std::nullopt;
  AnswerResult r;
  r.answer = j.value("answer", "");
  r.abstained = j.value("abstained", false);
  std::string strategy = j.value("strategy", "extractive");
  r.strategy = strategy == "llm" ? AnswerStrategy::kLlm
               : strategy == "cached" ? AnswerStrategy::kCached
               : strategy == "template" ? AnswerStrategy::kTemplate
                                        : AnswerStrategy::kExtractive;
  r.model = j.value("model", "");
  r.usage.prompt_tokens = j.value("prompt_tokens", int64_t{0});
  r.usage.completion_tokens = j.value("completion_tokens", int64_t{0});
  if (j.contains("citations")) r.citations = citations_from_json(j["citations"]);
  return r;
}

void record_metrics(Services& services, const AnswerResult& r) {
  const char* strategy = answer_strategy_name(r.strategy);
  services.metrics.answers.with({strategy}).inc();
  services.metrics.retrieval_seconds.with({"answer"}).observe(r.latency.retrieval_ms / 1000);
  services.metrics.generation_seconds.with({strategy}).observe(r.latency.generation_ms / 1000);
  services.metrics.llm_tokens.with({"prompt"}).inc(static_cast<double>(r.usage.prompt_tokens));
  services.metrics.llm_tokens.with({"completion"}).inc(static_cast<double>(r.usage.completion_tokens));
}

// The question's embedding for the semantic cache, when the collection has a model.
std::vector<float> question_vector(CollectionReader& reader, const std::string& question) {
  if (!reader.handle.provider) return {};
  auto v = reader.handle.provider->embed({std::string_view(question)}, EmbedPurpose::kQuery);
  if (!v.is_ok() || v->size() != reader.handle.provider->dimension()) return {};
  return std::move(v).value();
}

}  // namespace

ChatError chat_error(const Status& status) {
  switch (status.code()) {
    case ErrorCode::kNotFound: return {404, error_code::kNotFound, status.message()};
    case ErrorCode::kInvalidArgument: return {422, error_code::kValidation, status.message()};
    default: return {503, error_code::kUnavailable, "the answer could not be produced now"};
  }
}

Response chat_error_response(const Status& status, const std::string& request_id) {
  ChatError error = chat_error(status);
  return error_response(error.status, error.code, error.message, request_id);
}

nlohmann::json citation_json(const AnswerCitation& c) {
  nlohmann::json j = nlohmann::json(citation_to_json(c));
  j["chunk_id"] = c.chunk_id;
  return j;
}

nlohmann::json chat_response_json(const ChatOutcome& outcome) {
  const AnswerResult& r = outcome.result;
  nlohmann::json citations = nlohmann::json::array();
  for (const AnswerCitation& c : r.citations) citations.push_back(citation_json(c));
  nlohmann::json degradations = nlohmann::json::array();
  for (const Degradation& d : r.degradations) degradations.push_back({{"rung", d.rung}, {"reason", d.reason}});
  return {{"answer", r.answer},
          {"citations", citations},
          {"strategy", answer_strategy_name(r.strategy)},
          {"abstained", r.abstained},
          {"model", r.model},
          {"usage", {{"prompt_tokens", r.usage.prompt_tokens},
                     {"completion_tokens", r.usage.completion_tokens}}},
          {"latency", latency_to_json(r.latency)},
          {"session_id", r.session_id.empty() ? nlohmann::json(nullptr) : nlohmann::json(r.session_id)},
          {"message_id", r.message_id.empty() ? nlohmann::json(nullptr) : nlohmann::json(r.message_id)},
          {"cached", outcome.cached},
          {"degradations", degradations},
          {"warnings", r.warnings}};
}

void run_chat(Services& services, ChatJob job, AnswerEvents events,
              std::shared_ptr<std::atomic<bool>> cancel, ChatDone done) {
  auto reader = services.readers().get(job.collection);
  if (!reader.is_ok()) {
    done(reader.status().code() == ErrorCode::kNotFound
             ? Status::not_found("no collection '" + job.public_collection + "'")
             : Status::error(ErrorCode::kBusy, "the collection cannot be opened now"));
    return;
  }
  CollectionReader& r = **reader;
  // Clients see documents by their public keys.
  std::string collection = job.collection;
  if (events.on_sources) {
    events.on_sources = [&services, collection, inner = events.on_sources](const std::vector<Passage>& passages) {
      std::vector<Passage> copy = passages;
      for (Passage& p : copy) p.document_key = services.public_key(collection, p.document_key);
      inner(copy);
    };
  }
  if (events.on_citation) {
    events.on_citation = [&services, collection, inner = events.on_citation](const AnswerCitation& c) {
      AnswerCitation copy = c;
      copy.document_key = services.public_key(collection, c.document_key);
      inner(copy);
    };
  }
  if (job.document_key) {
    auto document = r.handle.store->find_document(r.handle.collection.id, *job.document_key);
    if (!document.is_ok() || !document->has_value()) {
      done(Status::not_found("no document '" + job.document_key->substr(0, 300) + "'"));
      return;
    }
    job.request.filter.document_ids.push_back((*document)->id);
  }

  // The cache serves first turns only: a follow-up's answer depends on its conversation.
  bool cacheable = services.config.cache_enabled && job.use_cache && job.request.session_id.empty();
  CacheLookupKey key{Services::cache_scope(job.collection), job.request.question, job.cache_options,
                     static_cast<int64_t>(services.catalog.version(job.collection))};
  std::vector<float> vector;
  if (cacheable) {
    vector = question_vector(r, job.request.question);
    auto hit = services.cache.lookup(key, vector.empty() ? nullptr : &vector);
    auto cached = hit ? from_payload(hit->payload) : std::nullopt;
    services.metrics.cache_lookups.with({!cached ? "miss" : hit->semantic ? "semantic_hit" : "exact_hit"}).inc();
    if (cached) {
      if (events.on_sources) events.on_sources({});
      if (events.on_delta) events.on_delta(cached->answer);
      if (events.on_citation) {
        for (const AnswerCitation& c : cached->citations) events.on_citation(c);
      }
      cached->session_id = job.request.session_id;
      done(ChatOutcome{std::move(*cached), true});
      return;
    }
  }

  auto pending = r.pipeline->begin(job.request, events);
  if (!pending.is_ok()) {
    done(pending.status());
    return;
  }
  auto finish = [&services, job, events, cancel, done, cacheable, key,
                 vector](std::unique_ptr<PendingAnswer> p, CollectionReader& fin) mutable {
    auto result = fin.pipeline->finish(std::move(p), events, cancel.get());
    if (!result.is_ok()) {
      done(result.status());
      return;
    }
    record_metrics(services, *result);
    for (AnswerCitation& c : result->citations) c.document_key = services.public_key(job.collection, c.document_key);
    for (Passage& p : result->passages) p.document_key = services.public_key(job.collection, p.document_key);
    bool degraded = !result->degradations.empty() && result->strategy != AnswerStrategy::kLlm;
    if (cacheable && !degraded && result->strategy != AnswerStrategy::kTemplate &&
        !(cancel && cancel->load())) {
      services.cache.store(key, cache_payload(*result), vector);
    }
    done(ChatOutcome{std::move(result).value(), false});
  };
  if (!(*pending)->needs_generation() || !services.llm) {
    finish(std::move(pending).value(), r);
    return;
  }
  // Generation waits on the LLM for seconds or minutes: off the workers.
  auto holder = std::make_shared<std::unique_ptr<PendingAnswer>>(std::move(pending).value());
  ++services.generations;
  run_on_small_thread([&services, holder, events, cancel, finish, done,
                       collection = job.collection, public_name = job.public_collection]() mutable {
    (*holder)->generate(*services.llm, events, cancel.get());
    services.workers.post([&services, holder, finish, done, collection, public_name]() mutable {
      auto reader = services.readers().get(collection);
      if (!reader.is_ok()) {
        done(Status::not_found("the collection '" + public_name + "' went away mid-answer"));
      } else {
        finish(std::move(*holder), **reader);
      }
      --services.generations;
    });
  });
}

}  // namespace ragd::server
