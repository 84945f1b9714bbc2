// Per-target locks end to end (SPEC §3): runs that overlap share the work,
// never block one another's targets, and never trigger anything twice, on
// both backends.
#include <signal.h>

#include <chrono>
#include <set>
#include <thread>

#include "integration/run_fixture.h"
#include "util/time.h"

namespace refreshctl::testing {
namespace {

using nlohmann::json;
using std::chrono::milliseconds;
using std::chrono::seconds;
using std::chrono::steady_clock;

int64_t ms_of(const json& time) {
  return parse_rfc3339(time.get<std::string>())->time_since_epoch().count();
}

size_t count(const std::string& text, const std::string& what) {
  size_t n = 0;
  for (size_t at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) ++n;
  return n;
}

// Cron starts a run every minute while `slow` polls for longer than that:
// each later run skips `slow` (busy) and still refreshes `fast` for its own
// minute, and exits as soon as `fast` is done.
TEST_P(RunTest, ASlowRefreshNeverHoldsBackAnotherTargetsEveryMinuteSchedule) {
  apply({{.name = "slow", .versions = {"v1"}, .refresh_query = "?duration=10s"},
         {.name = "fast", .versions = {"v1"}, .extra = "schedule = \"* * * * *\""}});
  auto first = start_run({"--at", tomorrow_at(0)});
  wait_for_state("succeeded", 1);  // fast, at once; slow polls on
  for (int minute = 1; minute <= 3; ++minute) {
    auto start = steady_clock::now();
    auto later = run({"--at", tomorrow_at(minute)});
    auto took = steady_clock::now() - start;
    EXPECT_EQ(later.exit_code, 0) << later.out << later.err;
    EXPECT_NE(later.out.find("slow: busy in run 1"), std::string::npos) << later.out;
    EXPECT_NE(later.out.find("fast v1 succeeded"), std::string::npos) << later.out;
    EXPECT_LT(took, seconds(5)) << "a later run waits for nothing of slow's";
  }
  EXPECT_EQ(first->wait().exit_code, 0);
  EXPECT_EQ(triggers("slow/v1"), 1);
  EXPECT_EQ(triggers("fast/v1"), 4) << "one refresh of fast for each minute's slot";
  std::set<std::string> slots;
  for (const auto& r : history({"--target", "fast"})) {
    EXPECT_EQ(r["state"], "succeeded");
    slots.insert(r["slot"].get<std::string>());
  }
  EXPECT_EQ(slots.size(), 4u);
}

TEST_P(RunTest, EightConcurrentRunsShareTheWorkAndTriggerEachVersionOnce) {
  std::vector<TargetSpec> specs;
  for (int t = 0; t < 50; ++t) {
    specs.push_back({.name = "t" + std::to_string(t), .versions = {"v1", "v2", "v3", "v4"}});
  }
  apply(specs);
  std::string at = tomorrow_at(0);
  std::vector<std::unique_ptr<BackgroundProcess>> runs;
  for (int i = 0; i < 8; ++i) runs.push_back(start_run({"--at", at, "--max-concurrency", "25"}));
  for (auto& p : runs) {
    auto r = p->wait();
    EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  }
  auto stats = service_json("/api/stats");
  ASSERT_EQ(stats["triggers"].size(), 200u) << stats.dump();
  for (const auto& [key, n] : stats["triggers"].items()) EXPECT_EQ(n, 1) << key;
  auto h = history();
  ASSERT_EQ(h.size(), 200u);
  std::set<int64_t> run_ids;
  for (const auto& r : h) {
    EXPECT_EQ(r["state"], "succeeded") << r.dump();
    run_ids.insert(r["run_id"].get<int64_t>());
  }
  EXPECT_GE(run_ids.size(), 4u) << "the work is spread over the runs";
}

// Two runs invoked in one minute trigger a target without a schedule once,
// also when the second gets the target only in the next minute: the slots
// a run takes are those due when it was invoked.
TEST_P(RunTest, TwoRunsInvokedInOneMinuteTriggerOnceWhenTheSecondGetsTheTargetInTheNext) {
  apply({{.name = "cube", .versions = {"v1"}}});  // no schedule: a slot a minute
  std::string at = tomorrow_at(0, 59);            // a second before the next minute
  auto first = start_run({"--at", at});
  wait_for_state("polling", 1);  // the refresh takes a second at the service
  auto second = run({"--at", at, "--wait-lock", "10s"});
  EXPECT_EQ(second.exit_code, 0) << second.out << second.err;
  EXPECT_NE(second.out.find("busy"), std::string::npos) << second.out;
  EXPECT_EQ(first->wait().exit_code, 0);
  EXPECT_EQ(triggers("cube/v1"), 1);
  auto h = history();
  ASSERT_EQ(h.size(), 1u) << h.dump();
  EXPECT_EQ(h[0]["slot"], at.substr(0, 17) + "00Z");
}

// `run --now`, Ctrl-C while polling, then the scheduled run: it resumes the
// open refresh and its own slot's refresh of that version waits for it.
TEST_P(RunTest, ANewerSlotWaitsForTheOpenRefreshOfItsVersion) {
  apply({{.name = "cube",
          .versions = {"v1"},
          .extra = "schedule = \"* * * * *\"",
          .refresh_query = "?duration=3s"}});
  auto manual = start_run({"--now"});
  wait_for_state("polling", 1);
  manual->signal(SIGINT);
  EXPECT_EQ(manual->wait().exit_code, 128 + SIGINT);
  auto scheduled = run({"--at", tomorrow_at(0)});
  EXPECT_EQ(scheduled.exit_code, 0) << scheduled.out << scheduled.err;
  EXPECT_NE(scheduled.out.find("waits for the open refresh"), std::string::npos) << scheduled.out;
  auto h = history();  // newest first
  ASSERT_EQ(h.size(), 2u);
  EXPECT_EQ(h[0]["state"], "succeeded");
  EXPECT_EQ(h[1]["state"], "succeeded");
  EXPECT_NE(h[0]["slot"], h[1]["slot"]);
  EXPECT_GE(ms_of(h[0]["triggered_at"]), ms_of(h[1]["finished_at"]))
      << "never two open refreshes of one (target, version): " << h.dump();
  EXPECT_EQ(triggers("cube/v1"), 2);
}

TEST_P(RunTest, SigtermWithAHundredInFlightStopsWithinSecondsAndLosesNothing) {
  std::vector<std::string> versions;
  for (int i = 0; i < 100; ++i) versions.push_back("v" + std::to_string(i));
  apply({{.name = "cube",
          .versions = versions,
          .refresh_query = "?duration=4s",
          .max_concurrency = 100}});
  // One slot for both runs, also when they fall into different minutes.
  std::string at = tomorrow_at(0);
  auto first = start_run({"--at", at});
  wait_for_state("polling", 60);
  auto start = steady_clock::now();
  first->signal(SIGTERM);
  auto stopped = first->wait();
  EXPECT_LT(steady_clock::now() - start, seconds(5));
  EXPECT_EQ(stopped.exit_code, 128 + SIGTERM) << stopped.out << stopped.err;
  EXPECT_NE(stopped.out.find("left open for the next run"), std::string::npos) << stopped.out;
  auto second = run({"--at", at});
  EXPECT_EQ(second.exit_code, 0) << second.out << second.err;
  auto h = history();
  ASSERT_EQ(h.size(), 100u);
  for (const auto& r : h) EXPECT_EQ(r["state"], "succeeded") << r.dump();
  for (const auto& v : versions) EXPECT_EQ(triggers("cube/" + v), 1) << v;
}

// A stopped process keeps its locks (no lease runs out under it): the runs
// that start meanwhile skip its target and do the others.
TEST_P(RunTest, AStoppedRunKeepsItsTargetAndNothingIsTriggeredTwice) {
  apply({{.name = "slow",
          .versions = {"v1"},
          .refresh_query = "?duration=8s",
          .max_refresh_time = "2m",
          .poll_interval = "5s",
          .max_poll_interval = "5s"},
         {.name = "fast", .versions = {"v1"}, .extra = "schedule = \"* * * * *\""}});
  auto first = start_run({"--at", tomorrow_at(0)});
  wait_for_state("succeeded", 1);  // fast; slow polls on
  first->signal(SIGSTOP);
  auto stopped_at = steady_clock::now();
  for (int minute = 1; steady_clock::now() - stopped_at < seconds(35); ++minute) {
    auto later = run({"--at", tomorrow_at(minute)});
    EXPECT_EQ(later.exit_code, 0) << later.out << later.err;
    EXPECT_NE(later.out.find("slow: busy in run 1"), std::string::npos) << later.out;
    std::this_thread::sleep_for(seconds(4));
  }
  first->signal(SIGCONT);
  EXPECT_EQ(first->wait().exit_code, 0);
  EXPECT_EQ(triggers("slow/v1"), 1);
  for (const auto& r : history()) EXPECT_EQ(r["state"], "succeeded") << r.dump();
  EXPECT_EQ(history({"--target", "slow"}).size(), 1u);
}

TEST_P(RunTest, ATargetHeldLongerThanItsRefreshesCanTakeIsReportedStuckEvenWhenQuiet) {
  apply({{.name = "cube", .versions = {"hang"}, .max_refresh_time = "1m"}});
  std::string at = tomorrow_at(0);
  auto first = start_run({"--at", at});
  wait_for_state("polling", 1);
  // As if the holder had taken it an hour ago.
  auto hour_ago = SystemClock().now() - std::chrono::hours(1);
  test_db_.execute("UPDATE target_locks SET locked_at = " +
                   std::to_string(hour_ago.time_since_epoch().count()));
  auto quiet = run({"-q", "--at", at});
  EXPECT_EQ(quiet.exit_code, 1) << quiet.out << quiet.err;
  EXPECT_NE(quiet.out.find("cube: stuck? held by run 1"), std::string::npos) << quiet.out;
  first->signal(SIGKILL);
  first->wait();
}

TEST_P(RunTest, SigtermWhileWaitingForABusyTargetExits143) {
  apply({{.name = "cube", .versions = {"v1"}, .refresh_query = "?duration=10s"}});
  std::string at = tomorrow_at(0);
  auto first = start_run({"--at", at});
  wait_for_state("polling", 1);
  auto waiting = start_run({"--at", at, "--wait-lock", "1m"});
  std::this_thread::sleep_for(milliseconds(800));
  auto start = steady_clock::now();
  waiting->signal(SIGTERM);
  auto r = waiting->wait();
  EXPECT_EQ(r.exit_code, 128 + SIGTERM) << r.out << r.err;
  EXPECT_LT(steady_clock::now() - start, seconds(3));
  first->signal(SIGTERM);
  first->wait();
  EXPECT_EQ(triggers("cube/v1"), 1);
}

TEST_P(RunTest, ADisabledTargetNamedOnTheCommandLineIsNotRun) {
  apply({{.name = "cube", .versions = {"v1"}}});
  ASSERT_EQ(refreshctl_db({"disable", "cube"}).exit_code, 0);
  auto r = run({"--target", "cube", "--now"});
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_NE(r.out.find("cube is disabled; not run"), std::string::npos) << r.out;
  EXPECT_EQ(triggers("cube/v1"), 0);
  EXPECT_TRUE(history().empty());
}

TEST_P(RunTest, TheSummaryCountsRefreshesAndAttemptsApart) {
  apply({{.name = "cube",
          .versions = {"good", "will-fail"},
          .extra = "retries = 2\nretry_delay = \"0s\""}});
  auto r = run();
  EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
  EXPECT_NE(r.out.find("2 refreshes ended: 1 succeeded, 1 failed (4 trigger requests"),
            std::string::npos)
      << r.out;
  EXPECT_EQ(count(r.out, " will be tried again"), 2u) << r.out;
}

}  // namespace

}  // namespace refreshctl::testing
