// CitationVerifier: support scores, the remove and flag policies, invalid markers, exact
// numbers, spans that resolve into the document, the optional semantic signal, hostile input.
#include "chat/citation_verifier.h"

#include <gtest/gtest.h>

#include <string>

namespace ragd {
namespace {

Passage make_passage(int number, std::string text, int64_t begin = 0) {
  Passage p;
  p.number = number;
  p.chunk_id = 100 + number;
  p.document_id = 10 + number;
  p.document_key = "doc" + std::to_string(number) + ".md";
  p.title = "Title " + std::to_string(number);
  p.begin = begin;
  p.end = begin + static_cast<int64_t>(text.size());
  p.text = std::move(text);
  return p;
}

class CitationVerifierTest : public ::testing::Test {
 protected:
  Analyzer analyzer_;
  std::vector<Passage> passages_ = {
      make_passage(1,
                   "The estate was founded in 1987. The tasting room opened in 2009 and has a "
                   "long oak bar.",
                   500),
      make_passage(2, "Dogs are welcome on the Terrace when kept on a leash.", 40),
  };
};

TEST_F(CitationVerifierTest, SupportedCitationsStayAndResolveToTheirSpan) {
  CitationVerifier verifier(analyzer_);
  VerifiedAnswer out =
      verifier.verify("The tasting room opened in 2009 [1]. Dogs are welcome on a leash [2].",
                      passages_);
  EXPECT_EQ(out.text, "The tasting room opened in 2009 [1]. Dogs are welcome on a leash [2].");
  ASSERT_EQ(out.sentences.size(), 2u);
  ASSERT_EQ(out.sentences[0].citations.size(), 1u);
  EXPECT_TRUE(out.sentences[0].citations[0].supported);
  EXPECT_GE(out.sentences[0].best_support, 0.99);
  ASSERT_EQ(out.cited.size(), 2u);
  EXPECT_EQ(out.cited[0].number, 1);
  EXPECT_EQ(out.cited[0].chunk_id, 101);
  EXPECT_EQ(out.cited[0].document_key, "doc1.md");
  const std::string& text1 = passages_[0].text;
  const size_t offset = text1.find("The tasting room");
  EXPECT_EQ(out.cited[0].span_begin, 500 + static_cast<int64_t>(offset));
  EXPECT_EQ(out.cited[0].span_end, 500 + static_cast<int64_t>(text1.size()));
  EXPECT_EQ(out.cited[0].excerpt, text1.substr(offset));
  EXPECT_EQ(out.unsupported, 0u);
}

TEST_F(CitationVerifierTest, UnsupportedCitationIsRemovedOrFlagged) {
  const std::string answer = "Dogs are welcome on a leash [1]. The estate was founded in 1987 [1].";
  CitationVerifier remove(analyzer_);
  VerifiedAnswer removed = remove.verify(answer, passages_);
  EXPECT_EQ(removed.text, "Dogs are welcome on a leash. The estate was founded in 1987 [1].");
  EXPECT_EQ(removed.unsupported, 1u);
  ASSERT_EQ(removed.sentences.size(), 2u);
  EXPECT_FALSE(removed.sentences[0].citations[0].supported);
  EXPECT_LT(removed.sentences[0].best_support, 0.5);

  CitationVerifierConfig flag_config;
  flag_config.policy = UnsupportedPolicy::kFlag;
  CitationVerifier flag(analyzer_, flag_config);
  VerifiedAnswer flagged = flag.verify(answer, passages_);
  EXPECT_EQ(flagged.text, answer);
  EXPECT_EQ(flagged.unsupported, 1u);
  ASSERT_EQ(flagged.cited.size(), 1u);
  EXPECT_TRUE(flagged.cited[0].supported);
}

TEST_F(CitationVerifierTest, NumbersMustMatchExactly) {
  CitationVerifier verifier(analyzer_);
  VerifiedAnswer out = verifier.verify("The tasting room opened in 2011 [1].", passages_);
  ASSERT_EQ(out.sentences.size(), 1u);
  EXPECT_FALSE(out.sentences[0].citations[0].supported);
  EXPECT_EQ(out.text, "The tasting room opened in 2011.");
  EXPECT_TRUE(out.cited.empty());
}

TEST_F(CitationVerifierTest, InvalidMarkersAreAlwaysRemoved) {
  CitationVerifierConfig config;
  config.policy = UnsupportedPolicy::kFlag;
  CitationVerifier verifier(analyzer_, config);
  VerifiedAnswer out = verifier.verify(
      "Dogs are welcome on a leash [2][7]. Founded in 1987 [0][999999999999][-1] [1, 3].",
      passages_);
  EXPECT_EQ(out.text, "Dogs are welcome on a leash [2]. Founded in 1987 [-1] [1].");
  EXPECT_EQ(out.invalid_removed, 4u);
  ASSERT_EQ(out.sentences.size(), 2u);
  EXPECT_EQ(out.sentences[0].invalid_citations, (std::vector<int>{7}));
}

TEST_F(CitationVerifierTest, CitedPassagesInOrderOfFirstUse) {
  CitationVerifier verifier(analyzer_);
  VerifiedAnswer out = verifier.verify(
      "Dogs are welcome on a leash [2]. The estate was founded in 1987 [1]. Dogs need a leash "
      "[2].",
      passages_);
  ASSERT_EQ(out.cited.size(), 2u);
  EXPECT_EQ(out.cited[0].number, 2);
  EXPECT_EQ(out.cited[1].number, 1);
}

TEST_F(CitationVerifierTest, SemanticSupportRescuesParaphrasesOnly) {
  // A fake embedding: texts about dogs ("og", "leash", "pet") point one way, the rest another.
  size_t calls = 0;
  std::vector<std::string> embedded;
  EmbedTexts embed = [&](const std::vector<std::string>& texts)
      -> Result<std::vector<std::vector<float>>> {
    ++calls;
    embedded.insert(embedded.end(), texts.begin(), texts.end());
    std::vector<std::vector<float>> out;
    for (const auto& t : texts) {
      const bool dog = t.find("og") != std::string::npos || t.find("leash") != std::string::npos ||
                       t.find("pet") != std::string::npos;
      out.push_back(dog ? std::vector<float>{1, 0} : std::vector<float>{0, 1});
    }
    return out;
  };
  CitationVerifier semantic(analyzer_, {}, {}, embed);

  // The passage states the claim in its own words: no embedding is needed.
  VerifiedAnswer stated = semantic.verify("Dogs are welcome on a leash [2].", passages_);
  EXPECT_EQ(calls, 0u);
  EXPECT_FALSE(stated.semantic_used);
  EXPECT_TRUE(stated.sentences[0].citations[0].supported);

  // A paraphrase sharing two words of six: lexically unsupported, rescued by the cosine.
  CitationVerifier lexical_only(analyzer_);
  const std::string paraphrase = "Pets may join visitors on the Terrace when leashed [2].";
  EXPECT_FALSE(lexical_only.verify(paraphrase, passages_).sentences[0].citations[0].supported);
  VerifiedAnswer rescued = semantic.verify(paraphrase, passages_);
  EXPECT_EQ(calls, 1u);
  EXPECT_TRUE(rescued.semantic_used);
  EXPECT_TRUE(rescued.sentences[0].citations[0].supported);
  // Only the weak claim and the sentences of the passage it cites were embedded.
  EXPECT_EQ(embedded.size(), 2u);

  // A claim the passage neither states nor means stays unsupported.
  VerifiedAnswer unrelated = semantic.verify("The tasting room opened in 2009 [2].", passages_);
  EXPECT_TRUE(unrelated.semantic_used);
  EXPECT_FALSE(unrelated.sentences[0].citations.empty());
  EXPECT_EQ(unrelated.unsupported, 1u);

  EmbedTexts broken = [](const std::vector<std::string>&)
      -> Result<std::vector<std::vector<float>>> { return Status::io("down"); };
  CitationVerifier fallback(analyzer_, {}, {}, broken);
  VerifiedAnswer lexical = fallback.verify(paraphrase, passages_);
  EXPECT_FALSE(lexical.semantic_used);
  EXPECT_FALSE(lexical.sentences[0].citations[0].supported);

  EmbedTexts wrong_count = [](const std::vector<std::string>&)
      -> Result<std::vector<std::vector<float>>> {
    return std::vector<std::vector<float>>{{1.0f}};
  };
  CitationVerifier ignored(analyzer_, {}, {}, wrong_count);
  EXPECT_FALSE(ignored.verify(paraphrase, passages_).semantic_used);
}

TEST_F(CitationVerifierTest, IdfWeightsRareTermsOverCommonOnes) {
  // The claim shares only the common word "estate" with passage 1; with idf the rare
  // "helicopter" dominates and support collapses.
  TermIdf idf = [](std::string_view term) { return term == "helicopt" ? 5.0 : 0.5; };
  CitationVerifier verifier(analyzer_, {}, idf);
  Support s = verifier.support("helicopter estate", passages_[0]);
  EXPECT_LT(s.score, 0.2);
  CitationVerifier flat(analyzer_);
  EXPECT_GE(flat.support("helicopter estate", passages_[0]).score, 0.4);
}

TEST_F(CitationVerifierTest, HostileInputNeverCrashes) {
  CitationVerifier verifier(analyzer_);
  std::vector<Passage> odd = passages_;
  odd.push_back(make_passage(3, "\xff\xfe broken \xc3 text [1] [[2]]"));
  odd.push_back(make_passage(3, "duplicate number"));
  odd.push_back(make_passage(-1, ""));
  for (const std::string& answer :
       {std::string(), std::string("[1]"), std::string("[999999999999] [0] [-1]"),
        std::string("\xff[3]\xc3 [1-999999] [[[1]]]"), std::string(3000, '['),
        std::string("text [3]. [2]"), std::string("[1]\0[2]", 7)}) {
    VerifiedAnswer out = verifier.verify(answer, odd);
    for (const auto& c : out.cited) {
      EXPECT_LE(c.span_begin, c.span_end);
    }
    EXPECT_LE(out.text.size(), answer.size());
  }
  EXPECT_TRUE(verifier.verify("Some claim [1].", {}).cited.empty());
}

}  // namespace
}  // namespace ragd
