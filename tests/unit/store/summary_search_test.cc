// SessionStore::search_summaries through the FTS5 index (schema version 4): ranking, owner
// isolation, exclusion, hostile query syntax, superseded summaries, the index kept in step
// with writes, and the upgrade of a version 3 database.
#include <gtest/gtest.h>
#include <sqlite3.h>

#include <memory>
#include <set>
#include <string>
#include <vector>

#include "store/migrations.h"
#include "store/session_store.h"
#include "store/store.h"
#include "store_test_support.h"

namespace ragd {
namespace {

using store_test::raw_exec;
using store_test::TempDir;

// The FTS5 index agrees with session_summaries (SQLITE_OK) or not (SQLITE_CORRUPT_VTAB).
int fts_integrity(const std::string& path) {
  return raw_exec(path,
                  "INSERT INTO session_summaries_fts(session_summaries_fts, rank) "
                  "VALUES ('integrity-check', 1)");
}

class SummarySearchTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(dir_.ok());
    path_ = dir_.file("ragd.db");
    open();
  }

  void open(SessionStoreOptions options = {}) {
    sessions_.reset();
    store_.reset();
    auto opened = Store::open(path_);
    ASSERT_TRUE(opened.is_ok()) << opened.status().to_string();
    store_ = std::move(*opened);
    options.clock = [this] { return clock_; };
    sessions_ = std::make_unique<SessionStore>(*store_, options);
  }

  // A session of `owner` with `turns` turns.
  SessionInfo session(const std::string& owner, const std::string& title, int turns = 1) {
    auto made = sessions_->create_session(owner, std::nullopt, title);
    EXPECT_TRUE(made.is_ok()) << made.status().to_string();
    if (!made.is_ok()) return {};
    for (int i = 0; i < turns; ++i) {
      TurnRecord record;
      record.question = "question";
      record.answer = "answer";
      EXPECT_TRUE(sessions_->append_turn(made->public_id, owner, record).is_ok());
    }
    return *made;
  }

  void summarise(const SessionInfo& s, int64_t first, int64_t last, const std::string& text) {
    ++clock_;
    auto added = sessions_->add_summary(s.public_id, s.owner, first, last, text);
    ASSERT_TRUE(added.is_ok()) << added.status().to_string();
  }

  // The texts of the hits, best first.
  std::vector<std::string> search(const std::string& owner, const std::string& query, size_t k = 10,
                                  const std::string& exclude = "") {
    auto hits = sessions_->search_summaries(owner, query, k, exclude);
    EXPECT_TRUE(hits.is_ok()) << query << ": " << hits.status().to_string();
    std::vector<std::string> texts;
    if (!hits.is_ok()) return texts;
    for (size_t i = 0; i < hits->size(); ++i) {
      texts.push_back((*hits)[i].summary.text);
      EXPECT_GT((*hits)[i].score, 0) << query;
      if (i > 0) {
        EXPECT_GE((*hits)[i - 1].score, (*hits)[i].score) << query;
      }
    }
    return texts;
  }

  TempDir dir_;
  std::string path_;
  int64_t clock_ = 1'700'000'000;
  std::unique_ptr<Store> store_;
  std::unique_ptr<SessionStore> sessions_;
};

TEST_F(SummarySearchTest, RareSharedTermsRankFirst) {
  // Every summary says "wine"; only one also names the rare grape and region.
  for (int i = 0; i < 8; ++i) {
    summarise(session("alice", "s" + std::to_string(i)), 1, 1,
              "The user asked about wine prices and wine shipping number " + std::to_string(i));
  }
  summarise(session("alice", "rare"), 1, 1, "Wine: the Nebbiolo grapes of Barolo.");
  summarise(session("alice", "other"), 1, 1, "Opening hours of the tasting room.");
  auto hits = sessions_->search_summaries("alice", "Which wine is made from nebbiolo?", 3);
  ASSERT_TRUE(hits.is_ok()) << hits.status().to_string();
  ASSERT_EQ(hits->size(), 3u);
  EXPECT_EQ((*hits)[0].summary.text, "Wine: the Nebbiolo grapes of Barolo.");
  EXPECT_EQ((*hits)[0].summary.session_title, "rare");
  EXPECT_EQ((*hits)[0].summary.first_ordinal, 1);
  EXPECT_EQ((*hits)[0].summary.last_ordinal, 1);
  EXPECT_GT((*hits)[0].score, (*hits)[1].score);
  // Case, accents and English suffixes fold on both sides.
  summarise(session("alice", "dessert"), 1, 1, "Crème brûlée recipes for the Café.");
  EXPECT_EQ(search("alice", "CREME brulee recipe cafés"),
            std::vector<std::string>{"Crème brûlée recipes for the Café."});
  EXPECT_TRUE(search("alice", "zebra").empty());
  EXPECT_TRUE(search("alice", "wine", 0).empty());
  // Equal scores: the more recent summary first.
  summarise(session("alice", "twin one"), 1, 1, "Quince jelly.");
  summarise(session("alice", "twin two"), 1, 1, "Quince jelly.");
  auto twins = sessions_->search_summaries("alice", "quince", 5);
  ASSERT_TRUE(twins.is_ok());
  ASSERT_EQ(twins->size(), 2u);
  EXPECT_EQ((*twins)[0].summary.session_title, "twin two");
  EXPECT_EQ((*twins)[0].score, (*twins)[1].score);
  auto one_twin = sessions_->search_summaries("alice", "quince", 1);
  ASSERT_TRUE(one_twin.is_ok());
  ASSERT_EQ(one_twin->size(), 1u);
  EXPECT_EQ((*one_twin)[0].summary.session_title, "twin two");
}

TEST_F(SummarySearchTest, OwnersAndTheExcludedSessionNeverLeak) {
  auto alice = session("alice", "a");
  auto alice_now = session("alice", "now");
  auto bob = session("bob", "b");
  // Owners whose names differ only in punctuation, or are empty, are distinct too.
  auto dotted = session("al.ice", "c");
  auto quoted = session("alice\" OR \"", "d");
  auto nobody = session("", "e");
  summarise(alice, 1, 1, "alice merlot note");
  summarise(alice_now, 1, 1, "alice current merlot merlot");
  summarise(bob, 1, 1, "bob merlot merlot merlot");
  summarise(dotted, 1, 1, "dotted merlot");
  summarise(quoted, 1, 1, "quoted merlot");
  summarise(nobody, 1, 1, "nobody merlot");

  const std::vector<std::string> queries = {
      "merlot", "merlot bob", "o626F62 merlot", "owner_key:o626F62", "bob OR merlot", "*"};
  for (const std::string& query : queries) {
    for (const std::string& text : search("alice", query, 10, alice_now.public_id)) {
      EXPECT_EQ(text, "alice merlot note") << query;
    }
  }
  EXPECT_EQ(search("alice", "merlot", 10, alice_now.public_id),
            std::vector<std::string>{"alice merlot note"});
  EXPECT_EQ(search("alice", "merlot", 10).size(), 2u);
  EXPECT_EQ(search("bob", "merlot alice"), std::vector<std::string>{"bob merlot merlot merlot"});
  EXPECT_EQ(search("al.ice", "merlot"), std::vector<std::string>{"dotted merlot"});
  EXPECT_EQ(search("alice\" OR \"", "merlot"), std::vector<std::string>{"quoted merlot"});
  EXPECT_EQ(search("", "merlot"), std::vector<std::string>{"nobody merlot"});
  EXPECT_TRUE(search("carol", "merlot").empty());
  // Excluding another owner's session, or one that does not exist, excludes nothing of
  // alice's.
  EXPECT_EQ(search("alice", "merlot", 10, bob.public_id).size(), 2u);
  EXPECT_EQ(search("alice", "merlot", 10, "s_nonsense").size(), 2u);
}

TEST_F(SummarySearchTest, QuerySyntaxIsReadAsPlainWords) {
  summarise(session("alice", "wine"), 1, 1, "Merlot pairs with lamb.");
  summarise(session("alice", "text"), 1, 1, "The notes mention near misses in the text.");
  summarise(session("bob", "bob"), 1, 1, "Merlot lamb summary text near.");
  const std::vector<std::string> no_hits = {"merl*",
                                            "merl* OR lam*",
                                            "\"merl\"*",
                                            "owner_key:alice",
                                            "summary:zebra",
                                            "{summary}:zebra",
                                            "^zebra",
                                            "zebra -",
                                            "- zebra:",
                                            "(((",
                                            ")",
                                            "\"",
                                            "\"\"\"",
                                            "AND OR NOT",
                                            "*",
                                            ":",
                                            "+",
                                            "\\",
                                            "'",
                                            "\xff\xfe\xc3"};
  for (const std::string& query : no_hits) {
    EXPECT_TRUE(search("alice", query).empty()) << query;
  }
  const std::vector<std::string> merlot_only = {
      "\"merlot",         "merlot\"",     "merlot*",           "NOT merlot",
      "-merlot",          "(merlot",      "summary:merlot",    "^merlot",
      "merlot AND zebra", "zebra:merlot", "{owner_key}:merlot"};
  for (const std::string& query : merlot_only) {
    EXPECT_EQ(search("alice", query), std::vector<std::string>{"Merlot pairs with lamb."}) << query;
  }
  // Operators and column names are words: "near" and "text" find the summary that says them.
  EXPECT_EQ(search("alice", "NEAR(zebra)"),
            std::vector<std::string>{"The notes mention near misses in the text."});
  EXPECT_EQ(search("alice", "text: zebra"),
            std::vector<std::string>{"The notes mention near misses in the text."});
  EXPECT_EQ(search("alice", "merlot OR notes").size(), 2u);
  EXPECT_EQ(search("alice", "NEAR(merlot zebra, 0)").size(), 2u);
  // A very long query is cut to its first words, not refused.
  std::string long_query;
  for (int i = 0; i < 5000; ++i) long_query += "word" + std::to_string(i) + " ";
  EXPECT_TRUE(search("alice", long_query + "merlot").empty());
  EXPECT_EQ(search("alice", "merlot " + long_query).size(), 1u);
}

TEST_F(SummarySearchTest, RollUpsSupersedeTheSummariesTheyCover) {
  auto s = session("alice", "garden", 6);
  summarise(s, 1, 2, "Planting turnips in spring.");
  summarise(s, 3, 4, "Watering beetroot.");
  summarise(s, 5, 6, "Harvesting pumpkins.");
  EXPECT_EQ(search("alice", "turnips"), std::vector<std::string>{"Planting turnips in spring."});
  summarise(s, 1, 4, "Root vegetables: sowing and watering.");
  EXPECT_TRUE(search("alice", "turnips").empty());
  EXPECT_TRUE(search("alice", "beetroot").empty());
  EXPECT_EQ(search("alice", "sowing"),
            std::vector<std::string>{"Root vegetables: sowing and watering."});
  // "watering" is in a superseded fold and in the roll-up: only the roll-up answers.
  EXPECT_EQ(search("alice", "watering"),
            std::vector<std::string>{"Root vegetables: sowing and watering."});
  EXPECT_EQ(search("alice", "pumpkins"), std::vector<std::string>{"Harvesting pumpkins."});
  // A roll-up of the roll-up and the rest supersedes everything before it.
  summarise(s, 1, 6, "A season in the kitchen garden.");
  for (const std::string query : {"turnips", "sowing", "pumpkins"}) {
    EXPECT_TRUE(search("alice", query).empty()) << query;
  }
  EXPECT_EQ(search("alice", "kitchen garden"),
            std::vector<std::string>{"A season in the kitchen garden."});
  EXPECT_EQ(fts_integrity(path_), SQLITE_OK);
}

TEST_F(SummarySearchTest, TheIndexFollowsDeletesAndUpdates) {
  auto doomed = session("alice", "doomed", 2);
  auto kept = session("alice", "kept");
  summarise(doomed, 1, 1, "Doomed apricots.");
  summarise(doomed, 2, 2, "Doomed figs.");
  summarise(doomed, 1, 2, "Doomed fruit.");
  summarise(kept, 1, 1, "Kept apricots.");
  ASSERT_TRUE(sessions_->delete_session(doomed.public_id, "alice").is_ok());
  EXPECT_EQ(fts_integrity(path_), SQLITE_OK);
  EXPECT_EQ(search("alice", "apricots fruit figs doomed"),
            std::vector<std::string>{"Kept apricots."});
  // Written behind the store's back, an update is followed too.
  ASSERT_EQ(raw_exec(path_, "UPDATE session_summaries SET summary = 'Kept plums.'"), SQLITE_OK);
  EXPECT_EQ(fts_integrity(path_), SQLITE_OK);
  EXPECT_TRUE(search("alice", "apricots").empty());
  EXPECT_EQ(search("alice", "plums"), std::vector<std::string>{"Kept plums."});
}

TEST_F(SummarySearchTest, OnlyTheMostRecentSummariesAreSearched) {
  SessionStoreOptions options;
  options.max_summaries_searched = 2;
  open(options);
  summarise(session("alice", "old"), 1, 1, "Old notes on cider.");
  summarise(session("bob", "bob"), 1, 1, "Bob's cider.");
  summarise(session("alice", "mid"), 1, 1, "Middle notes on cider.");
  summarise(session("alice", "new"), 1, 1, "New notes on cider.");
  const std::vector<std::string> recent = search("alice", "cider");
  EXPECT_EQ((std::set<std::string>(recent.begin(), recent.end())),
            (std::set<std::string>{"Middle notes on cider.", "New notes on cider."}));
  options.max_summaries_searched = 0;
  open(options);
  EXPECT_TRUE(search("alice", "cider").empty());
}

TEST_F(SummarySearchTest, AVersion3DatabaseUpgradesAndItsSummariesAreFound) {
  auto wine = session("alice", "wine", 2);
  auto bob = session("bob", "bob");
  summarise(wine, 1, 1, "Merlot prices.");
  summarise(wine, 2, 2, "Shipping to Norway.");
  summarise(bob, 1, 1, "Bob's merlot.");
  sessions_.reset();
  store_.reset();
  // Back to the version 3 schema: version 4 only added these.
  ASSERT_EQ(raw_exec(path_,
                     "DROP TRIGGER session_summaries_fts_insert;"
                     "DROP TRIGGER session_summaries_fts_delete;"
                     "DROP TRIGGER session_summaries_fts_update;"
                     "DROP TABLE session_summaries_fts;"
                     "DROP VIEW session_summaries_fts_content;"
                     "DROP INDEX session_summaries_by_session;"
                     "DELETE FROM schema_migrations WHERE version > 3;"),
            SQLITE_OK);
  open();
  EXPECT_EQ(store_->schema_version(), latest_schema_version());
  EXPECT_EQ(fts_integrity(path_), SQLITE_OK);
  EXPECT_EQ(search("alice", "merlot"), std::vector<std::string>{"Merlot prices."});
  EXPECT_EQ(search("alice", "norway"), std::vector<std::string>{"Shipping to Norway."});
  EXPECT_EQ(search("bob", "merlot"), std::vector<std::string>{"Bob's merlot."});
  // And it stays in step afterwards.
  summarise(wine, 1, 2, "Merlot shipped to Norway.");
  EXPECT_EQ(search("alice", "norway merlot"),
            std::vector<std::string>{"Merlot shipped to Norway."});
}

}  // namespace
}  // namespace ragd
