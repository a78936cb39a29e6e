#include "chat/answer_pipeline.h"

#include <algorithm>
#include <chrono>
#include <ctime>
#include <set>
#include <unordered_map>
#include <unordered_set>

#include <nlohmann/json.hpp>

#include "chat/answer_json.h"
#include "chat/pending_answer_state.h"
#include "common/dates.h"
#include "text/normalize.h"
#include "text/sentences.h"

namespace ragd {

namespace {

using Clock = std::chrono::steady_clock;

double ms_since(Clock::time_point start) {
  return std::chrono::duration<double, std::milli>(Clock::now() - start).count();
}

int32_t system_today() {
  return static_cast<int32_t>(std::time(nullptr) / 86400);
}

// Jaccard similarity of two analysed-term sets.
double term_jaccard(const std::vector<std::string>& a, const std::vector<std::string>& b) {
  std::set<std::string> sa(a.begin(), a.end());
  std::set<std::string> sb(b.begin(), b.end());
  if (sa.empty() || sb.empty()) return 0;
  size_t common = 0;
  for (const std::string& t : sa) common += sb.count(t);
  return static_cast<double>(common) / static_cast<double>(sa.size() + sb.size() - common);
}

void emit_text(const AnswerEvents& events, const std::string& text) {
  if (events.on_delta && !text.empty()) events.on_delta(text);
}

}  // namespace

AnswerPipeline::AnswerPipeline(AnswerPipelineDeps deps, AnswerPipelineConfig config)
    : deps_(std::move(deps)),
      config_(std::move(config)),
      sessions_(*deps_.store),
      history_(*deps_.store),
      memory_(sessions_, config_.memory, deps_.summarizer),
      rewriter_(),
      router_(deps_.domains, *deps_.analyzer, config_.routing),
      context_builder_(*deps_.analyzer, config_.context),
      verifier_(*deps_.analyzer, config_.citations, deps_.idf, deps_.embed),
      extractive_(*deps_.analyzer, config_.extractive, deps_.idf, deps_.document_frequency,
                  deps_.embed) {}

AnswerPipeline::~AnswerPipeline() = default;

Status AnswerPipeline::prepare(State& p) {
  const AnswerRequest& request = p.request;
  AnswerResult& result = p.result;
  p.today = config_.today ? config_.today() : system_today();

  // Memory: the session's recent turns, summaries of older ones, and recall of earlier
  // sessions. A new session is created only when the turn is to be stored.
  auto memory_start = Clock::now();
  p.session_id = request.session_id;
  if (p.session_id.empty() && request.persist) {
    auto session = sessions_.create_session(request.owner, deps_.collection_id, "");
    if (!session) return session.status();
    p.session_id = session->public_id;
  }
  if (!p.session_id.empty()) {
    auto memory = memory_.build(p.session_id, request.owner, request.question);
    if (!memory) {
      if (memory.status().code() == ErrorCode::kNotFound) {
        return Status::not_found("no session '" + p.session_id + "' for this user");
      }
      result.warnings.push_back("conversation memory unavailable");
    } else {
      p.memory = std::move(*memory);
      for (const std::string& w : p.memory.warnings) result.warnings.push_back(w);
    }
  }
  result.session_id = p.session_id;
  result.latency.memory_ms = ms_since(memory_start);

  // Rewrite, analyse, route.
  auto analysis_start = Clock::now();
  std::vector<ConversationTurn> turns = p.memory.turns;
  QueryRewrite rewrite = rewriter_.rewrite(request.question, turns, p.today);
  p.search_query = rewrite.query;
  result.rewritten_query = rewrite.query;
  result.rewritten = rewrite.changed;
  p.analysis = query_analyzer_.analyze(p.search_query, p.today);
  result.intent = query_intent_name(p.analysis.intent);
  for (const Entity& e : p.analysis.entities) result.entities.push_back(e.text);
  if (p.analysis.time.has_range()) {
    result.time_range = std::make_pair(
        p.analysis.time.from ? format_iso_date(*p.analysis.time.from) : std::string(),
        p.analysis.time.to ? format_iso_date(*p.analysis.time.to) : std::string());
  }
  if (!router_.domains().empty()) {
    p.route = router_.route(p.search_query, p.analysis);
    result.domain = p.route.primary;
    result.related_domains = p.route.related;
  }
  result.latency.analysis_ms = ms_since(analysis_start);
  return Status::ok();
}

void AnswerPipeline::retrieve(State& p) {
  const AnswerRequest& request = p.request;
  AnswerResult& result = p.result;
  auto start = Clock::now();
  // One search per share of the routing plan; hits are merged by chunk, best rank first
  // (the primary domain's share comes first, so its passages lead).
  std::vector<RetrievalShare> shares;
  if (p.route.routed() && request.filter.domains.empty()) {
    shares = router_.plan(p.route, request.k).shares;
  } else {
    shares.push_back(RetrievalShare{{}, request.k});
  }
  std::unordered_set<int64_t> seen;
  std::vector<SearchHit> hits;
  for (const RetrievalShare& share : shares) {
    if (share.k == 0) continue;
    SearchRequest search;
    search.query = p.search_query;
    search.k = share.k;
    search.filter = request.filter;
    if (!share.domains.empty()) search.filter.domains = share.domains;
    search.with_snippets = false;
    auto response = deps_.retrieve(search);
    if (!response) {
      p.retrieval_failed = true;
      result.warnings.push_back("retrieval failed");
      continue;
    }
    if (result.retrieval_strategy.empty()) result.retrieval_strategy = response->strategy;
    for (SearchHit& hit : response->hits) {
      if (seen.insert(hit.chunk_id).second) hits.push_back(std::move(hit));
    }
  }
  if (!hits.empty()) p.retrieval_failed = false;
  result.latency.retrieval_ms = ms_since(start);

  auto context_start = Clock::now();
  p.context = context_builder_.build(p.search_query, hits);
  result.passages = p.context.passages;
  result.latency.context_ms = ms_since(context_start);
}

void AnswerPipeline::apply_verification(const VerifiedAnswer& verified, AnswerResult& result) {
  result.answer = verified.text;
  result.unsupported_citations = verified.unsupported + verified.invalid_removed;
  result.sentences.clear();
  for (const VerifiedSentence& s : verified.sentences) {
    AnswerSentence sentence;
    sentence.text = s.text;
    sentence.best_support = s.best_support;
    sentence.citations_given = s.citations.size() + s.invalid_citations.size();
    for (const CitationCheck& c : s.citations) {
      if (!c.supported && config_.citations.policy == UnsupportedPolicy::kRemove) continue;
      sentence.citations.push_back(c.passage_number);
      sentence.support.push_back(c.support);
    }
    result.sentences.push_back(std::move(sentence));
  }
  result.citations.clear();
  for (const CitedPassage& c : verified.cited) {
    AnswerCitation citation;
    citation.number = c.number;
    citation.chunk_id = c.chunk_id;
    citation.document_id = c.document_id;
    citation.document_key = c.document_key;
    citation.title = c.title;
    citation.section_path = c.section_path;
    citation.span_begin = c.span_begin;
    citation.span_end = c.span_end;
    citation.excerpt = c.excerpt;
    citation.support = c.support;
    citation.supported = c.supported;
    result.citations.push_back(std::move(citation));
  }
}

void AnswerPipeline::render_prompt(State& p) {
  const AnswerRequest& request = p.request;
  PromptInputs inputs;
  inputs.question = request.question;
  if (request.enable_rag) inputs.context = p.context.rendered;
  std::string history = p.memory.session_summary;
  std::string memories = render_memories(p.memory.memories);
  if (!memories.empty()) history += (history.empty() ? "" : "\n\n") + memories;
  inputs.history = history;
  inputs.turns = p.memory.history;
  inputs.today = format_iso_date(p.today);
  inputs.collection = config_.collection_name;

  CompletionRequest& completion = p.completion;
  completion.messages = deps_.prompts.render(inputs);
  completion.max_tokens = request.max_tokens;
  completion.temperature = request.temperature;
  completion.traceparent = request.traceparent;
}

bool AnswerPipeline::answer_from_similar(State& p, const AnswerEvents& events) {
  AnswerResult& result = p.result;
  auto past = history_.recent(deps_.collection_id, {answer_strategy_name(AnswerStrategy::kLlm)},
                              config_.similar_answer_candidates);
  if (!past) {
    result.degradations.push_back({"cached", "store_unavailable"});
    return false;
  }
  std::vector<std::string> terms;
  deps_.analyzer->analyze(p.search_query, terms);
  std::vector<std::string> past_terms;
  const PastAnswer* best = nullptr;
  double best_similarity = 0;
  for (const PastAnswer& answer : *past) {
    const std::string& question =
        answer.rewritten_query.empty() ? answer.question : answer.rewritten_query;
    past_terms.clear();
    deps_.analyzer->analyze(question, past_terms);
    double similarity = term_jaccard(terms, past_terms);
    if (similarity > best_similarity) {
      best_similarity = similarity;
      best = &answer;
    }
  }
  if (best == nullptr || best_similarity < config_.similar_question_threshold) {
    result.degradations.push_back({"cached", "no_similar_answer"});
    return false;
  }
  result.answer = best->answer;
  result.citations = citations_from_json(nlohmann::json::parse(best->citations_json, nullptr, false));
  result.model = best->model;
  result.strategy = AnswerStrategy::kCached;
  result.cached = true;
  emit_text(events, result.answer);
  return true;
}

void AnswerPipeline::answer_extractively(State& p, const AnswerEvents& events) {
  AnswerResult& result = p.result;
  auto start = Clock::now();
  ExtractiveAnswer extracted = extractive_.answer(p.search_query, p.context.passages);
  result.latency.generation_ms += ms_since(start);
  result.strategy = AnswerStrategy::kExtractive;
  result.model = "extractive";
  result.provider.clear();
  result.abstained = extracted.abstained;
  auto verify_start = Clock::now();
  if (extracted.abstained) {
    result.answer = extracted.text;
    result.sentences.clear();
    result.citations.clear();
  } else {
    apply_verification(verifier_.verify(extracted.text, p.context.passages), result);
  }
  result.latency.verification_ms += ms_since(verify_start);
  result.usage = TokenUsage{static_cast<int64_t>(count_tokens(p.search_query)),
                            static_cast<int64_t>(count_tokens(result.answer)), true};
  emit_text(events, result.answer);
}

void AnswerPipeline::answer_with_template(AnswerResult& result, const AnswerEvents& events) {
  result.strategy = AnswerStrategy::kTemplate;
  result.model = "template";
  result.provider.clear();
  result.answer = config_.fallback_text;
  result.citations.clear();
  result.sentences.clear();
  emit_text(events, result.answer);
}

void AnswerPipeline::persist(State& p) {
  const AnswerRequest& request = p.request;
  AnswerResult& result = p.result;
  if (!request.persist || p.session_id.empty()) return;
  auto start = Clock::now();
  TurnRecord record;
  record.question = request.question;
  record.rewritten_query = result.rewritten ? result.rewritten_query : std::string();
  record.answer = result.answer;
  record.citations_json = citations_to_json(result.citations).dump();
  record.strategy = answer_strategy_name(result.strategy);
  record.model = result.model;
  record.prompt_tokens = result.usage.prompt_tokens;
  record.completion_tokens = result.usage.completion_tokens;
  record.latency_json = latency_to_json(result.latency).dump();
  auto turn = sessions_.append_turn(p.session_id, request.owner, record);
  if (turn) {
    result.message_id = turn->public_id;
  } else {
    result.warnings.push_back("the turn could not be stored");
  }
  result.latency.persist_ms = ms_since(start);
}

Result<std::unique_ptr<PendingAnswer>> AnswerPipeline::begin(const AnswerRequest& request,
                                                             const AnswerEvents& events) {
  if (request.question.find_first_not_of(" \t\r\n") == std::string::npos) {
    return Status::invalid("the question is empty");
  }
  if (!is_valid_utf8(request.question)) {
    return Status::invalid("the question is not valid UTF-8");
  }
  auto state = std::make_unique<State>();
  State& p = *state;
  if (request.enable_rag && deps_.prefetch_query) deps_.prefetch_query(request.question);
  p.start = Clock::now();
  p.request = request;
  p.collection_id = deps_.collection_id;
  Status prepared = prepare(p);
  if (!prepared.is_ok()) return prepared;

  if (request.enable_rag) retrieve(p);
  if (events.on_sources) events.on_sources(p.context.passages);

  bool nothing_found = request.enable_rag && p.context.passages.empty();
  if (nothing_found && !p.retrieval_failed) {
    // No relevant passage: say so; the LLM is not asked to answer from nothing.
    p.abstain = true;
    p.result.answer = config_.extractive.abstain_text;
    p.result.abstained = true;
    p.result.strategy = deps_.llm ? AnswerStrategy::kLlm : AnswerStrategy::kExtractive;
    p.result.model = deps_.llm ? "" : "extractive";
  } else if (deps_.llm && !(nothing_found && p.retrieval_failed)) {
    p.needs_generation = true;
    render_prompt(p);
  }
  // Only begin() reads the memory, and a pending answer may wait minutes among thousands.
  p.memory = ConversationContext{};
  return std::unique_ptr<PendingAnswer>(new PendingAnswer(std::move(state)));
}

Result<AnswerResult> AnswerPipeline::finish(std::unique_ptr<PendingAnswer> pending,
                                            const AnswerEvents& events,
                                            const std::atomic<bool>* cancel) {
  if (pending == nullptr || pending->state_ == nullptr) {
    return Status::invalid("no pending answer to finish");
  }
  State& p = *pending->state_;
  if (p.collection_id != deps_.collection_id) {
    return Status::invalid("the answer was begun on another collection");
  }
  const AnswerRequest& request = p.request;
  AnswerResult& result = p.result;
  bool cancelled = cancel && cancel->load();

  bool answered = false;
  if (p.abstain) {
    emit_text(events, result.answer);
    answered = true;
  } else if (p.needs_generation) {
    if (p.generated) {
      auto verify_start = Clock::now();
      if (request.enable_rag) {
        apply_verification(verifier_.verify(p.generated->text, p.context.passages), result);
      } else {
        result.answer = p.generated->text;
      }
      result.latency.verification_ms = ms_since(verify_start);
      answered = true;
    } else {
      if (!p.generation_ran) {
        result.degradations.push_back({"llm", cancelled ? "cancelled" : "not_run"});
      }
      if (!cancelled) answered = answer_from_similar(p, events);
    }
  }
  if (!answered && !p.context.passages.empty()) {
    answer_extractively(p, events);
    answered = true;
  }
  if (!answered) answer_with_template(result, events);

  if (result.strategy == AnswerStrategy::kLlm && !result.abstained &&
      result.citations.empty() && request.enable_rag) {
    result.warnings.push_back("the answer cites no passage");
  }
  if (events.on_citation) {
    for (const AnswerCitation& c : result.citations) events.on_citation(c);
  }
  result.latency.total_ms = ms_since(p.start);
  persist(p);
  result.latency.total_ms = ms_since(p.start);
  double llm_time = result.strategy == AnswerStrategy::kLlm ? result.latency.generation_ms : 0;
  result.latency.overhead_ms = result.latency.total_ms - llm_time;
  return std::move(result);
}

Result<AnswerResult> AnswerPipeline::answer(const AnswerRequest& request,
                                            const AnswerEvents& events,
                                            const std::atomic<bool>* cancel) {
  auto pending = begin(request, events);
  if (!pending) return pending.status();
  if ((*pending)->needs_generation()) (*pending)->generate(*deps_.llm, events, cancel);
  return finish(std::move(*pending), events, cancel);
}

}  // namespace ragd
