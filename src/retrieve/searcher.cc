#include "retrieve/searcher.h"

#include <chrono>
#include <unordered_map>
#include <unordered_set>

namespace ragd {

Result<SearchResponse> Searcher::search(const SearchRequest& request) {
  auto started = std::chrono::steady_clock::now();
  SearchResponse response;
  analyzer_.analyze(request.query, response.query_terms);
  if (response.query_terms.empty() || request.k == 0) return response;

  std::vector<ScoredChunk> scored = index_.search(response.query_terms, request.k, request.filter);
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
  response.latency_ms =
      std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - started).count();
  return response;
}

}  // namespace ragd
