// PostgreSQL going away under a run (SPEC §3). Restarted mid-run, the run
// reconnects, takes its targets' locks again and finishes: every refresh
// triggered once, none lost. Gone for longer than the run's last deadline,
// the run exits 3 saying so, and the next run picks up what it left. Each
// test has a cluster of its own: the shared one is never restarted.
#include <fmt/format.h>

#include <chrono>
#include <thread>

#include "integration/run_fixture.h"
#include "store/pg_connection.h"
#include "store/pg_store.h"
#include "support/pg_servers.h"

namespace refreshctl::testing {
namespace {

using std::chrono::seconds;
using std::chrono::steady_clock;

class PostgresOutage : public RunTest {
 protected:
  PostgresOutage() : RunTest({"--duration", "2s"}) { db_ = server_db_->spec(); }

  PgCluster cluster_;
  std::unique_ptr<TestDb> server_db_ = TestDb::on_server(cluster_.conninfo());
};

TEST_P(PostgresOutage, ARestartMidRunIsReconnectedAndEveryRefreshIsTriggeredOnceAndEnds) {
  std::vector<TargetSpec> specs;
  for (int t = 0; t < 50; ++t) {
    specs.push_back({.name = "t" + std::to_string(t),
                     .versions = {"v1", "v2", "v3", "v4"},
                     .max_refresh_time = "2m"});
  }
  apply(specs);
  // 40 at a time: while the server restarts, refreshes poll, end, and wait
  // to be claimed, written and released.
  auto running = start_run({"--max-concurrency", "40"});
  wait_for_state("succeeded", 20);
  cluster_.restart();
  auto r = running->wait();
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  std::string output = r.out + r.err;
  EXPECT_NE(output.find("lost the database"), std::string::npos) << output;
  EXPECT_NE(output.find("reconnected to the database"), std::string::npos) << output;
  auto stats = service_json("/api/stats");
  ASSERT_EQ(stats["triggers"].size(), 200u) << stats.dump();
  for (const auto& [key, n] : stats["triggers"].items()) EXPECT_EQ(n, 1) << key;
  auto h = history();
  ASSERT_EQ(h.size(), 200u);
  for (const auto& refresh : h) EXPECT_EQ(refresh["state"], "succeeded") << refresh.dump();
}

TEST_P(PostgresOutage, ADatabaseGoneBeyondTheRunsLastDeadlineEndsItWithExitThree) {
  apply({{.name = "cube",
          .versions = {"v1"},
          .refresh_query = "?duration=10m",
          .max_refresh_time = "5s"}});
  std::string at = tomorrow_at(0);
  auto running = start_run({"--at", at});
  wait_for_state("polling", 1);
  cluster_.halt();
  auto r = running->wait();
  EXPECT_EQ(r.exit_code, 3) << r.out << r.err;
  EXPECT_NE(r.out.find("cube v1 timed_out"), std::string::npos) << r.out;
  EXPECT_NE(r.err.find("the database has been out of reach since"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("past the run's last deadline"), std::string::npos) << r.err;
  cluster_.resume();
  auto next = run({"--at", at});  // resumes the refresh left polling, past its deadline now
  EXPECT_EQ(next.exit_code, 1) << next.out << next.err;
  auto h = history();
  ASSERT_EQ(h.size(), 1u);
  EXPECT_EQ(h[0]["state"], "timed_out") << h.dump();
  EXPECT_EQ(triggers("cube/v1"), 1);
}

// A write held up at the server (here by another session's lock on
// target_last, which every state change's trigger writes) neither stops the
// run: it polls on meanwhile; nor frees a target before the target's last
// change is committed: its lock stays until then.
class PostgresSlowWrite : public RunTest {};

TEST_P(PostgresSlowWrite, ARunPollsOnWhileAWriteWaitsAndKeepsTheTargetUntilItIsIn) {
  apply({{.name = "quick"}, {.name = "slow", .refresh_query = "?duration=5s"}});
  auto running = start_run();
  wait_for_state("polling", 2);
  auto blocker = sql::PgConnection::open(db_);
  ASSERT_TRUE(blocker.ok()) << blocker.error();
  ASSERT_TRUE((*blocker)->execute_script("BEGIN; LOCK TABLE target_last IN EXCLUSIVE MODE").ok());
  // quick ends after 1 s: its write waits for the lock from then on; slow
  // is polled on (every 200-500 ms), or nothing is while the run waits.
  std::this_thread::sleep_for(std::chrono::milliseconds(1500));
  int polls_before = service_json("/api/stats")["status_requests"].get<int>();
  std::this_thread::sleep_for(std::chrono::milliseconds(1500));
  int polls_during = service_json("/api/stats")["status_requests"].get<int>() - polls_before;
  auto held = (*blocker)->query(
      fmt::format("SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND classid = {} AND "
                  "database = (SELECT oid FROM pg_database WHERE datname = current_database())",
                  kPgTargetLockClass),
      {});
  ASSERT_TRUE(held.ok()) << held.error();
  auto states = (*blocker)->query("SELECT target, state FROM refreshes ORDER BY target", {});
  ASSERT_TRUE(states.ok()) << states.error();
  ASSERT_TRUE((*blocker)->commit().ok());
  EXPECT_GE(polls_during, 3) << "polls while the write waited";
  EXPECT_EQ(held->front().integer(0), 2) << "quick's lock went before its end was written";
  ASSERT_EQ(states->size(), 2u);
  EXPECT_EQ(states->at(0).text(1), "polling") << "quick's end is not committed yet";

  auto r = running->wait();
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  auto h = history();
  ASSERT_EQ(h.size(), 2u);
  for (const auto& refresh : h) EXPECT_EQ(refresh["state"], "succeeded") << refresh.dump();
  EXPECT_EQ(triggers("cube/v1"), 0);
  EXPECT_EQ(service_json("/api/stats")["triggers"].size(), 2u);
}

INSTANTIATE_TEST_SUITE_P(Postgres,
                         PostgresSlowWrite,
                         ::testing::Values(Backend::kPostgres),
                         [](const ::testing::TestParamInfo<Backend>& info) {
                           return backend_name(info.param);
                         });

INSTANTIATE_TEST_SUITE_P(Postgres,
                         PostgresOutage,
                         ::testing::Values(Backend::kPostgres),
                         [](const ::testing::TestParamInfo<Backend>& info) {
                           return backend_name(info.param);
                         });

}  // namespace
}  // namespace refreshctl::testing
