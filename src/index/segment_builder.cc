#include "index/segment_builder.h"

#include <algorithm>
#include <numeric>
#include <string_view>

#include "index/segment_writer.h"
#include "index/term_table.h"

namespace ragd::lex {
namespace {

struct Occurrence {
  uint32_t term;
  uint32_t tf_body;
  uint32_t tf_title;
};

}  // namespace

std::string build_segment(const std::vector<IndexDocument>& docs) {
  SegmentWriter writer;
  // Open addressing on (hash, id): one probe and one compare per occurrence, no nodes.
  std::vector<uint64_t> slots(1024, 0);  // (hash >> 32) << 32 | (id + 1)
  size_t mask = slots.size() - 1;
  std::vector<std::string_view> term_text;
  std::vector<uint32_t> last_doc;    // per term: last doc that used it, +1
  std::vector<uint32_t> slot;        // per term: index into `local` for that doc
  std::vector<uint32_t> postings_n;  // per term: df
  std::vector<Occurrence> local;
  std::vector<uint32_t> flat_doc;  // all postings in doc order, term in flat_occ
  std::vector<Occurrence> flat_occ;
  std::vector<uint32_t> tags;

  auto grow = [&] {
    std::vector<uint64_t> bigger(slots.size() * 2, 0);
    size_t m = bigger.size() - 1;
    for (uint64_t e : slots) {
      if (e == 0) continue;
      uint32_t id = static_cast<uint32_t>(e) - 1;
      size_t i = term_hash(term_text[id]) & m;
      while (bigger[i] != 0) i = (i + 1) & m;
      bigger[i] = e;
    }
    slots.swap(bigger);
    mask = m;
  };
  auto term_id = [&](const std::string& term) -> uint32_t {
    uint64_t h = term_hash(term);
    uint64_t tag = h >> 32;
    size_t i = h & mask;
    for (;; i = (i + 1) & mask) {
      uint64_t e = slots[i];
      if (e == 0) break;
      if ((e >> 32) == tag) {
        uint32_t id = static_cast<uint32_t>(e) - 1;
        if (term_text[id] == term) return id;
      }
    }
    uint32_t id = static_cast<uint32_t>(term_text.size());
    slots[i] = (tag << 32) | (id + 1);
    term_text.push_back(term);
    last_doc.push_back(0);
    slot.push_back(0);
    postings_n.push_back(0);
    if (term_text.size() * 2 > slots.size()) grow();
    return id;
  };

  for (uint32_t d = 0; d < docs.size(); ++d) {
    const IndexDocument& doc = docs[d];
    tags.clear();
    for (const std::string& tag : doc.tags) tags.push_back(writer.intern(tag));
    std::sort(tags.begin(), tags.end());
    tags.erase(std::unique(tags.begin(), tags.end()), tags.end());
    writer.add_doc(doc.chunk_id, doc.document_id, writer.intern(doc.domain), doc.date_days,
                   static_cast<uint32_t>(doc.title_terms.size()),
                   static_cast<uint32_t>(doc.body_terms.size()), tags.data(), tags.size());
    local.clear();
    auto count = [&](const std::string& term, bool title) {
      if (term.empty()) return;
      uint32_t t = term_id(term);
      if (last_doc[t] != d + 1) {
        last_doc[t] = d + 1;
        slot[t] = static_cast<uint32_t>(local.size());
        local.push_back({t, 0, 0});
      }
      Occurrence& o = local[slot[t]];
      (title ? o.tf_title : o.tf_body) += 1;
    };
    for (const std::string& term : doc.title_terms) count(term, true);
    for (const std::string& term : doc.body_terms) count(term, false);
    for (const Occurrence& o : local) {
      flat_doc.push_back(d);
      flat_occ.push_back(o);
      ++postings_n[o.term];
    }
  }

  // Counting sort of the postings by term keeps each term's docs ascending.
  size_t nterms = term_text.size();
  std::vector<size_t> start(nterms + 1, 0);
  for (size_t t = 0; t < nterms; ++t) start[t + 1] = start[t] + postings_n[t];
  std::vector<uint32_t> pdoc(flat_doc.size()), ptb(flat_doc.size()), ptt(flat_doc.size());
  std::vector<size_t> fill(start.begin(), start.end() - 1);
  for (size_t i = 0; i < flat_doc.size(); ++i) {
    size_t at = fill[flat_occ[i].term]++;
    pdoc[at] = flat_doc[i];
    ptb[at] = flat_occ[i].tf_body;
    ptt[at] = flat_occ[i].tf_title;
  }
  std::vector<uint32_t> order(nterms);
  std::iota(order.begin(), order.end(), 0);
  std::sort(order.begin(), order.end(),
            [&](uint32_t a, uint32_t b) { return term_text[a] < term_text[b]; });
  for (uint32_t t : order) {
    size_t s = start[t];
    writer.add_term(term_text[t], pdoc.data() + s, ptb.data() + s, ptt.data() + s, postings_n[t]);
  }
  return writer.finish();
}

}  // namespace ragd::lex
