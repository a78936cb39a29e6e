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
// Thread-safety: not thread-safe (it uses one Store connection through the session store);
// use one pipeline per thread. The dependencies must outlive it.
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

  bool has_llm() const { return deps_.llm != nullptr; }

 private:
  struct Prepared;
  Result<Prepared> prepare(const AnswerRequest& request, AnswerResult& result);
  void retrieve(const AnswerRequest& request, Prepared& prepared, AnswerResult& result);
  bool generate_with_llm(const AnswerRequest& request, Prepared& prepared, AnswerResult& result,
                         const AnswerEvents& events, const std::atomic<bool>* cancel);
  bool answer_from_similar(Prepared& prepared, AnswerResult& result, const AnswerEvents& events);
  void answer_extractively(Prepared& prepared, AnswerResult& result, const AnswerEvents& events);
  void answer_with_template(AnswerResult& result, const AnswerEvents& events);
  void apply_verification(const VerifiedAnswer& verified, AnswerResult& result);
  void persist(const AnswerRequest& request, Prepared& prepared, AnswerResult& result);

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
