#include "retrieve/searcher.h"

#include <algorithm>
#include <chrono>
#include <string_view>
#include <unordered_map>
#include <unordered_set>

namespace ragd {

Result<std::vector<ScoredChunk>> Searcher::dense_candidates(const SearchRequest& request,
                                                            size_t k) {
  std::vector<std::string_view> texts = {request.query};
  auto vector = dense_.provider->embed(texts, EmbedPurpose::kQuery);
  if (!vector.is_ok()) return vector.status();
  if (vector->size() != dense_.index->options().dimension) {
    return Status::internal("the query vector has " + std::to_string(vector->size()) +
                            " values; the vector index holds " +
                            std::to_string(dense_.index->options().dimension));
  }
  return dense_.index->search(vector->data(), k, request.filter);
}

Result<SearchResponse> Searcher::search(const SearchRequest& request) {
  auto started = std::chrono::steady_clock::now();
  SearchResponse response;
  response.mode = search_mode_name(request.mode);
  analyzer_.analyze(request.query, response.query_terms);

  SearchMode mode = request.mode;
  if (mode == SearchMode::kAuto) {
    Route route = route_query(request.query, request.router);
    mode = route.mode;
    response.route_reason = route.reason;
  }
  if ((mode == SearchMode::kDense || mode == SearchMode::kHybrid) && !dense_.available()) {
    std::string why = dense_.unavailable.empty() ? "the collection has no embedding model"
                                                 : dense_.unavailable;
    if (request.mode == SearchMode::kDense) {
      return Status::invalid("dense search is not available: " + why);
    }
    response.notes.push_back(std::string(search_mode_name(mode)) +
                             " search fell back to lexical: " + why);
    mode = SearchMode::kLexical;
  }
  response.strategy = search_mode_name(mode);
  if (request.k == 0 || request.query.find_first_not_of(" \t\r\n") == std::string::npos) {
    return response;
  }

  std::vector<ScoredChunk> lexical;
  std::vector<ScoredChunk> dense;
  std::vector<ScoredChunk> ranked;
  const size_t depth = std::max(request.k, request.candidates);
  if (mode == SearchMode::kLexical) {
    if (!response.query_terms.empty()) {
      lexical = index_.search(response.query_terms, request.k, request.filter);
    }
    response.lexical_candidates = lexical.size();
    ranked = lexical;
  }
  if (mode == SearchMode::kDense) {
    auto found = dense_candidates(request, request.k);
    if (!found.is_ok()) return found.status();
    dense = std::move(found).value();
    response.dense_candidates = dense.size();
    ranked = dense;
  }
  if (mode == SearchMode::kHybrid) {
    if (!response.query_terms.empty()) {
      lexical = index_.search(response.query_terms, depth, request.filter);
    }
    auto found = dense_candidates(request, depth);
    if (!found.is_ok()) return found.status();
    dense = std::move(found).value();
    response.lexical_candidates = lexical.size();
    response.dense_candidates = dense.size();
    response.fusion = fusion_method_name(request.fusion.method);
    std::vector<FusedChunk> fused = fuse({lexical, dense}, request.fusion);
    if (fused.size() > request.k) fused.resize(request.k);
    for (const FusedChunk& f : fused) ranked.push_back({f.chunk_id, static_cast<float>(f.score)});
  }

  RAGD_RETURN_IF_ERROR(resolve(request, ranked, response));
  std::unordered_map<int64_t, int> lexical_rank;
  std::unordered_map<int64_t, int> dense_rank;
  for (size_t i = 0; i < lexical.size(); ++i) lexical_rank.emplace(lexical[i].chunk_id, i + 1);
  for (size_t i = 0; i < dense.size(); ++i) dense_rank.emplace(dense[i].chunk_id, i + 1);
  for (SearchHit& hit : response.hits) {
    if (auto it = lexical_rank.find(hit.chunk_id); it != lexical_rank.end()) hit.lexical_rank = it->second;
    if (auto it = dense_rank.find(hit.chunk_id); it != dense_rank.end()) hit.dense_rank = it->second;
  }
  response.latency_ms =
      std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - started).count();
  return response;
}

Status Searcher::resolve(const SearchRequest& request, const std::vector<ScoredChunk>& scored,
                         SearchResponse& response) {
  std::vector<int64_t> ids;
  ids.reserve(scored.size());
  for (const ScoredChunk& s : scored) ids.push_back(s.chunk_id);
  auto chunks = store_.get_chunks(ids);
  if (!chunks.is_ok()) return chunks.status();
  std::unordered_map<int64_t, const ChunkRecord*> by_id;
  for (const ChunkRecord& chunk : *chunks) by_id[chunk.id] = &chunk;
  std::unordered_map<int64_t, DocumentInfo> documents;
  std::unordered_set<std::string> terms(response.query_terms.begin(), response.query_terms.end());

  for (const ScoredChunk& s : scored) {
    auto it = by_id.find(s.chunk_id);
    if (it == by_id.end()) continue;  // removed after the index snapshot was taken
    const ChunkRecord& chunk = *it->second;
    auto doc_it = documents.find(chunk.document_id);
    if (doc_it == documents.end()) {
      auto doc = store_.get_document(chunk.document_id);
      if (!doc.is_ok()) return doc.status();
      if (!*doc) continue;
      doc_it = documents.emplace(chunk.document_id, std::move(**doc)).first;
    }
    const DocumentInfo& doc = doc_it->second;
    SearchHit hit;
    hit.chunk_id = chunk.id;
    hit.document_id = doc.id;
    hit.score = s.score;
    hit.document_key = doc.key;
    hit.source_path = doc.source_path;
    hit.title = doc.title;
    hit.section_path = chunk.section_path;
    hit.domain = doc.domain;
    hit.tags = doc.tags;
    hit.date = doc.date;
    hit.begin = chunk.begin;
    hit.end = chunk.end;
    if (request.with_snippets) hit.snippet = make_snippet(chunk.text, terms, analyzer_);
    hit.text = chunk.text;
    response.hits.push_back(std::move(hit));
  }
  return Status::ok();
}

}  // namespace ragd
