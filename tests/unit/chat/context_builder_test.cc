#include "chat/context_builder.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "chat/near_duplicates.h"
#include "chat/passage_trimmer.h"
#include "test_support.h"
#include "text/sentences.h"

namespace ragd {
namespace {

// A document and hits that are exact slices of it, as the store returns them.
struct Doc {
  int64_t id;
  std::string text;
};

SearchHit hit_of(const Doc& doc, size_t begin, size_t end, int64_t chunk_id, float score = 1) {
  SearchHit h;
  h.chunk_id = chunk_id;
  h.document_id = doc.id;
  h.document_key = "/kb/doc" + std::to_string(doc.id) + ".md";
  h.title = "Doc " + std::to_string(doc.id);
  h.section_path = "Doc " + std::to_string(doc.id) + " > Part";
  h.domain = "wine";
  h.date = "2025-01-0" + std::to_string(doc.id % 9 + 1);
  h.begin = static_cast<int64_t>(begin);
  h.end = static_cast<int64_t>(end);
  h.text = doc.text.substr(begin, end - begin);
  h.score = score;
  return h;
}

SearchHit whole(const Doc& doc, int64_t chunk_id, float score = 1) {
  return hit_of(doc, 0, doc.text.size(), chunk_id, score);
}

void expect_spans_exact(const BuiltContext& built, const std::vector<Doc>& docs) {
  for (const Passage& p : built.passages) {
    for (const Doc& d : docs) {
      if (d.id != p.document_id) continue;
      ASSERT_LE(p.end, static_cast<int64_t>(d.text.size()));
      EXPECT_EQ(d.text.substr(p.begin, p.end - p.begin), p.text);
    }
  }
}

TEST(NearDuplicates, ShinglesAndJaccard) {
  const auto a = word_shingles("The Reserve tier ships twelve bottles four times a year.");
  const auto b = word_shingles("the reserve tier ships twelve bottles four times a year");
  const auto c = word_shingles("Dogs on a leash are welcome on the Terrace.");
  EXPECT_DOUBLE_EQ(jaccard(a, b), 1.0);  // case and punctuation do not matter
  EXPECT_LT(jaccard(a, c), 0.1);
  EXPECT_EQ(word_shingles("").size(), 0u);
  EXPECT_EQ(word_shingles("two words").size(), 1u);
  EXPECT_DOUBLE_EQ(jaccard({}, {}), 0.0);
  const auto d = word_shingles(
      "The Reserve tier ships twelve bottles four times a year, including library wines.");
  EXPECT_GT(jaccard(a, d), 0.6);
  EXPECT_LT(jaccard(a, d), 1.0);
}

TEST(PassageTrimmer, KeepsTheBestMatchingSentencesWithinTheLimit) {
  Analyzer analyzer;
  const std::string text =
      "The estate has 38 planted acres. Sheep graze the cover crop in winter. "
      "Dogs are welcome on the Terrace on a leash. Service animals are welcome everywhere. "
      "The tasting room opens at ten.";
  std::vector<std::string> terms;
  analyzer.analyze("Are dogs welcome?", terms);
  const TextSpan span = select_passage_span(text, terms, analyzer, 22);
  const std::string kept = text.substr(span.begin, span.end - span.begin);
  EXPECT_NE(kept.find("Dogs are welcome"), std::string::npos) << kept;
  EXPECT_LE(count_tokens(kept), 22u);
  EXPECT_NE(kept.front(), ' ');
  EXPECT_NE(kept.back(), ' ');
  // Whole text when it fits.
  const TextSpan all = select_passage_span("  short text.  ", terms, analyzer, 100);
  EXPECT_EQ(all.begin, 2u);
  EXPECT_EQ(all.end, 13u);
  // No match: the opening sentences.
  std::vector<std::string> none;
  analyzer.analyze("zeppelin", none);
  const TextSpan lead = select_passage_span(text, none, analyzer, 15);
  EXPECT_EQ(lead.begin, 0u);
  EXPECT_LE(count_tokens(text.substr(lead.begin, lead.end - lead.begin)), 15u);
  EXPECT_EQ(select_passage_span("", terms, analyzer, 10).end, 0u);
  EXPECT_EQ(select_passage_span(text, terms, analyzer, 0).end -
                select_passage_span(text, terms, analyzer, 0).begin,
            0u);
}

TEST(PassageTrimmer, CutsAnOverlongSentenceAroundItsMatchAtSpaces) {
  Analyzer analyzer;
  std::string text;
  for (int i = 0; i < 200; ++i) text += "filler" + std::to_string(i) + " ";
  text += "the corkscrew costs $24 ";
  for (int i = 0; i < 200; ++i) text += "more" + std::to_string(i) + " ";
  std::vector<std::string> terms;
  analyzer.analyze("corkscrew", terms);
  const TextSpan span = select_passage_span(text, terms, analyzer, 30);
  const std::string kept = text.substr(span.begin, span.end - span.begin);
  EXPECT_NE(kept.find("corkscrew"), std::string::npos);
  EXPECT_LE(count_tokens(kept), 30u);
  EXPECT_TRUE(span.begin == 0 || text[span.begin - 1] == ' ');
  EXPECT_TRUE(span.end == text.size() || text[span.end] == ' ');
  // One huge word without spaces is cut at a UTF-8 boundary.
  std::string blob;
  for (int i = 0; i < 3000; ++i) blob += "\xC3\xA9";
  const TextSpan cut = select_passage_span(blob, terms, analyzer, 10);
  EXPECT_GT(cut.end, cut.begin);
  EXPECT_EQ((cut.end - cut.begin) % 2, 0u);
  EXPECT_LE(count_tokens(blob.substr(cut.begin, cut.end - cut.begin)), 10u);
}

TEST(ContextBuilder, NumbersPassagesAndRendersHeaders) {
  Analyzer analyzer;
  const std::vector<Doc> docs = {{1, "The Reserve tier ships twelve bottles."},
                                 {2, "Dogs on a leash are welcome on the Terrace."}};
  std::vector<SearchHit> hits = {whole(docs[0], 11, 3.0f), whole(docs[1], 21, 2.0f)};
  hits[1].date.reset();
  hits[1].section_path = "Doc 2";
  ContextBuilder builder(analyzer);
  const BuiltContext built = builder.build("reserve tier", hits);
  ASSERT_EQ(built.passages.size(), 2u);
  EXPECT_EQ(built.passages[0].number, 1);
  EXPECT_EQ(built.passages[1].number, 2);
  EXPECT_EQ(built.passages[0].chunk_id, 11);
  EXPECT_FLOAT_EQ(built.passages[0].retrieval_score, 3.0f);
  EXPECT_EQ(built.rendered,
            "[1] Doc 1 \xE2\x80\x94 Part (2025-01-02)\nThe Reserve tier ships twelve bottles.\n\n"
            "[2] Doc 2\nDogs on a leash are welcome on the Terrace.");
  EXPECT_EQ(built.tokens, count_tokens(built.rendered));
  expect_spans_exact(built, docs);
}

TEST(ContextBuilder, HeaderFlattensNewlinesAndHandlesMissingTitle) {
  Passage p;
  p.number = 12;
  p.title = "";
  p.section_path = "A\n> B";
  p.date = "2024-03-05T10:00:00";
  EXPECT_EQ(render_passage_header(p), "[12] (untitled) \xE2\x80\x94 A > B (2024-03-05)");
  p.title = "T\xff";
  EXPECT_NO_FATAL_FAILURE(render_passage_header(p));
}

TEST(ContextBuilder, DropsDuplicatesNearDuplicatesAndEmptyHits) {
  Analyzer analyzer;
  const std::vector<Doc> docs = {
      {1, "The Reserve tier ships twelve bottles four times a year, including library wines."},
      {2, "The Reserve tier ships twelve bottles four times a year, including library wines!"},
      {3, "Heritage members receive six bottles per shipment."},
      {4, "   \n "}};
  std::vector<SearchHit> hits = {whole(docs[0], 1), whole(docs[0], 1), whole(docs[1], 2),
                                 whole(docs[3], 4), whole(docs[2], 3)};
  ContextBuilder builder(analyzer);
  const BuiltContext built = builder.build("tier bottles", hits);
  ASSERT_EQ(built.passages.size(), 2u);
  EXPECT_EQ(built.passages[0].chunk_id, 1);
  EXPECT_EQ(built.passages[1].chunk_id, 3);
  EXPECT_EQ(built.stats.dropped_duplicate, 2u);
  EXPECT_EQ(built.stats.dropped_empty, 1u);
  // A threshold above 1 keeps near-duplicates (but never the same chunk twice).
  ContextOptions options;
  options.duplicate_threshold = 1.1;
  const BuiltContext loose = ContextBuilder(analyzer, options).build("tier", hits);
  EXPECT_EQ(loose.passages.size(), 3u);
}

TEST(ContextBuilder, LimitsPassagesPerDocument) {
  Analyzer analyzer;
  Doc doc{1, ""};
  std::vector<std::pair<size_t, size_t>> ranges;
  for (int i = 0; i < 5; ++i) {
    const size_t begin = doc.text.size();
    doc.text += "Section " + std::to_string(i) + " talks about topic number " +
                std::to_string(i * 7) + " in detail. ";
    ranges.emplace_back(begin, doc.text.size() - 1);
  }
  const Doc other{2, "Another document about something else entirely."};
  std::vector<SearchHit> hits;
  for (size_t i = 0; i < ranges.size(); ++i) {
    hits.push_back(hit_of(doc, ranges[i].first, ranges[i].second, static_cast<int64_t>(i + 1)));
  }
  hits.push_back(whole(other, 99));
  ContextOptions options;
  options.max_per_document = 2;
  options.duplicate_threshold = 1.1;
  const BuiltContext built = ContextBuilder(analyzer, options).build("topic", hits);
  ASSERT_EQ(built.passages.size(), 3u);
  EXPECT_EQ(built.passages[2].chunk_id, 99);
  EXPECT_EQ(built.stats.dropped_per_document, 3u);
  options.max_per_document = 0;
  EXPECT_EQ(ContextBuilder(analyzer, options).build("topic", hits).passages.size(), 6u);
}

TEST(ContextBuilder, StaysWithinTheBudgetAndTrimsWithExactSpans) {
  Analyzer analyzer;
  std::vector<Doc> docs;
  std::vector<SearchHit> hits;
  for (int d = 1; d <= 6; ++d) {
    std::string text = "Intro line for document " + std::to_string(d) + ". ";
    const std::string topic[] = {"barrels", "harvest", "picnics", "tickets", "shipping", "owls"};
    for (int s = 0; s < 30; ++s) {
      text += "Line " + std::to_string(d * 1000 + s) + " about " + topic[d - 1] + " " +
              std::to_string(d * 7919 + s * 31) +
              (s == 17 ? " says the corkscrew costs twenty four dollars. " : " is filler. ");
    }
    text += "Closing words.";
    docs.push_back({d, "Preamble that the chunk does not include. " + text});
  }
  const size_t offset = std::string("Preamble that the chunk does not include. ").size();
  for (const Doc& d : docs) hits.push_back(hit_of(d, offset, d.text.size(), d.id * 10));
  for (size_t budget : {60u, 150u, 400u, 1000u}) {
    ContextOptions options;
    options.token_budget = budget;
    options.max_passage_tokens = 80;
    options.min_passage_tokens = 10;
    const BuiltContext built = ContextBuilder(analyzer, options).build("corkscrew cost", hits);
    EXPECT_LE(built.tokens, budget);
    EXPECT_EQ(built.tokens, count_tokens(built.rendered));
    ASSERT_FALSE(built.passages.empty()) << budget;
    for (const Passage& p : built.passages) {
      EXPECT_NE(p.text.find("corkscrew"), std::string::npos) << p.text;
      EXPECT_LE(count_tokens(p.text), 80u);
    }
    EXPECT_EQ(built.stats.trimmed, built.passages.size());
    expect_spans_exact(built, docs);
    EXPECT_EQ(built.passages.size() + built.stats.dropped_budget, hits.size());
  }
}

TEST(ContextBuilder, DocumentOrderGroupsByDocumentInReadingOrder) {
  Analyzer analyzer;
  const Doc a{1, "Alpha one is here. Alpha two is there. Alpha three is everywhere."};
  const Doc b{2, "Beta text stands alone."};
  std::vector<SearchHit> hits = {hit_of(a, 19, 38, 2), whole(b, 5), hit_of(a, 0, 18, 1)};
  ContextOptions options;
  options.duplicate_threshold = 1.1;
  const BuiltContext by_score = ContextBuilder(analyzer, options).build("alpha", hits);
  ASSERT_EQ(by_score.passages.size(), 3u);
  EXPECT_EQ(by_score.passages[0].chunk_id, 2);
  EXPECT_EQ(by_score.passages[1].chunk_id, 5);
  EXPECT_EQ(by_score.passages[2].chunk_id, 1);
  options.order = PassageOrder::kDocument;
  const BuiltContext by_document = ContextBuilder(analyzer, options).build("alpha", hits);
  ASSERT_EQ(by_document.passages.size(), 3u);
  EXPECT_EQ(by_document.passages[0].chunk_id, 1);
  EXPECT_EQ(by_document.passages[1].chunk_id, 2);
  EXPECT_EQ(by_document.passages[2].chunk_id, 5);
  for (size_t i = 0; i < 3; ++i) EXPECT_EQ(by_document.passages[i].number, static_cast<int>(i + 1));
}

TEST(ContextBuilder, MaxPassagesAndInconsistentSpans) {
  Analyzer analyzer;
  std::vector<SearchHit> hits;
  for (int i = 1; i <= 20; ++i) {
    SearchHit h;
    h.chunk_id = i;
    h.document_id = i;
    h.text =
        "Unique passage number " + std::to_string(i * 1000) + " with words " + std::to_string(i);
    h.begin = 100;
    h.end = 105;  // does not match the text length
    hits.push_back(h);
  }
  ContextOptions options;
  options.max_passages = 4;
  options.max_passage_tokens = 3;
  options.min_passage_tokens = 1;
  const BuiltContext built = ContextBuilder(analyzer, options).build("passage", hits);
  ASSERT_EQ(built.passages.size(), 4u);
  for (const Passage& p : built.passages) {
    EXPECT_EQ(p.begin, 100);  // the chunk's own span is kept
    EXPECT_EQ(p.end, 105);
  }
  EXPECT_TRUE(ContextBuilder(analyzer).build("q", {}).passages.empty());
  EXPECT_TRUE(ContextBuilder(analyzer).build("q", {}).rendered.empty());
}

TEST(ContextBuilder, HostileHitsNeverCrash) {
  Analyzer analyzer;
  std::vector<SearchHit> hits;
  for (uint32_t seed = 1; seed <= 25; ++seed) {
    SearchHit h;
    h.chunk_id = seed;
    h.document_id = seed % 4;
    h.text = testing_support::hostile_bytes(seed * 400, seed);
    h.title = testing_support::hostile_bytes(30, seed + 100);
    h.section_path = testing_support::hostile_bytes(30, seed + 200);
    h.begin = 0;
    h.end = static_cast<int64_t>(h.text.size());
    hits.push_back(std::move(h));
  }
  SearchHit huge;
  huge.chunk_id = 1000;
  huge.text = std::string(2'000'000, 'x');
  huge.end = static_cast<int64_t>(huge.text.size());
  hits.push_back(std::move(huge));
  ContextOptions options;
  options.max_passages = 30;
  const BuiltContext built = ContextBuilder(analyzer, options).build("it in 2023 The", hits);
  EXPECT_LE(built.tokens, options.token_budget);
  for (const Passage& p : built.passages) {
    EXPECT_LE(p.begin, p.end);
  }
}

}  // namespace
}  // namespace ragd
