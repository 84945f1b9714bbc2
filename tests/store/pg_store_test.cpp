// What only the PostgreSQL store has: migrating and applying from several
// processes at once, locks that live and die with the session, the session's
// keepalive settings, reconnecting, and passwords kept out of every message.
// (The behaviour both backends share is in store_test.cpp.)
#include "store/pg_store.h"

#include <fmt/format.h>
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>

#include "store/migrations.h"
#include "store/sql.h"
#include "support/pg_servers.h"
#include "support/process.h"
#include "support/targets.h"
#include "support/test_db.h"

namespace refreshctl::testing {
namespace {

TimePoint at(int64_t ms) { return TimePoint(std::chrono::milliseconds(ms)); }

class PostgresStore : public ::testing::Test {
 protected:
  // Ends the session that holds target lock `id` from another session, and
  // waits until it is gone.
  void terminate_holder_of(int64_t id) {
    auto ended = db_.query(fmt::format(
        "SELECT pg_terminate_backend(pid, 5000) FROM pg_locks WHERE locktype = 'advisory' AND "
        "classid = {} AND objid = {} AND objsubid = 2 AND database = "
        "(SELECT oid FROM pg_database WHERE datname = current_database())",
        kPgTargetLockClass, id));
    ASSERT_EQ(ended, std::vector<std::string>{"t"}) << "one session held target " << id;
  }

  TestDb db_{Backend::kPostgres};
};

TEST_F(PostgresStore, ProcessesMigratingAnEmptyDatabaseAtOnceMigrateItOnce) {
  int go[2];
  ASSERT_EQ(pipe(go), 0);
  std::vector<pid_t> children;
  for (int i = 0; i < 4; ++i) {
    pid_t child = fork();
    if (child == 0) {
      close(go[1]);
      char c;
      (void)read(go[0], &c, 1);  // returns when the parent closes its end: all start at once
      auto store = open_store(db_.spec());
      if (!store.ok()) std::fprintf(stderr, "%s\n", store.error().c_str());
      _exit(store.ok() ? 0 : 1);
    }
    children.push_back(child);
  }
  close(go[0]);
  close(go[1]);
  for (pid_t child : children) {
    int status = 0;
    waitpid(child, &status, 0);
    EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << "a process failed to open";
  }
  std::vector<std::string> expected;
  for (const auto& m : migrations()) expected.push_back(std::to_string(m.version));
  EXPECT_EQ(db_.query("SELECT version FROM schema_version ORDER BY version"), expected);
}

// As when Kubernetes starts the apply Job of one ConfigMap twice.
TEST_F(PostgresStore, ConcurrentAppliesOfOneFileMakeOneRevision) {
  TempDir dir;
  auto apply_at_once = [&](const std::string& file) {
    std::vector<std::unique_ptr<BackgroundProcess>> applies;
    for (int i = 0; i < 6; ++i) {
      applies.push_back(std::make_unique<BackgroundProcess>(
          std::vector<std::string>{REFRESHCTL_BIN, "--db", db_.spec(), "apply", "-f", file}));
    }
    for (auto& p : applies) {
      auto r = p->wait();
      EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
    }
  };
  db_.open();  // the schema first: this test is about applies, not migrations
  apply_at_once(dir.write("a.toml", sample_target_toml("cube")));
  EXPECT_EQ(db_.query("SELECT revision FROM target_revisions"), std::vector<std::string>{"1"});
  apply_at_once(dir.write("b.toml", sample_target_toml("cube", "http://127.0.0.1:9")));
  EXPECT_EQ(db_.query("SELECT revision FROM target_revisions ORDER BY revision"),
            (std::vector<std::string>{"1", "2"}));
}

TEST_F(PostgresStore, ALockDiesWithItsSessionAndAnotherStoreThenTakesIt) {
  auto holder = db_.open();
  auto other = db_.open();
  ASSERT_EQ(*holder->try_lock_targets(1, {7}, at(1)), std::vector<bool>{true});
  EXPECT_EQ(*other->try_lock_targets(2, {7}, at(2)), std::vector<bool>{false});
  terminate_holder_of(7);
  EXPECT_EQ(*other->try_lock_targets(2, {7}, at(3)), std::vector<bool>{true});
  auto lost = holder->lock_holders({7});
  ASSERT_FALSE(lost.ok());
  EXPECT_EQ(lost.error_kind(), ErrorKind::kConnectionLost) << lost.error();
}

TEST_F(PostgresStore, TheSessionAsksTheServerForKeepalivesSoAVanishedHostsLocksGo) {
  auto store = db_.open();
  auto settings = postgres_session_settings(*store);
  ASSERT_TRUE(settings.ok()) << settings.error();
  EXPECT_EQ(settings->at("tcp_keepalives_idle"), "30");
  EXPECT_EQ(settings->at("tcp_keepalives_interval"), "10");
  EXPECT_EQ(settings->at("tcp_keepalives_count"), "6");
  EXPECT_EQ(settings->at("tcp_user_timeout"), "90000");
  EXPECT_EQ(settings->at("client_connection_check_interval"), "10000");
  EXPECT_EQ(settings->at("application_name"), "refreshctl");
  // And the server knows the session as refreshctl's (pg_stat_activity).
  EXPECT_EQ(db_.query("SELECT count(*) FROM pg_stat_activity WHERE application_name = "
                      "'refreshctl' AND datname = current_database()"),
            std::vector<std::string>{"1"});
}

TEST_F(PostgresStore, ReconnectingAfterTheSessionEndedTakesItsLocksAgain) {
  auto store = db_.open();
  auto run = *store->begin_run({0, at(1), "host-a", 1});
  ASSERT_EQ(*store->try_lock_targets(run, {1, 2}, at(1)), (std::vector<bool>{true, true}));
  terminate_holder_of(1);
  auto failed = store->lock_holders({1});
  ASSERT_FALSE(failed.ok());
  ASSERT_EQ(failed.error_kind(), ErrorKind::kConnectionLost) << failed.error();
  auto lost = store->reconnect();
  ASSERT_TRUE(lost.ok()) << lost.error();
  EXPECT_TRUE(lost->empty());
  auto other = db_.open();
  EXPECT_EQ(*other->try_lock_targets(99, {1, 2}, at(2)), (std::vector<bool>{false, false}));
  EXPECT_TRUE(store->history({}).ok()) << "the store works on its new session";
}

// The other run may have resumed or finished what this one still has in
// memory: the target is given up even though its lock was free again.
TEST_F(PostgresStore, ReconnectingGivesUpATargetAnotherRunTookMeanwhileEvenIfItLetItGo) {
  auto store = db_.open();
  auto run = *store->begin_run({0, at(1), "host-a", 1});
  ASSERT_EQ(*store->try_lock_targets(run, {1, 2}, at(1)), (std::vector<bool>{true, true}));
  terminate_holder_of(1);
  auto other = db_.open();
  auto other_run = *other->begin_run({0, at(2), "host-b", 2});
  ASSERT_EQ(*other->try_lock_targets(other_run, {1}, at(2)), std::vector<bool>{true});
  ASSERT_TRUE(other->unlock_targets({1}).ok());
  auto lost = store->reconnect();
  ASSERT_TRUE(lost.ok()) << lost.error();
  EXPECT_EQ(*lost, std::vector<int64_t>{1});
  EXPECT_EQ(*other->try_lock_targets(other_run, {1, 2}, at(3)), (std::vector<bool>{true, false}))
      << "the store kept 2 and let 1 go";
}

TEST_F(PostgresStore, ReadOnlyOpeningOfAnEmptyDatabaseIsAnErrorThatSaysSoAndCreatesNothing) {
  auto store = open_store(db_.spec(), OpenMode::kReadOnly);
  ASSERT_FALSE(store.ok());
  EXPECT_NE(store.error().find("holds no refreshctl data"), std::string::npos) << store.error();
  EXPECT_EQ(db_.query("SELECT count(*) FROM pg_tables WHERE schemaname = 'public'"),
            std::vector<std::string>{"0"});
}

// Each earlier schema as its migrations left it, with a target written as
// that schema had it: opening migrates it and keeps the target.
TEST_F(PostgresStore, MigratesFromEveryEarlierSchemaVersionKeepingTargets) {
  int latest = migrations().back().version;
  for (const auto& earlier : migrations()) {
    int from = earlier.version;  // the numbers may have gaps
    if (from >= latest) break;
    auto db = TestDb::on_server(test_cluster_conninfo());
    std::string schema = "CREATE TABLE schema_version (version INTEGER NOT NULL);";
    for (const auto& m : migrations()) {
      if (m.version > from) break;
      schema += sql::apply_dialect(m.sql, sql::Dialect::kPostgres) +
                fmt::format(";INSERT INTO schema_version VALUES ({});", m.version);
    }
    db->execute(schema);
    // From schema version 3 on, every target has its id.
    db->execute(fmt::format(
        "INSERT INTO target_revisions VALUES ('sales-cube', 1, $${}$$, 'old', 1000);{}",
        sample_target_toml("sales-cube"),
        from >= 3 ? "INSERT INTO targets (name, revision, id) VALUES ('sales-cube', 1, 1)"
                  : "INSERT INTO targets (name, revision) VALUES ('sales-cube', 1)"));
    auto store = db->open();
    EXPECT_EQ(db->query("SELECT max(version) FROM schema_version"),
              std::vector<std::string>{std::to_string(latest)});
    auto t = store->target("sales-cube");
    ASSERT_TRUE(t.ok() && *t) << "from " << from;
    EXPECT_EQ((*t)->id, 1) << "a target from before per-target locks gets an id";
  }
}

}  // namespace
}  // namespace refreshctl::testing
