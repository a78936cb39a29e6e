#include "store/session_store.h"

#include <gtest/gtest.h>
#include <sqlite3.h>

#include <algorithm>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "store/store.h"
#include "store_test_support.h"
#include "text/normalize.h"

namespace ragd {
namespace {

using store_test::TempDir;

int64_t count_rows(const std::string& path, const std::string& sql) {
  sqlite3* db = nullptr;
  int64_t count = -1;
  if (sqlite3_open(path.c_str(), &db) == SQLITE_OK) {
    sqlite3_stmt* statement = nullptr;
    if (sqlite3_prepare_v2(db, sql.c_str(), -1, &statement, nullptr) == SQLITE_OK &&
        sqlite3_step(statement) == SQLITE_ROW) {
      count = sqlite3_column_int64(statement, 0);
    }
    sqlite3_finalize(statement);
  }
  sqlite3_close(db);
  return count;
}

TurnRecord turn(const std::string& question, const std::string& answer = "An answer.") {
  TurnRecord record;
  record.question = question;
  record.answer = answer;
  record.citations_json = R"([{"n":1,"chunk":7}])";
  record.strategy = "rag";
  record.model = "test-model";
  record.prompt_tokens = 120;
  record.completion_tokens = 30;
  record.latency_json = R"({"total_ms":12.5})";
  return record;
}

class SessionStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(dir_.ok());
    path_ = dir_.file("ragd.db");
    auto opened = Store::open(path_);
    ASSERT_TRUE(opened.is_ok()) << opened.status().to_string();
    store_ = std::move(*opened);
    SessionStoreOptions options;
    options.clock = [this] { return clock_; };
    sessions_ = std::make_unique<SessionStore>(*store_, options);
  }

  SessionInfo create(const std::string& owner, const std::string& title = "") {
    auto session = sessions_->create_session(owner, std::nullopt, title);
    EXPECT_TRUE(session.is_ok()) << session.status().to_string();
    return session.is_ok() ? *session : SessionInfo{};
  }

  TurnInfo append(const SessionInfo& session, const std::string& question,
                  const std::string& answer = "An answer.") {
    auto appended =
        sessions_->append_turn(session.public_id, session.owner, turn(question, answer));
    EXPECT_TRUE(appended.is_ok()) << appended.status().to_string();
    return appended.is_ok() ? *appended : TurnInfo{};
  }

  TempDir dir_;
  std::string path_;
  int64_t clock_ = 1'700'000'000;
  std::unique_ptr<Store> store_;
  std::unique_ptr<SessionStore> sessions_;
};

TEST(PublicIds, AreRandomBase64UrlWithPrefix) {
  std::set<std::string> seen;
  for (int i = 0; i < 200; ++i) {
    auto id = make_public_id("s_");
    ASSERT_TRUE(id.is_ok());
    ASSERT_EQ(id->size(), 24u);
    EXPECT_EQ(id->substr(0, 2), "s_");
    for (char c : id->substr(2)) {
      EXPECT_TRUE(std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_') << *id;
    }
    seen.insert(*id);
  }
  EXPECT_EQ(seen.size(), 200u);
}

TEST(Titles, CutAtAWordBoundaryWithinTheLimit) {
  EXPECT_EQ(title_from_question("  What   wines\n are red? ", 200), "What wines are red?");
  std::string title = title_from_question("Which membership tier includes the reserve tasting", 30);
  EXPECT_LE(title.size(), 30u);
  EXPECT_EQ(title, "Which membership tier\xE2\x80\xA6");
  // No splitting inside a multi-byte character.
  std::string cut = title_from_question(std::string(40, 'a') + "\xC3\xA9\xC3\xA9\xC3\xA9", 44);
  EXPECT_TRUE(is_valid_utf8(cut));
  EXPECT_LE(cut.size(), 44u);
}

TEST_F(SessionStoreTest, CreateGetListDelete) {
  auto a = create("alice", "Wine questions");
  EXPECT_EQ(a.title, "Wine questions");
  EXPECT_EQ(a.owner, "alice");
  EXPECT_EQ(a.created_at, clock_);
  EXPECT_EQ(a.turn_count, 0);
  EXPECT_FALSE(a.collection_id.has_value());

  auto got = sessions_->get_session(a.public_id, "alice");
  ASSERT_TRUE(got.is_ok());
  EXPECT_EQ(got->title, "Wine questions");

  clock_ += 10;
  auto b = create("alice");
  clock_ += 10;
  auto c = create("alice");
  auto page = sessions_->list_sessions("alice", 10);
  ASSERT_TRUE(page.is_ok());
  ASSERT_EQ(page->sessions.size(), 3u);
  EXPECT_EQ(page->sessions[0].public_id, c.public_id);
  EXPECT_EQ(page->sessions[2].public_id, a.public_id);
  EXPECT_FALSE(page->next_cursor.has_value());

  // A turn makes a session the most recently updated one.
  clock_ += 10;
  append(a, "Which red wines do you sell?");
  page = sessions_->list_sessions("alice", 10);
  ASSERT_TRUE(page.is_ok());
  EXPECT_EQ(page->sessions[0].public_id, a.public_id);
  EXPECT_EQ(page->sessions[0].updated_at, clock_);

  ASSERT_TRUE(sessions_->delete_session(b.public_id, "alice").is_ok());
  EXPECT_EQ(sessions_->get_session(b.public_id, "alice").status().code(), ErrorCode::kNotFound);
  EXPECT_EQ(sessions_->delete_session(b.public_id, "alice").code(), ErrorCode::kNotFound);
}

TEST_F(SessionStoreTest, ListPagesWithACursorThroughEqualTimestamps) {
  std::vector<std::string> created;
  for (int i = 0; i < 7; ++i) created.push_back(create("alice").public_id);  // one second
  std::vector<std::string> listed;
  std::optional<std::string> cursor;
  for (int pages = 0; pages < 10; ++pages) {
    auto page = sessions_->list_sessions("alice", 3, cursor);
    ASSERT_TRUE(page.is_ok()) << page.status().to_string();
    for (const auto& session : page->sessions) listed.push_back(session.public_id);
    cursor = page->next_cursor;
    if (!cursor) break;
  }
  std::reverse(created.begin(), created.end());
  EXPECT_EQ(listed, created);
  EXPECT_EQ(sessions_->list_sessions("alice", 3, std::string("garbage")).status().code(),
            ErrorCode::kInvalidArgument);
  EXPECT_EQ(sessions_->list_sessions("alice", 0).status().code(), ErrorCode::kInvalidArgument);
}

TEST_F(SessionStoreTest, SessionInACollection) {
  auto collection = store_->get_or_create_collection("wine");
  ASSERT_TRUE(collection.is_ok());
  auto session = sessions_->create_session("alice", collection->id, "");
  ASSERT_TRUE(session.is_ok()) << session.status().to_string();
  EXPECT_EQ(session->collection_id, collection->id);
  EXPECT_EQ(sessions_->create_session("alice", 987654, "").status().code(), ErrorCode::kNotFound);
  // Deleting the collection keeps the conversation, detached.
  ASSERT_TRUE(store_->delete_collection(collection->id).is_ok());
  auto after = sessions_->get_session(session->public_id, "alice");
  ASSERT_TRUE(after.is_ok());
  EXPECT_FALSE(after->collection_id.has_value());
}

TEST_F(SessionStoreTest, TurnsRoundTripWithOrdinalsAndDerivedTitle) {
  auto session = create("alice");
  EXPECT_EQ(session.title, "");
  auto first = append(session, "  Which red wines\ndo you sell?  ", "We sell Merlot [1].");
  EXPECT_EQ(first.ordinal, 1);
  EXPECT_EQ(first.public_id.substr(0, 2), "m_");
  EXPECT_EQ(append(session, "And white ones?").ordinal, 2);
  EXPECT_EQ(append(session, "Prices?").ordinal, 3);

  auto info = sessions_->get_session(session.public_id, "alice");
  ASSERT_TRUE(info.is_ok());
  EXPECT_EQ(info->title, "Which red wines do you sell?");
  EXPECT_EQ(info->turn_count, 3);

  auto all = sessions_->turns(session.public_id, "alice", 100);
  ASSERT_TRUE(all.is_ok());
  ASSERT_EQ(all->size(), 3u);
  const TurnInfo& t = (*all)[0];
  EXPECT_EQ(t.public_id, first.public_id);
  EXPECT_EQ(t.session_public_id, session.public_id);
  EXPECT_EQ(t.record.question, "  Which red wines\ndo you sell?  ");
  EXPECT_EQ(t.record.answer, "We sell Merlot [1].");
  EXPECT_EQ(t.record.citations_json, R"([{"n":1,"chunk":7}])");
  EXPECT_EQ(t.record.latency_json, R"({"total_ms":12.5})");
  EXPECT_EQ(t.record.strategy, "rag");
  EXPECT_EQ(t.record.model, "test-model");
  EXPECT_EQ(t.record.prompt_tokens, 120);
  EXPECT_EQ(t.record.completion_tokens, 30);
  EXPECT_EQ(t.created_at, clock_);
  EXPECT_FALSE(t.feedback_rating.has_value());

  auto page = sessions_->turns(session.public_id, "alice", 1, 1);
  ASSERT_TRUE(page.is_ok());
  ASSERT_EQ(page->size(), 1u);
  EXPECT_EQ((*page)[0].ordinal, 2);

  // A title given at creation is kept.
  auto titled = create("alice", "Mine");
  append(titled, "Something else");
  EXPECT_EQ(sessions_->get_session(titled.public_id, "alice")->title, "Mine");
}

TEST_F(SessionStoreTest, OwnersAreIsolated) {
  auto a = create("alice");
  auto a_turn = append(a, "Alice's private question");
  ASSERT_TRUE(sessions_->add_summary(a.public_id, "alice", 1, 1, "alice summary").is_ok());
  auto b = create("bob");

  auto not_found = [](const Status& status) { return status.code() == ErrorCode::kNotFound; };
  EXPECT_TRUE(not_found(sessions_->get_session(a.public_id, "bob").status()));
  EXPECT_TRUE(not_found(sessions_->get_session(a.public_id, "").status()));
  EXPECT_TRUE(not_found(sessions_->turns(a.public_id, "bob", 10).status()));
  EXPECT_TRUE(not_found(sessions_->get_turn(a_turn.public_id, "bob").status()));
  EXPECT_TRUE(not_found(sessions_->append_turn(a.public_id, "bob", turn("x")).status()));
  EXPECT_TRUE(not_found(sessions_->set_feedback(a_turn.public_id, "bob", 5, "")));
  EXPECT_TRUE(not_found(sessions_->delete_session(a.public_id, "bob")));
  EXPECT_TRUE(not_found(sessions_->summaries_for_session(a.public_id, "bob").status()));
  EXPECT_TRUE(not_found(sessions_->add_summary(a.public_id, "bob", 1, 1, "x").status()));
  // The same message for another owner's id as for an id that never existed.
  auto foreign = sessions_->get_session(a.public_id, "bob");
  auto fresh = make_public_id("s_");
  ASSERT_TRUE(fresh.is_ok());
  auto unknown = sessions_->get_session(*fresh, "bob");
  EXPECT_EQ(foreign.status().code(), unknown.status().code());

  auto bob_list = sessions_->list_sessions("bob", 10);
  ASSERT_TRUE(bob_list.is_ok());
  ASSERT_EQ(bob_list->sessions.size(), 1u);
  EXPECT_EQ(bob_list->sessions[0].public_id, b.public_id);
  auto bob_search = sessions_->search_summaries("bob", "alice summary", 5);
  ASSERT_TRUE(bob_search.is_ok());
  EXPECT_TRUE(bob_search->empty());

  // Nothing of alice's changed.
  auto still = sessions_->get_turn(a_turn.public_id, "alice");
  ASSERT_TRUE(still.is_ok());
  EXPECT_FALSE(still->feedback_rating.has_value());
  EXPECT_EQ(sessions_->get_session(a.public_id, "alice")->turn_count, 1);
}

TEST_F(SessionStoreTest, MalformedIdsAreNotFound) {
  for (const std::string& id : std::vector<std::string>{
           "", "s_", "s_short", "m_AAAAAAAAAAAAAAAAAAAAAA", "s_' OR 1=1 --",
           std::string("s_\xff\xfe") + std::string(20, 'A'), std::string(100000, 'x')}) {
    EXPECT_EQ(sessions_->get_session(id, "alice").status().code(), ErrorCode::kNotFound);
    EXPECT_EQ(sessions_->get_turn(id, "alice").status().code(), ErrorCode::kNotFound);
    EXPECT_EQ(sessions_->set_feedback(id, "alice", 3, "").code(), ErrorCode::kNotFound);
  }
}

TEST_F(SessionStoreTest, Feedback) {
  auto session = create("alice");
  auto t = append(session, "Question?");
  EXPECT_EQ(sessions_->set_feedback(t.public_id, "alice", 0, "").code(),
            ErrorCode::kInvalidArgument);
  EXPECT_EQ(sessions_->set_feedback(t.public_id, "alice", 6, "").code(),
            ErrorCode::kInvalidArgument);
  EXPECT_EQ(sessions_->set_feedback(t.public_id, "alice", -1, "").code(),
            ErrorCode::kInvalidArgument);
  EXPECT_EQ(sessions_->set_feedback(t.public_id, "alice", 4, std::string(5000, 'x')).code(),
            ErrorCode::kTooLarge);
  EXPECT_FALSE(sessions_->get_turn(t.public_id, "alice")->feedback_rating.has_value());

  ASSERT_TRUE(sessions_->set_feedback(t.public_id, "alice", 4, "Helpful \xff").is_ok());
  auto rated = sessions_->get_turn(t.public_id, "alice");
  ASSERT_TRUE(rated.is_ok());
  EXPECT_EQ(rated->feedback_rating, 4);
  EXPECT_EQ(rated->feedback_text, "Helpful \xEF\xBF\xBD");
  // Replaced, and empty text clears the text.
  ASSERT_TRUE(sessions_->set_feedback(t.public_id, "alice", 1, "").is_ok());
  rated = sessions_->get_turn(t.public_id, "alice");
  EXPECT_EQ(rated->feedback_rating, 1);
  EXPECT_FALSE(rated->feedback_text.has_value());
}

TEST_F(SessionStoreTest, HostileTurnInput) {
  auto session = create("alice");
  // Invalid UTF-8 is stored repaired.
  auto bad = sessions_->append_turn(session.public_id, "alice",
                                    turn("Why \xC3\x28 this?", "Because \xED\xA0\x80 so."));
  ASSERT_TRUE(bad.is_ok()) << bad.status().to_string();
  auto stored = sessions_->get_turn(bad->public_id, "alice");
  ASSERT_TRUE(stored.is_ok());
  EXPECT_TRUE(is_valid_utf8(stored->record.question));
  EXPECT_TRUE(is_valid_utf8(stored->record.answer));
  EXPECT_NE(stored->record.question.find("\xEF\xBF\xBD"), std::string::npos);
  EXPECT_TRUE(is_valid_utf8(sessions_->get_session(session.public_id, "alice")->title));

  // Embedded NUL bytes survive as data.
  const std::string with_nul("a\0b?", 4);
  auto nul = sessions_->append_turn(session.public_id, "alice", turn(with_nul));
  ASSERT_TRUE(nul.is_ok());
  EXPECT_EQ(sessions_->get_turn(nul->public_id, "alice")->record.question, with_nul);

  auto refused = [&](TurnRecord record) {
    return sessions_->append_turn(session.public_id, "alice", record).status().code();
  };
  EXPECT_EQ(refused(turn(std::string(65 * 1024, 'q'))), ErrorCode::kTooLarge);
  EXPECT_EQ(refused(turn("q", std::string(1024 * 1024 + 1, 'a'))), ErrorCode::kTooLarge);
  EXPECT_EQ(refused(turn("   \n ")), ErrorCode::kInvalidArgument);
  TurnRecord bad_json = turn("q");
  bad_json.citations_json = "{not json";
  EXPECT_EQ(refused(bad_json), ErrorCode::kInvalidArgument);
  bad_json.citations_json = R"({"an":"object"})";
  EXPECT_EQ(refused(bad_json), ErrorCode::kInvalidArgument);
  bad_json = turn("q");
  bad_json.latency_json = "[\"\xff\"]";
  EXPECT_EQ(refused(bad_json), ErrorCode::kInvalidArgument);
  TurnRecord negative = turn("q");
  negative.prompt_tokens = -5;
  EXPECT_EQ(refused(negative), ErrorCode::kInvalidArgument);
  TurnRecord empty_json = turn("q");
  empty_json.citations_json.clear();
  empty_json.latency_json.clear();
  auto defaulted = sessions_->append_turn(session.public_id, "alice", empty_json);
  ASSERT_TRUE(defaulted.is_ok());
  EXPECT_EQ(defaulted->record.citations_json, "[]");
  EXPECT_EQ(defaulted->record.latency_json, "{}");

  // Refused appends used no ordinal.
  EXPECT_EQ(defaulted->ordinal, 3);
  EXPECT_EQ(sessions_->create_session(std::string(300, 'o'), std::nullopt, "").status().code(),
            ErrorCode::kTooLarge);
  EXPECT_EQ(sessions_->create_session("\xff", std::nullopt, "").status().code(),
            ErrorCode::kInvalidArgument);
  // An oversized title is cut, not refused.
  auto long_title = sessions_->create_session("alice", std::nullopt, std::string(5000, 't'));
  ASSERT_TRUE(long_title.is_ok());
  EXPECT_LE(long_title->title.size(), 200u);
}

TEST_F(SessionStoreTest, ConcurrentAppendsGetDistinctContiguousOrdinals) {
  auto session = create("alice");
  constexpr int kThreads = 4;
  constexpr int kPerThread = 15;
  std::vector<std::vector<int64_t>> ordinals(kThreads);
  std::vector<std::string> errors(kThreads);
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      auto own = Store::open(path_);  // one connection per thread
      if (!own) {
        errors[t] = own.status().to_string();
        return;
      }
      SessionStore store(**own);
      for (int i = 0; i < kPerThread; ++i) {
        auto appended = store.append_turn(
            session.public_id, "alice",
            turn("thread " + std::to_string(t) + " question " + std::to_string(i)));
        if (!appended) {
          errors[t] = appended.status().to_string();
          return;
        }
        ordinals[t].push_back(appended->ordinal);
      }
    });
  }
  for (auto& thread : threads) thread.join();
  std::vector<int64_t> all;
  for (int t = 0; t < kThreads; ++t) {
    EXPECT_EQ(errors[t], "") << "thread " << t;
    // Each thread's own appends are in increasing order.
    EXPECT_TRUE(std::is_sorted(ordinals[t].begin(), ordinals[t].end()));
    all.insert(all.end(), ordinals[t].begin(), ordinals[t].end());
  }
  std::sort(all.begin(), all.end());
  ASSERT_EQ(all.size(), static_cast<size_t>(kThreads * kPerThread));
  for (size_t i = 0; i < all.size(); ++i) EXPECT_EQ(all[i], static_cast<int64_t>(i + 1));
  EXPECT_EQ(sessions_->get_session(session.public_id, "alice")->turn_count, kThreads * kPerThread);
}

TEST_F(SessionStoreTest, AppendJoinsTheCallersTransaction) {
  auto session = create("alice");
  Status status = store_->in_transaction([&]() -> Status {
    auto appended = sessions_->append_turn(session.public_id, "alice", turn("inside"));
    if (!appended) return appended.status();
    return Status::invalid("roll it back");
  });
  EXPECT_EQ(status.code(), ErrorCode::kInvalidArgument);
  EXPECT_EQ(sessions_->get_session(session.public_id, "alice")->turn_count, 0);
  EXPECT_EQ(append(session, "after").ordinal, 1);
}

TEST_F(SessionStoreTest, SummariesValidateAndRefuseDuplicates) {
  auto session = create("alice");
  for (int i = 0; i < 4; ++i) append(session, "question " + std::to_string(i));
  auto first = sessions_->add_summary(session.public_id, "alice", 1, 2, "Turns one and two.");
  ASSERT_TRUE(first.is_ok()) << first.status().to_string();
  EXPECT_EQ(first->first_ordinal, 1);
  EXPECT_EQ(first->last_ordinal, 2);
  EXPECT_EQ(first->session_public_id, session.public_id);
  EXPECT_EQ(first->created_at, clock_);

  EXPECT_EQ(sessions_->add_summary(session.public_id, "alice", 1, 2, "again").status().code(),
            ErrorCode::kAlreadyExists);
  EXPECT_EQ(sessions_->add_summary(session.public_id, "alice", 2, 2, "inside").status().code(),
            ErrorCode::kAlreadyExists);
  EXPECT_EQ(sessions_->add_summary(session.public_id, "alice", 0, 1, "x").status().code(),
            ErrorCode::kInvalidArgument);
  EXPECT_EQ(sessions_->add_summary(session.public_id, "alice", 3, 2, "x").status().code(),
            ErrorCode::kInvalidArgument);
  EXPECT_EQ(sessions_->add_summary(session.public_id, "alice", 3, 5, "x").status().code(),
            ErrorCode::kInvalidArgument);
  EXPECT_EQ(sessions_->add_summary(session.public_id, "alice", 3, 4, " ").status().code(),
            ErrorCode::kInvalidArgument);
  EXPECT_EQ(sessions_->add_summary(session.public_id, "alice", 3, 4, std::string(70000, 's'))
                .status()
                .code(),
            ErrorCode::kTooLarge);
  ASSERT_TRUE(sessions_->add_summary(session.public_id, "alice", 3, 4, "Three, four.").is_ok());
  // A roll-up over both is new information, so it is stored.
  ASSERT_TRUE(sessions_->add_summary(session.public_id, "alice", 1, 4, "All four.").is_ok());

  auto all = sessions_->summaries_for_session(session.public_id, "alice");
  ASSERT_TRUE(all.is_ok());
  ASSERT_EQ(all->size(), 3u);
  EXPECT_EQ((*all)[0].text, "Turns one and two.");
  EXPECT_EQ((*all)[1].text, "All four.");
  EXPECT_EQ((*all)[2].text, "Three, four.");
}

TEST_F(SessionStoreTest, SummarySearchRanksByRelevanceOnePerSession) {
  auto wine = create("alice", "Wine");
  append(wine, "q");
  append(wine, "q");
  auto club = create("alice", "Club");
  append(club, "q");
  auto events = create("alice", "Events");
  append(events, "q");
  auto current = create("alice", "Current");
  append(current, "q");
  auto bob = create("bob", "Bob");
  append(bob, "q");

  ASSERT_TRUE(sessions_
                  ->add_summary(wine.public_id, "alice", 1, 1,
                                "The user asked about Merlot and Cabernet Sauvignon prices. "
                                "Merlot costs 20 euros.")
                  .is_ok());
  ASSERT_TRUE(
      sessions_->add_summary(wine.public_id, "alice", 2, 2, "Merlot pairing with lamb.").is_ok());
  ASSERT_TRUE(sessions_
                  ->add_summary(club.public_id, "alice", 1, 1,
                                "The wine club membership tiers: Classic, Reserve. Reserve "
                                "members get a Merlot tasting.")
                  .is_ok());
  ASSERT_TRUE(sessions_
                  ->add_summary(events.public_id, "alice", 1, 1,
                                "Harvest festival dates in September and parking.")
                  .is_ok());
  ASSERT_TRUE(
      sessions_->add_summary(current.public_id, "alice", 1, 1, "Merlot Merlot Merlot prices.")
          .is_ok());
  ASSERT_TRUE(sessions_->add_summary(bob.public_id, "bob", 1, 1, "Merlot prices for Bob.").is_ok());

  auto hits =
      sessions_->search_summaries("alice", "How much does the merlot cost?", 5, current.public_id);
  ASSERT_TRUE(hits.is_ok()) << hits.status().to_string();
  ASSERT_EQ(hits->size(), 2u);  // wine (best of its two summaries) and club; never events
  EXPECT_EQ((*hits)[0].summary.session_public_id, wine.public_id);
  EXPECT_EQ((*hits)[0].summary.first_ordinal, 1);  // "costs" matches only the first
  EXPECT_EQ((*hits)[0].summary.session_title, "Wine");
  EXPECT_EQ((*hits)[1].summary.session_public_id, club.public_id);
  EXPECT_GT((*hits)[0].score, (*hits)[1].score);
  EXPECT_GT((*hits)[1].score, 0);

  auto one = sessions_->search_summaries("alice", "merlot", 1, current.public_id);
  ASSERT_TRUE(one.is_ok());
  EXPECT_EQ(one->size(), 1u);
  // Without the exclusion the current session's summary competes too.
  auto all = sessions_->search_summaries("alice", "merlot", 10);
  ASSERT_TRUE(all.is_ok());
  EXPECT_EQ(all->size(), 3u);
  auto festival = sessions_->search_summaries("alice", "festival parking", 3);
  ASSERT_TRUE(festival.is_ok());
  ASSERT_EQ(festival->size(), 1u);
  EXPECT_EQ((*festival)[0].summary.session_public_id, events.public_id);
  // Queries of stopwords only, empty, or hostile bytes find nothing and do not fail.
  for (const std::string query : {"", "the and of", "\xff\xfe\xc3", "unrelated zebra"}) {
    auto none = sessions_->search_summaries("alice", query, 3);
    ASSERT_TRUE(none.is_ok());
    EXPECT_TRUE(none->empty()) << query;
  }
}

TEST_F(SessionStoreTest, DeletingASessionCascadesToTurnsAndSummaries) {
  auto doomed = create("alice");
  auto kept = create("alice");
  for (int i = 0; i < 3; ++i) append(doomed, "doomed question");
  append(kept, "kept question");
  ASSERT_TRUE(sessions_->add_summary(doomed.public_id, "alice", 1, 3, "doomed summary").is_ok());
  ASSERT_TRUE(sessions_->add_summary(kept.public_id, "alice", 1, 1, "kept summary").is_ok());
  ASSERT_TRUE(sessions_->delete_session(doomed.public_id, "alice").is_ok());
  EXPECT_EQ(count_rows(path_, "SELECT COUNT(*) FROM chat_turns"), 1);
  EXPECT_EQ(count_rows(path_, "SELECT COUNT(*) FROM session_summaries"), 1);
  EXPECT_EQ(count_rows(path_, "SELECT COUNT(*) FROM chat_sessions"), 1);
  auto hits = sessions_->search_summaries("alice", "summary", 5);
  ASSERT_TRUE(hits.is_ok());
  ASSERT_EQ(hits->size(), 1u);
  EXPECT_EQ((*hits)[0].summary.session_public_id, kept.public_id);
}

}  // namespace
}  // namespace ragd
