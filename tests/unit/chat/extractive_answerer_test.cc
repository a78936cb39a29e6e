// ExtractiveAnswerer: quotes the best-covering sentences with citations, prefers sentences
// offering the asked-for kind of answer, drops duplicates and labels, abstains when the
// passages do not cover the question, and survives hostile input.
#include "chat/extractive_answerer.h"

#include <gtest/gtest.h>

#include "chat/citation_verifier.h"

namespace ragd {
namespace {

Passage passage(int number, std::string title, std::string text) {
  Passage p;
  p.number = number;
  p.chunk_id = number;
  p.title = std::move(title);
  p.end = static_cast<int64_t>(text.size());
  p.text = std::move(text);
  return p;
}

class ExtractiveAnswererTest : public ::testing::Test {
 protected:
  // Collection statistics of `passages`, one document each.
  DocumentFrequencies frequencies_of(const std::vector<Passage>& passages) const {
    DocumentFrequencies df;
    ContentTermExtractor extractor(analyzer_);
    for (const Passage& p : passages) df.add_document(extractor.distinct_terms(p.text));
    return df;
  }

  Analyzer analyzer_;
  std::vector<Passage> passages_ = {
      passage(1, "Wine Club",
              "Wine Club\n\nThe Alder Creek Wine Club was founded in 1996 and has about 2,400 "
              "members. Members receive four shipments a year."),
      passage(2, "Visit Policies",
              "Dogs are allowed on the Terrace when kept on a leash. Dogs are not allowed "
              "inside the tasting room."),
      passage(3, "Wine Club FAQ",
              "How many friends can I bring? The Alder Creek Wine Club was founded in 1996 and "
              "has about 2,400 members."),
  };
};

TEST_F(ExtractiveAnswererTest, QuotesTheAnsweringSentenceWithItsCitation) {
  ExtractiveAnswerer answerer(analyzer_);
  ExtractiveAnswer answer = answerer.answer("When was the wine club founded?", passages_);
  ASSERT_FALSE(answer.abstained);
  EXPECT_EQ(answer.answer_type, AnswerType::kDate);
  EXPECT_NE(answer.text.find("founded in 1996 and has about 2,400 members [1]."),
            std::string::npos)
      << answer.text;
  // Passage 3 repeats the sentence: quoted once only.
  EXPECT_EQ(answer.text.find("[3]"), std::string::npos) << answer.text;
  EXPECT_EQ(answer.text.find("How many friends"), std::string::npos) << answer.text;
  EXPECT_EQ(answer.text.find("Wine Club ["), std::string::npos) << "headings are not quoted";
  ASSERT_FALSE(answer.sentences.empty());
  EXPECT_EQ(answer.sentences.front().passage_number, 1);
  // Every citation of an extractive answer verifies.
  CitationVerifier verifier(analyzer_);
  VerifiedAnswer verified = verifier.verify(answer.text, passages_);
  EXPECT_EQ(verified.unsupported, 0u);
  EXPECT_EQ(verified.invalid_removed, 0u);
  EXPECT_EQ(verified.text, answer.text);
}

TEST_F(ExtractiveAnswererTest, AbstainsWhenThePassagesDoNotCoverTheQuestion) {
  ExtractiveAnswerer answerer(analyzer_);
  ExtractiveAnswer answer =
      answerer.answer("Do you offer helicopter tours over the vineyard?", passages_);
  EXPECT_TRUE(answer.abstained);
  EXPECT_EQ(answer.text, "The knowledge base does not say.");
  EXPECT_TRUE(answer.sentences.empty());
  EXPECT_TRUE(answerer.answer("When was the club founded?", {}).abstained);
  EXPECT_TRUE(answerer.answer("", passages_).abstained);
  EXPECT_TRUE(answerer.answer("what is the", passages_).abstained);
}

TEST_F(ExtractiveAnswererTest, UnknownTermsAndMissingNumbersAbstain) {
  DocumentFrequencies df = frequencies_of(passages_);
  ExtractiveAnswerer answerer(analyzer_, {}, df.as_function(), df.frequency_function());
  ExtractiveAnswer unknown = answerer.answer("Are dogs allowed in the helipad?", passages_);
  EXPECT_TRUE(unknown.abstained);
  EXPECT_EQ(unknown.unknown_term, "helipad");
  EXPECT_TRUE(answerer.answer("How many members did the wine club have in 2011?", passages_)
                  .abstained);
  EXPECT_FALSE(answerer.answer("Are dogs allowed inside the tasting room?", passages_).abstained);
}

// A fake model: sentences mentioning dogs point one way, all others another; a question about
// dogs points the dog way, any other question a third way (about neither).
EmbedTexts dog_axis_embedder(size_t* calls) {
  return [calls](const std::vector<std::string>& texts)
             -> Result<std::vector<std::vector<float>>> {
    ++*calls;
    std::vector<std::vector<float>> rows;
    for (const std::string& t : texts) {
      const bool dog = t.find("og") != std::string::npos;  // "dog", "Dogs"
      if (t.ends_with("?")) {
        rows.push_back(dog ? std::vector<float>{1, 0, 0} : std::vector<float>{0, 0, 1});
      } else {
        rows.push_back(dog ? std::vector<float>{1, 0, 0} : std::vector<float>{0, 1, 0});
      }
    }
    return rows;
  };
}

TEST_F(ExtractiveAnswererTest, SemanticRelevanceDecidesWithAnEmbedder) {
  DocumentFrequencies df = frequencies_of(passages_);
  size_t calls = 0;
  ExtractiveAnswerer answerer(analyzer_, {}, df.as_function(), df.frequency_function(),
                              dog_axis_embedder(&calls));
  // Every word is in the passages, but no sentence is about the question: abstain.
  ExtractiveAnswer off_topic = answerer.answer("Are members allowed inside the tasting room?",
                                               passages_);
  EXPECT_TRUE(off_topic.abstained) << off_topic.text;
  EXPECT_LT(off_topic.semantic, 0.3);
  // "pets" never occurs in the collection, but the sentences are about the question: the
  // unknown term alone no longer abstains.
  ExtractiveAnswer paraphrase =
      answerer.answer("Are dogs and other pets allowed inside the tasting room?", passages_);
  EXPECT_FALSE(paraphrase.abstained) << paraphrase.text;
  EXPECT_GT(paraphrase.semantic, 0.9);
  EXPECT_TRUE(paraphrase.unknown_term.empty());
  EXPECT_NE(paraphrase.text.find("[2]"), std::string::npos) << paraphrase.text;
  EXPECT_GE(calls, 2u);
  // But an unknown term that carries half the question's weight is its subject: the dog
  // sentences are close in meaning, yet the collection never mentions kosher dogs.
  ExtractiveAnswer subject = answerer.answer("Are kosher dogs allowed?", passages_);
  EXPECT_TRUE(subject.abstained) << subject.text;
  EXPECT_EQ(subject.unknown_term, "kosher");
  EXPECT_GT(subject.semantic, 0.9);

  // A failing model leaves the lexical rules in charge; 0 turns the check off.
  EmbedTexts failing = [](const std::vector<std::string>&)
      -> Result<std::vector<std::vector<float>>> { return Status::internal("down"); };
  ExtractiveAnswerer lexical_only(analyzer_, {}, df.as_function(), df.frequency_function(),
                                  failing);
  EXPECT_TRUE(lexical_only.answer("Are dogs and other pets allowed inside the tasting room?",
                                  passages_)
                  .abstained);
  EXPECT_FALSE(lexical_only.answer("Are members allowed inside the tasting room?", passages_)
                   .abstained);
  ExtractiveAnswererConfig off;
  off.min_semantic = 0;
  calls = 0;
  ExtractiveAnswerer unchecked(analyzer_, off, df.as_function(), df.frequency_function(),
                               dog_axis_embedder(&calls));
  EXPECT_FALSE(unchecked.answer("Are members allowed inside the tasting room?", passages_).abstained);
  EXPECT_EQ(calls, 0u);
}

TEST_F(ExtractiveAnswererTest, NumbersAndCompoundsMatchTheirOtherSpellings) {
  std::vector<Passage> passages = {
      passage(1, "Super Bowl LII",
              "The Eagles won Super Bowl LII in February 2018. It was their first title."),
      passage(2, "World War II", "World War II ended in the Pacific in September 1945."),
  };
  DocumentFrequencies df = frequencies_of(passages);
  ExtractiveAnswerer answerer(analyzer_, {}, df.as_function(), df.frequency_function());
  // "2" is written "II" in the passage: not a missing number.
  ExtractiveAnswer war = answerer.answer("When did world war 2 end in the pacific?", passages);
  ASSERT_FALSE(war.abstained) << war.text;
  EXPECT_NE(war.text.find("September 1945 [2]"), std::string::npos) << war.text;
  // "superbowl" never occurs, but "Super Bowl" does, side by side: not an unknown term.
  ExtractiveAnswer bowl = answerer.answer("When was the eagles superbowl title?", passages);
  ASSERT_FALSE(bowl.abstained) << bowl.text;
  EXPECT_TRUE(bowl.unknown_term.empty());
  EXPECT_NE(bowl.text.find("February 2018 [1]"), std::string::npos) << bowl.text;
  // "bowlsuper" splits into known words too, but no passage writes them in that order.
  EXPECT_TRUE(answerer.answer("When was the eagles bowlsuper title?", passages).abstained);
  // A different number is still missing.
  EXPECT_TRUE(answerer.answer("When did world war 3 end in the pacific?", passages).abstained);
}

TEST_F(ExtractiveAnswererTest, SemanticRescueAnswersAParaphraseWithFewSharedWords) {
  DocumentFrequencies df = frequencies_of(passages_);
  df.add_document({"canin", "companion", "permit", "outdoor", "seat"});
  size_t calls = 0;
  // Few of the question's words are in the passages ("dogs" only), but it means the dog
  // sentences: the cosine rescues it.
  const std::string question = "Are canine companions permitted at outdoor seating with dogs?";
  ExtractiveAnswererConfig no_rescue;
  no_rescue.semantic_rescue = 1.01;
  ExtractiveAnswerer strict(analyzer_, no_rescue, df.as_function(), df.frequency_function(),
                            dog_axis_embedder(&calls));
  EXPECT_TRUE(strict.answer(question, passages_).abstained);
  ExtractiveAnswerer rescuing(analyzer_, {}, df.as_function(), df.frequency_function(),
                              dog_axis_embedder(&calls));
  ExtractiveAnswer rescued = rescuing.answer(question, passages_);
  ASSERT_FALSE(rescued.abstained) << rescued.text;
  EXPECT_LT(rescued.coverage, rescuing.config().min_coverage);
  EXPECT_NE(rescued.text.find("[2]"), std::string::npos) << rescued.text;
  // Without a model the lexical bar stands.
  ExtractiveAnswerer lexical(analyzer_, {}, df.as_function(), df.frequency_function());
  EXPECT_TRUE(lexical.answer(question, passages_).abstained);
}

TEST_F(ExtractiveAnswererTest, AnswerTypeCuesAndDetection) {
  EXPECT_EQ(detect_answer_type("who wrote the song"), AnswerType::kPerson);
  EXPECT_EQ(detect_answer_type("How many members are there"), AnswerType::kNumber);
  EXPECT_EQ(detect_answer_type("what year did it open"), AnswerType::kDate);
  EXPECT_EQ(detect_answer_type("where is the winery"), AnswerType::kPlace);
  EXPECT_EQ(detect_answer_type("the south west wind blows across nigeria"),
            AnswerType::kUnknown);
  const auto words = surface_words("when was it founded");
  EXPECT_TRUE(has_answer_candidate(AnswerType::kDate, "It was founded in 1996.", words));
  EXPECT_FALSE(has_answer_candidate(AnswerType::kDate, "It was founded long ago.", words));
  EXPECT_TRUE(has_answer_candidate(AnswerType::kPerson, "It was written by Cathy Dennis.",
                                   surface_words("who wrote it")));
}

TEST_F(ExtractiveAnswererTest, HostileInputNeverCrashes) {
  ExtractiveAnswerer answerer(analyzer_);
  std::vector<Passage> odd = passages_;
  odd.push_back(passage(4, "\xff", "\xff\xfe [1] [999999999999] dogs \xc3 leash. ["));
  odd.push_back(passage(0, "", ""));
  odd.push_back(passage(-3, "x", std::string(5000, '.')));
  for (const std::string& q : {std::string("dogs leash \xff?"), std::string(2000, '?'),
                               std::string("[1] dogs [2]"), std::string("\0dogs", 5)}) {
    ExtractiveAnswer answer = answerer.answer(q, odd);
    EXPECT_FALSE(answer.text.empty());
    for (const ExtractedSentence& s : answer.sentences) EXPECT_LE(s.begin, s.end);
  }
  // Source sentences carrying their own bracketed numbers never leak them as citations.
  ExtractiveAnswer answer = answerer.answer("dogs leash", {passage(1, "", "Dogs need a leash [7].")});
  EXPECT_EQ(answer.text, "Dogs need a leash [1].");
}

}  // namespace
}  // namespace ragd
