// The values that go in and out of the answer pipeline (answer_pipeline.h): a question with
// its options, the events a streaming caller receives, and the finished answer with its
// verified citations, the rung of the degradation ladder that produced it, usage and timings.
// Plain values; thread-safe to share read-only.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "chat/passage.h"
#include "index/lexical_index.h"  // SearchFilter
#include "llm/llm_provider.h"     // TokenUsage

namespace ragd {

// Which rung of the degradation ladder produced an answer.
enum class AnswerStrategy {
  kLlm,         // full RAG: the LLM chain answered from the retrieved passages
  kCached,      // an earlier LLM answer to a very similar question
  kExtractive,  // the built-in extractive answerer (the default without an LLM)
  kTemplate,    // the configured fallback text: nothing else could answer
};
const char* answer_strategy_name(AnswerStrategy strategy);

struct AnswerRequest {
  std::string question;
  std::string owner;           // whose session; "" is the local single user
  std::string session_id;      // continue this session; empty: see `persist`
  bool persist = true;         // store the turn (creating a session when session_id is empty)
  bool enable_rag = true;      // false: the LLM answers without retrieved context
  size_t k = 8;                // passages retrieved before the context budget
  SearchFilter filter;         // on top of domain routing
  int max_tokens = 512;
  double temperature = 0.2;
  std::string traceparent;
};

// Streaming callbacks; every one is optional. Called on the answering thread, in order:
// on_sources once (possibly with no passages), then on_delta pieces; on_retract when text
// already streamed is withdrawn because generation failed midway and a lower rung answers
// instead (its text follows as new deltas); on_citation per cited passage at the end.
// on_delta returning false cancels generation (the client went away).
struct AnswerEvents {
  std::function<void(const std::vector<Passage>&)> on_sources;
  std::function<bool(std::string_view)> on_delta;
  std::function<void(std::string_view reason)> on_retract;
  std::function<void(const struct AnswerCitation&)> on_citation;
};

struct AnswerCitation {
  int number = 0;  // the [n] in the answer
  int64_t chunk_id = 0;
  int64_t document_id = 0;
  std::string document_key;
  std::string title;
  std::string section_path;
  int64_t span_begin = 0;  // byte span of the supporting text in the document's cleaned text
  int64_t span_end = 0;
  std::string excerpt;
  double support = 0;
  bool supported = false;
};

struct AnswerSentence {
  std::string text;             // without citation markers
  std::vector<int> citations;   // passage numbers kept in the answer
  std::vector<double> support;  // per citation
  double best_support = 0;
  // Citations the generator gave this sentence, kept or removed (invalid and unsupported
  // ones included): the denominator of citation precision.
  size_t citations_given = 0;
};

struct AnswerLatency {
  double memory_ms = 0;        // session history, summaries, recall
  double analysis_ms = 0;      // rewrite, analysis, routing
  double retrieval_ms = 0;
  double context_ms = 0;
  double generation_ms = 0;    // the LLM (or the extractive answerer)
  double first_token_ms = 0;   // from the start of generation; 0 when nothing streamed
  double verification_ms = 0;
  double persist_ms = 0;
  double total_ms = 0;
  // Everything except the LLM's own time: total - generation when an LLM answered.
  double overhead_ms = 0;
};

// A failed rung, for logs and the response's metadata (never internal error text).
struct Degradation {
  std::string rung;    // "llm", "cached", ...
  std::string reason;  // e.g. "timeout_first_token", "circuit_open", "no_similar_answer"
};

struct AnswerResult {
  std::string answer;
  bool abstained = false;  // "the knowledge base does not say"
  AnswerStrategy strategy = AnswerStrategy::kExtractive;
  bool cached = false;
  std::string model;     // the LLM model that answered; "extractive" otherwise
  std::string provider;  // the LLM provider that answered; empty otherwise
  std::string rewritten_query;  // what was searched
  bool rewritten = false;
  // Query analysis, for the response's metadata.
  std::string intent;
  std::vector<std::string> entities;
  std::optional<std::pair<std::string, std::string>> time_range;  // ISO dates, inclusive
  std::string domain;                    // the routed primary domain; empty when not routed
  std::vector<std::string> related_domains;
  std::string retrieval_strategy;        // as the retriever reported it
  std::vector<Passage> passages;         // everything the generator was given
  std::vector<AnswerCitation> citations; // cited passages, in order of first use
  std::vector<AnswerSentence> sentences;
  size_t unsupported_citations = 0;      // removed by verification
  TokenUsage usage;
  AnswerLatency latency;
  std::vector<Degradation> degradations;
  std::vector<std::string> warnings;
  std::string session_id;
  std::string message_id;
};

}  // namespace ragd
