// Bit packing, the posting block codec and the manifest format.
#include <gtest/gtest.h>

#include <random>

#include "index/bitpack.h"
#include "index/lexical_index.h"
#include "index/manifest.h"
#include "index/posting_cursor.h"
#include "index/postings_codec.h"
#include "index/segment.h"
#include "index/segment_writer.h"

namespace ragd::lex {
namespace {

TEST(BitpackTest, RoundTripsEveryWidth) {
  std::mt19937 rng(3);
  for (unsigned w = 0; w <= 32; ++w) {
    for (size_t n : {1u, 7u, 128u}) {
      std::vector<uint32_t> in(n);
      for (auto& v : in) v = w == 0 ? 0 : (w == 32 ? rng() : rng() & ((1u << w) - 1));
      std::string packed;
      bitpack_append(in.data(), n, w, &packed);
      EXPECT_EQ(packed.size(), packed_bytes(n, w));
      packed.append(8, '\0');
      std::vector<uint32_t> out(n);
      bitunpack(reinterpret_cast<const uint8_t*>(packed.data()), n, w, out.data());
      EXPECT_EQ(in, out) << "width " << w << " n " << n;
    }
  }
}

TEST(PostingsCodecTest, CursorWalksAndSkipsAcrossBlocks) {
  SegmentWriter writer;
  const uint32_t ndocs = 5000;
  for (uint32_t d = 0; d < ndocs; ++d) writer.add_doc(d, 0, writer.intern("x"), ragd::kNoDate, d % 5, 10 + d % 90, nullptr, 0);
  std::vector<uint32_t> docs, tb, tt;
  for (uint32_t d = 0; d < ndocs; d += 3) {
    docs.push_back(d);
    tb.push_back(1 + d % 4);
    tt.push_back(d % 7 == 0 ? 2 : 0);
  }
  writer.add_term("term", docs.data(), tb.data(), tt.data(), docs.size());
  auto seg = Segment::parse(1, writer.finish());
  ASSERT_TRUE(seg.is_ok()) << seg.status().to_string();
  const Segment& s = *seg.value();
  ASSERT_EQ(s.terms.size(), 1u);
  EXPECT_EQ(s.terms[0].df, docs.size());
  EXPECT_EQ(s.metas.size(), block_count(static_cast<uint32_t>(docs.size())));

  PostingCursor c;
  c.init(s, s.terms[0]);
  for (size_t i = 0; i < docs.size(); ++i) {
    c.ensure_decoded();
    ASSERT_EQ(c.doc(), docs[i]);
    EXPECT_EQ(c.tf_body(), tb[i]);
    EXPECT_EQ(c.tf_title(), tt[i]);
    c.next();
  }
  c.ensure_decoded();
  EXPECT_EQ(c.doc(), PostingCursor::kEnd);

  PostingCursor skip;
  skip.init(s, s.terms[0]);
  for (uint32_t target : {1u, 2u, 400u, 401u, 3001u, 4998u}) {
    skip.advance(target);
    EXPECT_GE(skip.block_meta().last_doc, target);
    skip.ensure_decoded();
    EXPECT_EQ(skip.doc(), (target + 2) / 3 * 3) << target;
  }
  skip.advance(4999);
  skip.ensure_decoded();
  EXPECT_EQ(skip.doc(), PostingCursor::kEnd);
}

TEST(ManifestTest, RoundTripsAndRejectsDamage) {
  Manifest m;
  m.applied_seq = -5;
  m.next_segment_id = 9;
  m.segments.push_back({3, 1000, 77, {1, 2, 500}});
  m.segments.push_back({8, 20, 78, {}});
  std::string bytes = encode_manifest(m);
  auto back = decode_manifest(bytes);
  ASSERT_TRUE(back.is_ok());
  EXPECT_EQ(back->applied_seq, -5);
  EXPECT_EQ(back->next_segment_id, 9u);
  ASSERT_EQ(back->segments.size(), 2u);
  EXPECT_EQ(back->segments[0].deleted, (std::vector<uint32_t>{1, 2, 500}));
  for (size_t i = 0; i < bytes.size(); ++i) {
    std::string damaged = bytes;
    damaged[i] ^= 1;
    EXPECT_FALSE(decode_manifest(damaged).is_ok()) << i;
    EXPECT_FALSE(decode_manifest(bytes.substr(0, i)).is_ok()) << i;
  }
}

}  // namespace
}  // namespace ragd::lex

namespace ragd::lex {
namespace {

TEST(LengthColumn, NarrowWhenItFitsWideOtherwise) {
  LengthColumn narrow;
  narrow.assign({0, 7, 65535}, 65535);
  EXPECT_EQ(narrow[0], 0u);
  EXPECT_EQ(narrow[1], 7u);
  EXPECT_EQ(narrow[2], 65535u);
  LengthColumn wide;
  wide.assign({1, 65536, 4000000000u}, 4000000000u);
  EXPECT_EQ(wide[0], 1u);
  EXPECT_EQ(wide[1], 65536u);
  EXPECT_EQ(wide[2], 4000000000u);
}

}  // namespace
}  // namespace ragd::lex
