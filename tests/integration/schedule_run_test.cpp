// Due slots in `refreshctl run`, driven with --at: the schedule is checked as
// of that time while requests still happen for real.
#include <date/date.h>

#include "integration/run_fixture.h"
#include "util/time.h"

namespace refreshctl::testing {
namespace {

using nlohmann::json;
using std::chrono::days;
using std::chrono::hours;
using std::chrono::minutes;

class ScheduleRun : public RunTest {
 protected:
  ScheduleRun() : RunTest({"--duration", "100ms"}) {}

  // Midnight UTC a few days from now: after the targets' creation, so their
  // slots count.
  TimePoint day(int n) const { return std::chrono::floor<days>(SystemClock().now()) + days(n); }
  ProcessResult run_at(TimePoint t, std::vector<std::string> extra = {}) const {
    std::vector<std::string> args{"--at", format_rfc3339(t)};
    args.insert(args.end(), extra.begin(), extra.end());
    return run(args);
  }
  TargetSpec scheduled(const std::string& schedule, const std::string& more = "") const {
    return {
        .name = "cube", .versions = {"v1"}, .extra = "schedule = \"" + schedule + "\"\n" + more};
  }
};

TEST_P(ScheduleRun, EveryFiveMinutesRunEveryMinuteForAnHourTriggersTwelveTimes) {
  apply({scheduled("*/5 * * * *")});
  for (int minute = 0; minute < 60; ++minute) {
    auto r = run_at(day(1) + hours(3) + minutes(minute) + std::chrono::seconds(7));
    ASSERT_EQ(r.exit_code, 0) << minute << ": " << r.out << r.err;
  }
  EXPECT_EQ(triggers("cube/v1"), 12);
  auto h = history();
  ASSERT_EQ(h.size(), 12u);
  EXPECT_EQ(h[0]["slot"], format_rfc3339(day(1) + hours(3) + minutes(55)));
  EXPECT_EQ(h[11]["slot"], format_rfc3339(day(1) + hours(3)));
}

TEST_P(ScheduleRun, TwoConcurrentRunsInTheSameMinuteTriggerOnce) {
  apply({scheduled("* * * * *")});
  std::string at = format_rfc3339(day(1) + hours(4) + std::chrono::seconds(3));
  BackgroundProcess a({REFRESHCTL_BIN, "--db", db_, "run", "--at", at});
  BackgroundProcess b({REFRESHCTL_BIN, "--db", db_, "run", "--at", at});
  EXPECT_EQ(a.wait().exit_code, 0);
  EXPECT_EQ(b.wait().exit_code, 0);
  // And once more, after both ended, still in that minute.
  EXPECT_EQ(run({"--at", at}).exit_code, 0);
  EXPECT_EQ(triggers("cube/v1"), 1);
  EXPECT_EQ(history().size(), 1u);
}

TEST_P(ScheduleRun, AHostDownForADayRunsTheDailyTargetOnce) {
  apply({scheduled("30 2 * * *")});
  EXPECT_EQ(run_at(day(1) + hours(2) + minutes(31)).exit_code, 0);
  EXPECT_EQ(triggers("cube/v1"), 1);
  // Down all of day 2; back on day 3 at 09:00: one refresh, for day 3's slot.
  auto back = run_at(day(3) + hours(9));
  EXPECT_EQ(back.exit_code, 0) << back.out;
  EXPECT_EQ(triggers("cube/v1"), 2);
  auto h = history();
  ASSERT_EQ(h.size(), 2u);
  EXPECT_EQ(h[0]["slot"], format_rfc3339(day(3) + hours(2) + minutes(30)));
  // Further runs that day find nothing due.
  EXPECT_EQ(run_at(day(3) + hours(10)).exit_code, 0);
  EXPECT_EQ(triggers("cube/v1"), 2);
}

TEST_P(ScheduleRun, ASlotPastStartingDeadlineIsRecordedMissedAndNotTriggered) {
  apply({scheduled("30 2 * * *", "starting_deadline = \"1h\"")});
  auto r = run_at(day(1) + hours(5));
  EXPECT_EQ(r.exit_code, 0) << r.out;
  auto h = history();
  ASSERT_EQ(h.size(), 1u);
  EXPECT_EQ(h[0]["state"], "missed");
  EXPECT_NE(h[0]["error"].get<std::string>().find("past starting_deadline 1h"), std::string::npos);
  EXPECT_EQ(triggers("cube/v1"), 0);
  // Within the deadline the next day, it runs.
  EXPECT_EQ(run_at(day(2) + hours(3)).exit_code, 0);
  EXPECT_EQ(triggers("cube/v1"), 1);
}

TEST_P(ScheduleRun, ANewTargetDoesNotFireForSlotsBeforeItsCreation) {
  apply({scheduled("0 0 1 1 *")});
  // This year's slot (1 January) came before the target existed.
  auto r = run_at(SystemClock().now() + minutes(1));
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_NE(r.out.find("nothing is due"), std::string::npos) << r.out;
  EXPECT_EQ(triggers("cube/v1"), 0);
}

TEST_P(ScheduleRun, NowRunsTheTargetAtOnceAsAManualSlot) {
  apply({scheduled("30 2 1 1 *")});
  auto r = run({"--now", "--target", "cube"});
  EXPECT_EQ(r.exit_code, 0) << r.out;
  EXPECT_EQ(triggers("cube/v1"), 1);
}

TEST_P(ScheduleRun, ListShowsScheduleZoneAndNextSlot) {
  apply({scheduled("30 2 * * *", "timezone = \"Asia/Shanghai\"")});
  auto list = json::parse(refreshctl_db({"--json", "list"}).out);
  ASSERT_EQ(list.size(), 1u);
  EXPECT_EQ(list[0]["schedule"], "30 2 * * *");
  EXPECT_EQ(list[0]["timezone"], "Asia/Shanghai");
  std::string next = list[0]["next_slot"];
  EXPECT_EQ(next.substr(10), "T18:30:00Z") << "02:30 in Shanghai is 18:30 UTC";
}

REFRESHCTL_ON_BOTH_BACKENDS(ScheduleRun);

}  // namespace
}  // namespace refreshctl::testing
