// Context building (contract in context_builder.h).
#include "chat/context_builder.h"

#include <algorithm>
#include <map>
#include <set>
#include <unordered_set>

#include "chat/near_duplicates.h"
#include "chat/passage_trimmer.h"
#include "text/normalize.h"
#include "text/sentences.h"

namespace ragd {
namespace {

constexpr std::string_view kSeparator = "\n\n";

std::string one_line(std::string_view s) {
  return is_valid_utf8(s) ? clean_line(s) : clean_line(repair_utf8(s));
}

TextSpan without_surrounding_space(std::string_view text) {
  auto space = [](char c) { return c == ' ' || c == '\n' || c == '\t' || c == '\r'; };
  size_t begin = 0;
  size_t end = text.size();
  while (begin < end && space(text[begin])) ++begin;
  while (end > begin && space(text[end - 1])) --end;
  return {begin, end};
}

// The document a hit belongs to, for the per-document limit.
std::string document_of(const SearchHit& hit) {
  if (hit.document_id != 0) return "#" + std::to_string(hit.document_id);
  return "k" + hit.document_key;
}

}  // namespace

std::string render_passage_header(const Passage& p) {
  std::string title = one_line(p.title);
  std::string section = one_line(p.section_path);
  if (!title.empty() && section.starts_with(title + " > ")) {
    section.erase(0, title.size() + 3);
  } else if (section == title) {
    section.clear();
  }
  std::string header = "[" + std::to_string(p.number) + "] ";
  header += title.empty() ? std::string("(untitled)") : title;
  if (!section.empty()) header += " \xE2\x80\x94 " + section;  // em dash
  if (p.date && !p.date->empty()) header += " (" + one_line(p.date->substr(0, 10)) + ")";
  return header;
}

std::string render_context(const std::vector<Passage>& passages) {
  std::string out;
  for (const Passage& p : passages) {
    if (!out.empty()) out += kSeparator;
    out += render_passage_header(p);
    out += '\n';
    out += p.text;
  }
  return out;
}

BuiltContext ContextBuilder::build(std::string_view query, std::span<const SearchHit> hits) const {
  BuiltContext built;
  std::vector<std::string> query_terms;
  analyzer_.analyze(query.substr(0, 16384), query_terms);
  std::sort(query_terms.begin(), query_terms.end());
  query_terms.erase(std::unique(query_terms.begin(), query_terms.end()), query_terms.end());

  struct Kept {
    Passage passage;
    size_t rank;
    std::string document;
  };
  std::vector<Kept> kept;
  std::vector<std::vector<uint64_t>> kept_shingles;
  std::unordered_set<int64_t> kept_chunks;
  std::map<std::string, size_t> per_document;
  size_t used = 0;

  for (size_t rank = 0; rank < hits.size(); ++rank) {
    if (kept.size() >= options_.max_passages) {
      built.stats.dropped_budget += hits.size() - rank;
      break;
    }
    const SearchHit& hit = hits[rank];
    const TextSpan whole = without_surrounding_space(hit.text);
    if (whole.begin == whole.end) {
      ++built.stats.dropped_empty;
      continue;
    }
    if (hit.chunk_id != 0 && kept_chunks.count(hit.chunk_id)) {
      ++built.stats.dropped_duplicate;
      continue;
    }
    const std::string document = document_of(hit);
    if (options_.max_per_document > 0 && per_document[document] >= options_.max_per_document) {
      ++built.stats.dropped_per_document;
      continue;
    }
    std::vector<uint64_t> shingles = word_shingles(hit.text, options_.shingle_words);
    const bool duplicate = std::any_of(
        kept_shingles.begin(), kept_shingles.end(), [&](const std::vector<uint64_t>& other) {
          return jaccard(shingles, other) >= options_.duplicate_threshold;
        });
    if (duplicate) {
      ++built.stats.dropped_duplicate;
      continue;
    }

    Passage p;
    p.number = static_cast<int>(kept.size()) + 1;
    p.chunk_id = hit.chunk_id;
    p.document_id = hit.document_id;
    p.document_key = hit.document_key;
    p.title = hit.title;
    p.section_path = hit.section_path;
    p.domain = hit.domain;
    p.date = hit.date;
    p.retrieval_score = hit.score;
    // Numbers are assigned at the end; a header's token count does not depend on them.
    const size_t header_tokens = count_tokens(render_passage_header(p));
    const size_t separator_tokens = kept.empty() ? 0 : count_tokens(kSeparator);
    const size_t overhead = header_tokens + separator_tokens;
    if (used + overhead >= options_.token_budget) {
      ++built.stats.dropped_budget;
      continue;
    }
    const size_t allowed =
        std::min(options_.max_passage_tokens, options_.token_budget - used - overhead);
    const std::string_view whole_text =
        std::string_view(hit.text).substr(whole.begin, whole.end - whole.begin);
    const size_t whole_tokens = count_tokens(whole_text);
    TextSpan span = whole;
    if (whole_tokens > allowed) {
      if (allowed < options_.min_passage_tokens) {
        ++built.stats.dropped_budget;
        continue;
      }
      span = select_passage_span(hit.text, query_terms, analyzer_, allowed);
      if (span.begin == span.end) {
        ++built.stats.dropped_budget;
        continue;
      }
      ++built.stats.trimmed;
    }
    p.text = hit.text.substr(span.begin, span.end - span.begin);
    const bool exact =
        hit.end >= hit.begin && static_cast<uint64_t>(hit.end - hit.begin) == hit.text.size();
    p.begin = exact ? hit.begin + static_cast<int64_t>(span.begin) : hit.begin;
    p.end = exact ? hit.begin + static_cast<int64_t>(span.end) : hit.end;
    used += overhead + count_tokens(p.text);

    if (hit.chunk_id != 0) kept_chunks.insert(hit.chunk_id);
    ++per_document[document];
    kept_shingles.push_back(std::move(shingles));
    kept.push_back({std::move(p), rank, document});
  }

  if (options_.order == PassageOrder::kDocument) {
    std::map<std::string, size_t> first_rank;
    for (const Kept& k : kept) first_rank.emplace(k.document, k.rank);
    std::stable_sort(kept.begin(), kept.end(), [&](const Kept& a, const Kept& b) {
      const size_t ra = first_rank[a.document];
      const size_t rb = first_rank[b.document];
      if (ra != rb) return ra < rb;
      return a.passage.begin < b.passage.begin;
    });
  }
  for (size_t i = 0; i < kept.size(); ++i) {
    kept[i].passage.number = static_cast<int>(i) + 1;
    built.passages.push_back(std::move(kept[i].passage));
  }
  built.rendered = render_context(built.passages);
  built.tokens = count_tokens(built.rendered);
  return built;
}

}  // namespace ragd
