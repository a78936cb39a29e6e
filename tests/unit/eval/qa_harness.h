// Test harness for answer-level evaluation: a real collection (IngestJob into a temporary
// data folder), lexical retrieval through the Searcher, passages numbered as the context
// builder numbers them, document frequencies of the collection's chunks for idf weights,
// and the extractive answerer + citation verifier as the answer function.
#pragma once

#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <memory>
#include <unordered_map>
#include <string>
#include <vector>

#include "chat/citation_verifier.h"
#include "chat/extractive_answerer.h"
#include "chat/term_weights.h"
#include "embed/model_locator.h"
#include "embed/sentence_encoder.h"
#include "eval/qa_eval.h"
#include "jobs/collection_handle.h"
#include "jobs/ingest_job.h"
#include "retrieve/searcher.h"

namespace ragd::qa_testing {

class LexicalQaHarness {
 public:
  // Ingests `paths` into collection "qa" of a fresh data folder under /tmp.
  static Result<std::unique_ptr<LexicalQaHarness>> build(const std::string& tag,
                                                         const std::vector<std::string>& paths) {
    auto harness = std::unique_ptr<LexicalQaHarness>(new LexicalQaHarness());
    harness->root_ = std::filesystem::temp_directory_path() /
                     ("ragd-qa-" + tag + "-" + std::to_string(::getpid()));
    std::filesystem::remove_all(harness->root_);
    DataDir data(harness->root_.string());
    auto handle = open_collection(data, "qa", OpenMode::kWriteOrCreate);
    if (!handle.is_ok()) return handle.status();
    harness->handle_ = std::move(handle).value();
    IngestOptions options;
    options.collection = "qa";
    options.threads = 2;
    IngestJob job(*harness->handle_.store, *harness->handle_.index, *harness->handle_.analyzer,
                  options);
    auto summary = job.run(paths, nullptr);
    if (!summary.is_ok()) return summary.status();
    RAGD_RETURN_IF_ERROR(harness->count_frequencies());
    return harness;
  }

  ~LexicalQaHarness() {
    handle_ = CollectionHandle{};
    std::error_code ignored;
    std::filesystem::remove_all(root_, ignored);
  }

  const Analyzer& analyzer() const { return *handle_.analyzer; }
  const DocumentFrequencies& frequencies() const { return frequencies_; }

  // The top `k` chunks for `question` as numbered passages (1 = best).
  Result<std::vector<Passage>> retrieve(const std::string& question, size_t k,
                                        std::vector<std::string>* query_terms = nullptr) {
    Searcher searcher(*handle_.store, *handle_.index, *handle_.analyzer);
    SearchRequest request;
    request.query = question;
    request.k = k;
    request.with_snippets = false;
    auto response = searcher.search(request);
    if (!response.is_ok()) return response.status();
    if (query_terms) *query_terms = response->query_terms;
    std::vector<Passage> passages;
    for (SearchHit& hit : response->hits) {
      Passage p;
      p.number = static_cast<int>(passages.size()) + 1;
      p.chunk_id = hit.chunk_id;
      p.document_id = hit.document_id;
      p.document_key = std::move(hit.document_key);
      p.title = std::move(hit.title);
      p.section_path = std::move(hit.section_path);
      p.domain = std::move(hit.domain);
      p.date = std::move(hit.date);
      p.text = std::move(hit.text);
      p.begin = hit.begin;
      p.end = hit.end;
      p.retrieval_score = hit.score;
      passages.push_back(std::move(p));
    }
    return passages;
  }

 private:
  LexicalQaHarness() = default;

  // Document frequencies over the collection's chunks (title, section path and text), the
  // unit the answerer sees.
  Status count_frequencies() {
    auto keys = handle_.store->chunk_document_keys(handle_.collection.id);
    if (!keys.is_ok()) return keys.status();
    std::vector<int64_t> ids;
    for (const auto& [chunk_id, key] : *keys) ids.push_back(chunk_id);
    ContentTermExtractor extractor(*handle_.analyzer);
    for (size_t start = 0; start < ids.size(); start += 2000) {
      std::vector<int64_t> batch(ids.begin() + static_cast<long>(start),
                                 ids.begin() + static_cast<long>(std::min(ids.size(), start + 2000)));
      auto chunks = handle_.store->get_chunks(batch);
      if (!chunks.is_ok()) return chunks.status();
      for (const ChunkRecord& chunk : *chunks) {
        std::vector<std::string> terms = extractor.distinct_terms(chunk.text);
        for (std::string& t : extractor.distinct_terms(chunk.section_path)) terms.push_back(t);
        frequencies_.add_document(terms);
      }
    }
    return Status::ok();
  }

  std::filesystem::path root_;
  CollectionHandle handle_;
  DocumentFrequencies frequencies_;
};

// The default configuration, with RAGD_QA_* environment overrides for tuning runs.
inline ExtractiveAnswererConfig answerer_config_from_env() {
  auto env = [](const char* name, double fallback) {
    const char* value = std::getenv(name);
    return value && *value ? std::atof(value) : fallback;
  };
  ExtractiveAnswererConfig config;
  config.min_coverage = env("RAGD_QA_MIN_COVERAGE", config.min_coverage);
  config.companion_ratio = env("RAGD_QA_COMPANION", config.companion_ratio);
  config.companion_min_coverage = env("RAGD_QA_COMPANION_MIN", config.companion_min_coverage);
  config.rank_decay = env("RAGD_QA_RANK_DECAY", config.rank_decay);
  config.answer_type_bonus = env("RAGD_QA_TYPE_BONUS", config.answer_type_bonus);
  config.context_credit = env("RAGD_QA_CONTEXT", config.context_credit);
  config.abstain_on_unknown_term = env("RAGD_QA_UNKNOWN", 1) != 0;
  config.require_answer_type = env("RAGD_QA_REQUIRE_TYPE", 1) != 0;
  config.max_sentences = static_cast<size_t>(
      env("RAGD_QA_SENTENCES", static_cast<double>(config.max_sentences)));
  config.min_semantic = env("RAGD_QA_SEMANTIC", config.min_semantic);
  config.unknown_term_semantic = env("RAGD_QA_UNKNOWN_SEMANTIC", config.unknown_term_semantic);
  config.semantic_rescue = env("RAGD_QA_SEMANTIC_RESCUE", config.semantic_rescue);
  config.unknown_subject_share = env("RAGD_QA_UNKNOWN_SHARE", config.unknown_subject_share);
  return config;
}

// The native MiniLM encoder as an EmbedTexts when RAGD_QA_SEMANTIC is set and the model is
// found (empty otherwise: the lexical answerer alone). Loaded once per process.
inline EmbedTexts semantic_embedder_from_env() {
  const char* threshold = std::getenv("RAGD_QA_SEMANTIC");
  if (!threshold || !*threshold) return {};
  static std::shared_ptr<SentenceEncoder> encoder = []() -> std::shared_ptr<SentenceEncoder> {
    auto dir = locate_default_model();
    if (!dir) return nullptr;
    EncoderOptions options;
    options.model_dir = *dir;
    auto loaded = SentenceEncoder::load(options);
    if (!loaded.is_ok()) return nullptr;
    return std::shared_ptr<SentenceEncoder>(std::move(loaded).value());
  }();
  if (!encoder) return {};
  // The oracle and retrieval passes embed many of the same texts: remember them (the
  // harness is single-threaded).
  static std::unordered_map<std::string, std::vector<float>> seen;
  return [](const std::vector<std::string>& texts) -> Result<std::vector<std::vector<float>>> {
    std::vector<std::string_view> missing;
    for (const std::string& text : texts) {
      if (!seen.count(text)) missing.push_back(text);
    }
    if (!missing.empty()) {
      auto flat = encoder->embed(missing);
      if (!flat.is_ok()) return flat.status();
      const size_t dim = encoder->dimension();
      for (size_t i = 0; i < missing.size(); ++i) {
        seen[std::string(missing[i])].assign(flat->begin() + static_cast<long>(i * dim),
                                             flat->begin() + static_cast<long>((i + 1) * dim));
      }
    }
    std::vector<std::vector<float>> rows;
    for (const std::string& text : texts) rows.push_back(seen.at(text));
    return rows;
  };
}

// Extractive answer for `passages`, verified, as the evaluation sees it.
inline QaAnswer answer_extractively(const ExtractiveAnswerer& answerer,
                                    const CitationVerifier& verifier, const std::string& question,
                                    const std::vector<std::string>& query_terms,
                                    const std::vector<Passage>& passages,
                                    ExtractiveAnswer* raw = nullptr) {
  ExtractiveAnswer answer = answerer.answer(question, query_terms, passages);
  VerifiedAnswer verified = verifier.verify(answer.text, passages);
  QaAnswer out = qa_answer_from_verified(verified, answer.abstained);
  if (raw) *raw = std::move(answer);
  return out;
}

}  // namespace ragd::qa_testing
