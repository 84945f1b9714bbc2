// sql::PgConnection against the test cluster: values by column type, the
// server's errors, a lost session, and batches sent as one pipeline.
#include "store/pg_connection.h"

#include <gtest/gtest.h>

#include <chrono>
#include <thread>

#include "support/test_db.h"

namespace refreshctl::testing {
namespace {

using sql::PgConnection;

class PostgresConnection : public ::testing::Test {
 protected:
  PostgresConnection() {
    auto c = PgConnection::open(db_.spec());
    if (!c.ok()) throw std::runtime_error(c.error());
    conn_ = std::move(c).value();
  }
  TestDb db_{Backend::kPostgres};
  std::unique_ptr<sql::Connection> conn_;  // through the interface, as the store uses it
};

TEST_F(PostgresConnection, ValuesComeBackAsTheirColumnTypesSay) {
  auto rows = conn_->query(
      "SELECT CAST(1 AS smallint), CAST(2 AS integer), CAST(? AS bigint), true, false, NULL, "
      "CAST(? AS text), 'it''s ?', CAST(? AS text)",
      {int64_t{-9'000'000'000}, std::string("naïve"), sql::Value()});
  ASSERT_TRUE(rows.ok()) << rows.error();
  ASSERT_EQ(rows->size(), 1u);
  const sql::Row& r = rows->front();
  EXPECT_EQ(std::get<int64_t>(r.values[0]), 1);
  EXPECT_EQ(std::get<int64_t>(r.values[1]), 2);
  EXPECT_EQ(std::get<int64_t>(r.values[2]), -9'000'000'000);
  EXPECT_EQ(std::get<int64_t>(r.values[3]), 1);
  EXPECT_EQ(std::get<int64_t>(r.values[4]), 0);
  EXPECT_TRUE(r.is_null(5));
  EXPECT_EQ(std::get<std::string>(r.values[6]), "naïve");
  EXPECT_EQ(std::get<std::string>(r.values[7]), "it's ?") << "a ? inside quotes is no placeholder";
  EXPECT_TRUE(r.is_null(8));
}

// A statement's first use is one round trip (unnamed); it is prepared at
// its second, and answers alike either way.
TEST_F(PostgresConnection, AStatementIsPreparedAtItsSecondUseAndAnswersAlike) {
  auto& pg = static_cast<PgConnection&>(*conn_);
  auto prepared = [&pg] {
    auto rows = pg.query_unprepared("SELECT count(*) FROM pg_prepared_statements");
    return rows.ok() ? rows->front().integer(0) : -1;
  };
  const std::string sql = "SELECT CAST(? AS bigint) * 2";
  for (int64_t use = 1; use <= 3; ++use) {
    auto rows = conn_->query(sql, {use});
    ASSERT_TRUE(rows.ok()) << rows.error();
    EXPECT_EQ(rows->front().integer(0), use * 2) << "use " << use;
    EXPECT_EQ(prepared(), use == 1 ? 0 : 1) << "after use " << use;
  }
  EXPECT_EQ(conn_->execute("SELECT 1 WHERE CAST(? AS integer) > 0", {int64_t{1}}).value(), 1);
  EXPECT_EQ(prepared(), 1) << "another statement's first use prepares nothing";
}

TEST_F(PostgresConnection, AnErrorCarriesTheServersMessageAndSqlstate) {
  auto rows = conn_->query("SELECT * FROM no_such_table");
  ASSERT_FALSE(rows.ok());
  EXPECT_NE(rows.error().find("relation \"no_such_table\" does not exist"), std::string::npos)
      << rows.error();
  EXPECT_NE(rows.error().find("SQLSTATE 42P01"), std::string::npos) << rows.error();
  EXPECT_EQ(rows.error_kind(), ErrorKind::kGeneric);
  EXPECT_TRUE(conn_->query("SELECT 1").ok()) << "the connection is still good";
}

TEST_F(PostgresConnection, ASessionEndedByTheServerIsAConnectionLost) {
  auto pid = conn_->query("SELECT pg_backend_pid()");
  ASSERT_TRUE(pid.ok()) << pid.error();
  db_.execute("SELECT pg_terminate_backend(" + pid->front().text(0) + ", 5000)");
  auto after = conn_->query("SELECT 1");
  ASSERT_FALSE(after.ok());
  EXPECT_EQ(after.error_kind(), ErrorKind::kConnectionLost) << after.error();
  EXPECT_EQ(conn_->execute("UPDATE x SET y = 1").error_kind(), ErrorKind::kConnectionLost);
  EXPECT_EQ(conn_->query_many("SELECT ?", {{int64_t{1}}, {int64_t{2}}}).error_kind(),
            ErrorKind::kConnectionLost);
}

// Outside a transaction a pipeline with one Sync is one implicit
// transaction: a batch that fails half way leaves nothing behind, which it
// would not if each statement went on its own.
TEST_F(PostgresConnection, ABatchIsOnePipelineAndAnswersEachStatementInOrder) {
  ASSERT_TRUE(conn_->execute_script("CREATE TABLE t (x INTEGER PRIMARY KEY)").ok());
  std::vector<sql::Params> batch;
  for (int64_t i = 1; i <= 2000; ++i) batch.push_back({i});
  auto inserted = conn_->query_many("INSERT INTO t VALUES (?) RETURNING x * 10", batch);
  ASSERT_TRUE(inserted.ok()) << inserted.error();
  ASSERT_EQ(inserted->size(), 2000u);
  for (size_t i = 0; i < 2000; ++i) EXPECT_EQ((*inserted)[i].front().integer(0), (i + 1) * 10);
  auto failed = conn_->query_many("INSERT INTO t VALUES (?)", {{int64_t{5000}}, {int64_t{1}}});
  ASSERT_FALSE(failed.ok());
  EXPECT_NE(failed.error().find("SQLSTATE 23505"), std::string::npos) << failed.error();
  EXPECT_EQ(db_.query("SELECT count(*) FROM t"), std::vector<std::string>{"2000"});
  EXPECT_TRUE(conn_->query("SELECT 1").ok()) << "the connection left pipeline mode";
}

// send(): the run's write goes on at the server while the run goes on.
TEST_F(PostgresConnection, ASentStatementIsDoneOnceAnsweredAndOtherCallsWaitForIt) {
  auto& pg = static_cast<PgConnection&>(*conn_);
  ASSERT_TRUE(pg.execute_script("CREATE TABLE sent (n integer)").ok());
  ASSERT_TRUE(
      pg.send("INSERT INTO sent SELECT CAST(? AS integer) FROM pg_sleep(0.3)", {int64_t{1}}).ok());
  auto done = pg.sent_done(false);
  ASSERT_TRUE(done.ok()) << done.error();
  EXPECT_FALSE(*done) << "answered before the server's 0.3 s sleep ended";
  // Another call waits for the answer first; done() still reports it.
  auto rows = pg.query("SELECT count(*) FROM sent", {});
  ASSERT_TRUE(rows.ok()) << rows.error();
  EXPECT_EQ(rows->front().integer(0), 1);
  done = pg.sent_done(false);
  ASSERT_TRUE(done.ok()) << done.error();
  EXPECT_TRUE(*done);
  EXPECT_TRUE(*pg.sent_done(false)) << "nothing sent: done";

  // An error of the statement comes once, from sent_done().
  ASSERT_TRUE(pg.send("INSERT INTO no_such_table VALUES (CAST(? AS integer))", {int64_t{1}}).ok());
  done = pg.sent_done(true);
  ASSERT_FALSE(done.ok());
  EXPECT_NE(done.error().find("no_such_table"), std::string::npos) << done.error();
  ASSERT_TRUE(pg.send("INSERT INTO sent VALUES (1 / CAST(? AS integer))", {int64_t{0}}).ok());
  done = pg.sent_done(true);
  ASSERT_FALSE(done.ok());
  EXPECT_NE(done.error().find("division by zero"), std::string::npos) << done.error();
  EXPECT_EQ(done.error_kind(), ErrorKind::kGeneric);
  EXPECT_TRUE(*pg.sent_done(false));
  EXPECT_TRUE(pg.query("SELECT 1", {}).ok());
}

TEST_F(PostgresConnection, ASentStatementsRowsComeWithItsAnswer) {
  auto& pg = static_cast<PgConnection&>(*conn_);
  ASSERT_TRUE(pg.send("SELECT n, CAST(n AS text) FROM generate_series(1, CAST(? AS integer)) n",
                      {int64_t{3}})
                  .ok());
  // Another call reads the answer first; its rows are kept for sent_done().
  ASSERT_TRUE(pg.query("SELECT 1", {}).ok());
  sql::Rows rows;
  auto done = pg.sent_done(true, &rows);
  ASSERT_TRUE(done.ok()) << done.error();
  ASSERT_TRUE(*done);
  ASSERT_EQ(rows.size(), 3U);
  EXPECT_EQ(rows[2].integer(0), 3);
  EXPECT_EQ(rows[2].text(1), "3");
}

// A prepared statement keeps the plan it was given once the table has been
// seen a few times: one made while the table was empty reads all of
// it (a sequential scan under a hash join) for every batch later on.
// execute_planned() plans each batch for the table as it is: a batch of a
// few rows is found through the primary key. (pg_stat_force_next_flush():
// PostgreSQL 15 and later.)
TEST_F(PostgresConnection, APlannedBatchFindsItsRowsByIndexOnceTheTableHasGrown) {
  auto& pg = static_cast<PgConnection&>(*conn_);
  // Rows as wide as a refresh's: the planner guesses fewer of them in an
  // empty table, and a hash join looks cheaper.
  ASSERT_TRUE(pg.execute_script("CREATE TABLE grows (id bigint PRIMARY KEY, n integer, a text, "
                                "b text, c text, d text, e bigint, f bigint, g bigint)")
                  .ok());
  const char* batch =
      "UPDATE grows AS g SET n = v.n FROM unnest(CAST(? AS bigint[]), CAST(? AS integer[])) "
      "AS v(id, n) WHERE g.id = v.id";
  // Batches of 300 rows while the table is empty: as a run's first writes.
  std::vector<sql::Value> ids, ns;
  for (int64_t i = 1; i <= 300; ++i) {
    ids.emplace_back(i * 7);
    ns.emplace_back(int64_t{1});
  }
  std::string id_array = sql::to_pg_array(ids), n_array = sql::to_pg_array(ns);
  for (int i = 0; i < 8; ++i) {
    auto updated = pg.execute_planned(batch, {id_array, n_array});
    ASSERT_TRUE(updated.ok()) << updated.error();
    EXPECT_EQ(*updated, 0);
  }
  ASSERT_TRUE(
      pg.execute_script("INSERT INTO grows SELECT n, 0 FROM generate_series(1, 100000) n").ok());
  auto scans = [&]() -> int64_t {
    EXPECT_TRUE(pg.query_unprepared("SELECT pg_stat_force_next_flush()").ok());
    auto rows = pg.query_unprepared(
        "SELECT coalesce(idx_scan, 0) FROM pg_stat_user_indexes WHERE indexrelname = 'grows_pkey'");
    EXPECT_TRUE(rows.ok() && rows->size() == 1);
    return rows.ok() && rows->size() == 1 ? rows->front().integer(0) : -1;
  };
  int64_t before = scans();
  auto updated = pg.execute_planned(batch, {std::string("{5,500,50000}"), std::string("{1,2,3}")});
  ASSERT_TRUE(updated.ok()) << updated.error();
  EXPECT_EQ(*updated, 3);
  EXPECT_GT(scans(), before) << "the batch read the whole table instead of its primary key";
}

TEST_F(PostgresConnection, ASentStatementWhoseSessionEndsIsAConnectionLost) {
  auto& pg = static_cast<PgConnection&>(*conn_);
  auto pid = pg.query("SELECT pg_backend_pid()", {});
  ASSERT_TRUE(pid.ok()) << pid.error();
  ASSERT_TRUE(pg.send("SELECT pg_sleep(CAST(? AS integer))", {int64_t{30}}).ok());
  db_.execute("SELECT pg_terminate_backend(" + pid->front().text(0) + ", 5000)");
  auto started = std::chrono::steady_clock::now();
  Result<bool> done = false;
  while (done.ok() && !*done &&
         std::chrono::steady_clock::now() - started < std::chrono::seconds(10)) {
    done = pg.sent_done(false);
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  ASSERT_FALSE(done.ok()) << "still not answered after 10 s";
  EXPECT_EQ(done.error_kind(), ErrorKind::kConnectionLost) << done.error();
  EXPECT_TRUE(*pg.sent_done(false));

  // Closed while awaited: it may or may not have run, so it failed.
  auto again = PgConnection::open(db_.spec());
  ASSERT_TRUE(again.ok()) << again.error();
  ASSERT_TRUE((*again)->send("SELECT pg_sleep(CAST(? AS integer))", {int64_t{30}}).ok());
  (*again)->close();
  auto closed = (*again)->sent_done(true);
  ASSERT_FALSE(closed.ok());
  EXPECT_EQ(closed.error_kind(), ErrorKind::kConnectionLost) << closed.error();
}

TEST_F(PostgresConnection, AnArrayLiteralCarriesEveryTextAsItIs) {
  std::vector<sql::Value> texts = {
      std::string("plain"),      std::string("a,b {c}"),
      std::string("NULL"),       sql::Value(),
      std::string(""),           std::string("quote \" and \\ and ' too"),
      std::string("line\nbreak")};
  auto rows = conn_->query("SELECT t IS NULL, t FROM unnest(CAST(? AS text[])) AS t",
                           {sql::to_pg_array(texts)});
  ASSERT_TRUE(rows.ok()) << rows.error();
  ASSERT_EQ(rows->size(), texts.size());
  for (size_t i = 0; i < texts.size(); ++i) {
    EXPECT_EQ((*rows)[i].integer(0), texts[i].index() == 0 ? 1 : 0) << i;
    if (texts[i].index() != 0) EXPECT_EQ((*rows)[i].text(1), std::get<std::string>(texts[i]));
  }
  auto numbers = conn_->query("SELECT sum(n) FROM unnest(CAST(? AS bigint[])) AS n",
                              {sql::to_pg_array({int64_t{-5}, sql::Value(), int64_t{1} << 40})});
  ASSERT_TRUE(numbers.ok()) << numbers.error();
  EXPECT_EQ(numbers->front().text(0), std::to_string((int64_t{1} << 40) - 5));
}

TEST_F(PostgresConnection, ACommitOfAFailedTransactionIsAnError) {
  ASSERT_TRUE(conn_->begin().ok());
  EXPECT_FALSE(conn_->query("SELECT * FROM no_such_table").ok());
  auto committed = conn_->commit();
  ASSERT_FALSE(committed.ok());
  EXPECT_NE(committed.error().find("rolled back"), std::string::npos) << committed.error();
  conn_->rollback();
  EXPECT_TRUE(conn_->query("SELECT 1").ok());
}

}  // namespace
}  // namespace refreshctl::testing
