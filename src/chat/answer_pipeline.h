// AnswerPipeline: a question in, a grounded answer out — the orchestration of every stage of
// `ask`: session memory -> follow-up rewrite -> query analysis -> domain routing ->
// retrieval -> context -> generation -> citation verification -> persisted turn.
//
// The degradation ladder (every answer says which rung produced it, none is a bare error):
//   1. llm        the LLM provider chain answers from the context (streamed);
//   2. cached     when generation fails: an earlier LLM answer of this collection to a very
//                 similar question (analysed-term Jaccard >= similar_question_threshold);
//   3. extractive the built-in extractive answerer over the retrieved passages (the first
//                 rung when no LLM is configured);
//   4. template   the configured fallback text, when even retrieval failed.
// With no relevant passage the answer is the explicit "does not say" text with no citations
// (the LLM is not asked then). Every [n] in an answer is checked against passage n
// (CitationVerifier): markers naming no passage and unsupported citations are removed.
//
// Errors are returned only for the caller's own mistakes (an empty question: kInvalidArgument;
// a session that is not the owner's: kNotFound); failures of the LLM, retrieval or the store
// degrade the answer and are reported in `degradations` / `warnings`.
//
// answer() runs three phases that a caller may also run apart (a server keeps the pipeline on
// its thread and runs the minutes-long LLM call elsewhere): begin() -> PendingAnswer::generate
// (pending_answer.h) -> finish(). answer() is exactly begin + generate + finish.
//
// Thread-safety: not thread-safe (it uses one Store connection through the session store);
// use one pipeline per thread. The dependencies must outlive it. A PendingAnswer holds no
// reference to the pipeline: it may be finished by another pipeline of the same collection.
#pragma once

#include <atomic>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "chat/answer.h"
#include "chat/citation_verifier.h"
#include "chat/context_builder.h"
#include "chat/conversation_memory.h"
#include "chat/domain_router.h"
#include "chat/extractive_answerer.h"
#include "chat/pending_answer.h"
#include "chat/prompt_templates.h"
#include "chat/query_analysis.h"
#include "chat/query_rewriter.h"
#include "chat/term_weights.h"
#include "llm/llm_provider.h"
#include "retrieve/searcher.h"
#include "store/answer_history.h"
#include "store/session_store.h"
#include "store/store.h"
#include "text/analyzer.h"

namespace ragd {

// Runs one search (the caller binds the collection, mode and read snapshot).
using RetrieveFunction = std::function<Result<SearchResponse>(const SearchRequest&)>;

struct AnswerPipelineConfig {
  std::string collection_name = "default";
  ContextOptions context;
  ExtractiveAnswererConfig extractive;
  CitationVerifierConfig citations;
  MemoryOptions memory;
  RoutingOptions routing;
  double similar_question_threshold = 0.85;
  size_t similar_answer_candidates = 500;
  std::string fallback_text =
      "I cannot answer right now: the knowledge base could not be searched. Please try again "
      "in a moment.";
  // Days since 1970-01-01 for "today" (relative dates in questions); the system clock when
  // empty.
  std::function<int32_t()> today;
};

struct AnswerPipelineDeps {
  Store* store = nullptr;  // required: sessions and earlier answers live there
  int64_t collection_id = 0;
  const Analyzer* analyzer = nullptr;  // required: the collection's analyzer
  RetrieveFunction retrieve;           // required
  // Optional: called with the question before memory and rewriting run, so that a retriever
  // may start embedding it meanwhile (a first turn searches the question as asked). Must
  // return at once; retrieve must work the same whether or not the guess was right.
  std::function<void(const std::string& likely_query)> prefetch_query;
  TermIdf idf;                         // optional: collection statistics for coverage scores
  TermDocumentFrequency document_frequency;  // optional: lets extraction spot unknown terms
  EmbedTexts embed;                    // optional: semantic support of citations and
                                       // the extractive answer's relevance check
  std::shared_ptr<LlmProvider> llm;    // optional: null means extractive answers
  std::vector<DomainConfig> domains;   // optional: the collection's domains
  PromptTemplates prompts;
  Summarizer summarizer;               // optional: the extractive summary when empty
};

class AnswerPipeline {
 public:
  AnswerPipeline(AnswerPipelineDeps deps, AnswerPipelineConfig config = {});
  ~AnswerPipeline();
  AnswerPipeline(const AnswerPipeline&) = delete;
  AnswerPipeline& operator=(const AnswerPipeline&) = delete;

  Result<AnswerResult> answer(const AnswerRequest& request, const AnswerEvents& events = {},
                              const std::atomic<bool>* cancel = nullptr);

  // Phase 1: memory, rewrite, analysis, routing, retrieval, context (and the prompt when the
  // LLM is to be asked); emits events.on_sources, nothing else. Errors as answer() returns
  // them (empty question, invalid UTF-8, a session that is not the owner's).
  Result<std::unique_ptr<PendingAnswer>> begin(const AnswerRequest& request,
                                               const AnswerEvents& events = {});

  // Phase 3: verification of the LLM's text, or the lower rungs of the degradation ladder
  // (cached, extractive, template) when generation failed or was not run (then the "llm"
  // degradation says "not_run", or "cancelled" when `cancel` is set), or the "does not say"
  // text decided by begin(); then on_citation events and the persisted turn. Deltas of the
  // lower rungs follow the generation's. `cancel` as in answer(): set, it skips the cached
  // rung. kInvalidArgument for a null `pending` or one begun on another collection.
  Result<AnswerResult> finish(std::unique_ptr<PendingAnswer> pending,
                              const AnswerEvents& events = {},
                              const std::atomic<bool>* cancel = nullptr);

  bool has_llm() const { return deps_.llm != nullptr; }

 private:
  using State = PendingAnswer::State;
  Status prepare(State& s);
  void retrieve(State& s);
  void render_prompt(State& s);
  bool answer_from_similar(State& s, const AnswerEvents& events);
  void answer_extractively(State& s, const AnswerEvents& events);
  void answer_with_template(AnswerResult& result, const AnswerEvents& events);
  void apply_verification(const VerifiedAnswer& verified, AnswerResult& result);
  void persist(State& s);

  AnswerPipelineDeps deps_;
  AnswerPipelineConfig config_;
  SessionStore sessions_;
  AnswerHistory history_;
  ConversationMemory memory_;
  QueryAnalyzer query_analyzer_;
  QueryRewriter rewriter_;
  DomainRouter router_;
  ContextBuilder context_builder_;
  CitationVerifier verifier_;
  ExtractiveAnswerer extractive_;
};

}  // namespace ragd
