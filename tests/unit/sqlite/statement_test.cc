// Statement and exec_sql: binding, stepping, resetting, counting changes, and how failures
// are reported through the default mapping (sqlite_status) or a caller's own.
#include "sqlite/statement.h"

#include <gtest/gtest.h>
#include <sqlite3.h>

#include <optional>
#include <string>

#include "sqlite/sqlite_error.h"

namespace ragd {
namespace {

// A mapper that records what it was told and names neither SQL nor SQLite's explanation.
std::string g_last_what;
int g_last_rc = 0;
Status recording_mapper(sqlite3* /*db*/, int rc, std::string_view what) {
  g_last_what = std::string(what);
  g_last_rc = rc;
  return Status::io("mapped: " + std::string(what));
}

class StatementTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_EQ(sqlite3_open(":memory:", &db_), SQLITE_OK);
    sqlite3_extended_result_codes(db_, 1);
    ASSERT_TRUE(exec_sql(db_,
                         "CREATE TABLE t (id INTEGER PRIMARY KEY, name TEXT UNIQUE, note TEXT);"
                         "INSERT INTO t VALUES (1, 'secret-one', NULL), (2, 'two', 'x');",
                         "creating the table")
                    .is_ok());
    g_last_what.clear();
    g_last_rc = 0;
  }
  void TearDown() override { sqlite3_close(db_); }
  sqlite3* db_ = nullptr;
};

TEST_F(StatementTest, BindsStepsAndReadsColumns) {
  auto insert = Statement::prepare(db_, "INSERT INTO t VALUES (?, ?, ?)");
  ASSERT_TRUE(insert.is_ok()) << insert.status().message();
  int id = 3;
  ASSERT_TRUE(insert->bind_all(id, "three", std::optional<std::string>()).is_ok());
  ASSERT_TRUE(insert->run().is_ok());
  EXPECT_EQ(insert->changes(), 1);

  auto select = Statement::prepare(db_, "SELECT id, name, note, ? FROM t WHERE id = 3");
  ASSERT_TRUE(select.is_ok());
  ASSERT_TRUE(select->bind_all(true).is_ok());
  auto row = select->step();
  ASSERT_TRUE(row.is_ok());
  ASSERT_TRUE(*row);
  EXPECT_EQ(select->column_int64(0), 3);
  EXPECT_EQ(select->column_text(1), "three");
  EXPECT_EQ(select->column_optional_text(2), std::nullopt);
  EXPECT_EQ(select->column_int64(3), 1);
  row = select->step();
  ASSERT_TRUE(row.is_ok());
  EXPECT_FALSE(*row);
}

TEST_F(StatementTest, ChangesCountsTheRowsOfTheLastRun) {
  auto update = Statement::prepare(db_, "UPDATE t SET note = 'y' WHERE id <= ?");
  ASSERT_TRUE(update.is_ok());
  ASSERT_TRUE(update->bind_all(int64_t{2}).is_ok());
  ASSERT_TRUE(update->run().is_ok());
  EXPECT_EQ(update->changes(), 2);
  ASSERT_TRUE(update->bind_all(int64_t{0}).is_ok());
  ASSERT_TRUE(update->run().is_ok());
  EXPECT_EQ(update->changes(), 0);
}

TEST_F(StatementTest, StatementResetRestartsAStatementLeftMidResult) {
  auto select = Statement::prepare(db_, "SELECT id FROM t ORDER BY id");
  ASSERT_TRUE(select.is_ok());
  {
    StatementReset reset(*select);
    auto row = select->step();
    ASSERT_TRUE(row.is_ok() && *row);
    EXPECT_EQ(select->column_int64(0), 1);
    row = select->step();
    ASSERT_TRUE(row.is_ok() && *row);
    EXPECT_EQ(select->column_int64(0), 2);
  }
  auto row = select->step();
  ASSERT_TRUE(row.is_ok() && *row);
  EXPECT_EQ(select->column_int64(0), 1);
}

TEST_F(StatementTest, DefaultReportingQuotesTheSqlThatDoesNotPrepare) {
  auto bad = Statement::prepare(db_, "SELEC id FROM t");
  ASSERT_FALSE(bad.is_ok());
  EXPECT_NE(bad.status().message().find("SELEC id FROM t"), std::string::npos);
  auto two = Statement::prepare(db_, "SELECT 1; SELECT 2");
  ASSERT_FALSE(two.is_ok());
  EXPECT_EQ(two.status().code(), ErrorCode::kInternal);
  EXPECT_NE(two.status().message().find("SELECT 2"), std::string::npos);
}

TEST_F(StatementTest, DefaultReportingCarriesSqlitesExplanation) {
  auto insert = Statement::prepare(db_, "INSERT INTO t(name) VALUES (?)");
  ASSERT_TRUE(insert.is_ok());
  ASSERT_TRUE(insert->bind_all("two").is_ok());
  Status status = insert->run();
  EXPECT_EQ(status.code(), ErrorCode::kInvalidArgument);
  EXPECT_NE(status.message().find("SQL statement failed"), std::string::npos);
  EXPECT_NE(status.message().find("UNIQUE constraint failed: t.name"), std::string::npos);
}

TEST_F(StatementTest, ACallersMapperReportsEveryFailureWithoutTheSql) {
  auto bad = Statement::prepare(db_, "SELEC secret FROM t", recording_mapper);
  ASSERT_FALSE(bad.is_ok());
  EXPECT_EQ(bad.status().message(), "mapped: cannot prepare a statement");
  EXPECT_EQ(g_last_rc & 0xff, SQLITE_ERROR);

  auto two = Statement::prepare(db_, "SELECT 'secret'; SELECT 2", recording_mapper);
  ASSERT_FALSE(two.is_ok());
  EXPECT_EQ(two.status().message().find("secret"), std::string::npos);

  auto insert = Statement::prepare(db_, "INSERT INTO t(name) VALUES (?)", recording_mapper);
  ASSERT_TRUE(insert.is_ok());
  ASSERT_TRUE(insert->bind_all("two").is_ok());
  Status status = insert->run("adding a name");
  EXPECT_EQ(status.message(), "mapped: adding a name");
  EXPECT_EQ(g_last_rc, SQLITE_CONSTRAINT_UNIQUE);

  // The mapper follows the statement when it moves.
  Statement moved = std::move(*insert);
  moved.reset();
  EXPECT_EQ(moved.bind(7, int64_t{1}).message(), "mapped: cannot bind an integer");
  EXPECT_EQ(g_last_rc & 0xff, SQLITE_RANGE);

  auto select = Statement::prepare(db_, "SELECT abs(-9223372036854775807 - 1)", recording_mapper);
  ASSERT_TRUE(select.is_ok());
  auto row = select->step("reading");
  ASSERT_FALSE(row.is_ok());
  EXPECT_EQ(row.status().message(), "mapped: reading");
}

TEST_F(StatementTest, ExecSqlReportsThroughTheGivenMapper) {
  Status status =
      exec_sql(db_, "INSERT INTO t(name) VALUES ('two')", "scripting", recording_mapper);
  EXPECT_EQ(status.message(), "mapped: scripting");
  EXPECT_EQ(g_last_rc, SQLITE_CONSTRAINT_UNIQUE);
  status = exec_sql(db_, "INSERT INTO t(name) VALUES ('two')", "scripting");
  EXPECT_EQ(status.code(), ErrorCode::kInvalidArgument);
  EXPECT_NE(status.message().find("UNIQUE constraint failed"), std::string::npos);
}

TEST(SqliteStatus, CodesMapToWhatACallerCanActOn) {
  EXPECT_EQ(sqlite_status(nullptr, SQLITE_CORRUPT, "x").code(), ErrorCode::kCorruption);
  EXPECT_EQ(sqlite_status(nullptr, SQLITE_NOTADB, "x").code(), ErrorCode::kCorruption);
  EXPECT_EQ(sqlite_status(nullptr, SQLITE_BUSY, "x").code(), ErrorCode::kIo);
  EXPECT_EQ(sqlite_status(nullptr, SQLITE_FULL, "x").code(), ErrorCode::kIo);
  EXPECT_EQ(sqlite_status(nullptr, SQLITE_CONSTRAINT_UNIQUE, "x").code(),
            ErrorCode::kInvalidArgument);
  EXPECT_EQ(sqlite_status(nullptr, SQLITE_MISUSE, "x").code(), ErrorCode::kInternal);
  EXPECT_EQ(sqlite_status(nullptr, SQLITE_FULL, "writing").message().rfind("writing: ", 0), 0u);
}

}  // namespace
}  // namespace ragd
