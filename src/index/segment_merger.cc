#include "index/segment_merger.h"

#include <algorithm>
#include <numeric>
#include <string_view>

#include "index/posting_cursor.h"
#include "index/segment_writer.h"

namespace ragd::lex {
namespace {

constexpr uint32_t kGone = UINT32_MAX;

}  // namespace

std::optional<std::string> merge_segments(const std::vector<SegmentState>& sources) {
  const size_t ns = sources.size();
  SegmentWriter writer;

  // New document order: k-way merge of the sources' live docs by chunk id.
  std::vector<std::vector<uint32_t>> remap(ns);
  std::vector<std::vector<uint32_t>> string_map(ns);
  std::vector<uint32_t> head(ns, 0);
  for (size_t s = 0; s < ns; ++s) {
    const Segment& seg = *sources[s].segment;
    remap[s].assign(seg.doc_count, kGone);
    for (const std::string& str : seg.strings) string_map[s].push_back(writer.intern(str));
  }
  auto skip_deleted = [&](size_t s) {
    while (head[s] < sources[s].segment->doc_count && !sources[s].is_live(head[s])) ++head[s];
  };
  for (size_t s = 0; s < ns; ++s) skip_deleted(s);
  std::vector<uint32_t> tags;
  uint32_t next_doc = 0;
  for (;;) {
    size_t best = ns;
    for (size_t s = 0; s < ns; ++s) {
      if (head[s] >= sources[s].segment->doc_count) continue;
      if (best == ns || sources[s].segment->chunk_ids[head[s]] <
                            sources[best].segment->chunk_ids[head[best]]) {
        best = s;
      }
    }
    if (best == ns) break;
    const Segment& seg = *sources[best].segment;
    uint32_t d = head[best];
    tags.clear();
    for (uint32_t i = seg.tag_begin[d]; i < seg.tag_begin[d + 1]; ++i) {
      tags.push_back(string_map[best][seg.tag_ids[i]]);
    }
    std::sort(tags.begin(), tags.end());
    writer.add_doc(seg.chunk_ids[d], seg.document_ids[d], string_map[best][seg.domains[d]],
                   seg.dates[d], seg.len_title[d], seg.len_body[d], tags.data(), tags.size());
    remap[best][d] = next_doc++;
    ++head[best];
    skip_deleted(best);
  }
  if (next_doc == 0) return std::nullopt;

  // Terms: k-way merge of the sorted dictionaries.
  std::vector<uint32_t> term_head(ns, 0);
  std::vector<uint32_t> docs, tfb, tft, perm;
  std::vector<uint32_t> sdocs, stfb, stft;
  for (;;) {
    std::string_view smallest;
    bool any = false;
    for (size_t s = 0; s < ns; ++s) {
      const Segment& seg = *sources[s].segment;
      if (term_head[s] >= seg.terms.size()) continue;
      std::string_view t = seg.term(term_head[s]);
      if (!any || t < smallest) {
        smallest = t;
        any = true;
      }
    }
    if (!any) break;
    std::string term(smallest);
    docs.clear();
    tfb.clear();
    tft.clear();
    bool sorted = true;
    for (size_t s = 0; s < ns; ++s) {
      const Segment& seg = *sources[s].segment;
      if (term_head[s] >= seg.terms.size() || seg.term(term_head[s]) != term) continue;
      PostingCursor cursor;
      cursor.init(seg, seg.terms[term_head[s]]);
      ++term_head[s];
      for (;;) {
        cursor.ensure_decoded();
        uint32_t d = cursor.doc();
        if (d == PostingCursor::kEnd) break;
        uint32_t nd = remap[s][d];
        if (nd != kGone) {
          if (!docs.empty() && nd < docs.back()) sorted = false;
          docs.push_back(nd);
          tfb.push_back(cursor.tf_body());
          tft.push_back(cursor.tf_title());
        }
        cursor.next();
      }
    }
    if (docs.empty()) continue;
    if (!sorted) {
      perm.resize(docs.size());
      std::iota(perm.begin(), perm.end(), 0);
      std::sort(perm.begin(), perm.end(), [&](uint32_t a, uint32_t b) { return docs[a] < docs[b]; });
      sdocs.resize(docs.size());
      stfb.resize(docs.size());
      stft.resize(docs.size());
      for (size_t i = 0; i < perm.size(); ++i) {
        sdocs[i] = docs[perm[i]];
        stfb[i] = tfb[perm[i]];
        stft[i] = tft[perm[i]];
      }
      docs.swap(sdocs);
      tfb.swap(stfb);
      tft.swap(stft);
    }
    writer.add_term(term, docs.data(), tfb.data(), tft.data(), docs.size());
  }
  return writer.finish();
}

}  // namespace ragd::lex
