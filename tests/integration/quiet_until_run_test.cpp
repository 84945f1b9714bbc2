// Due work found by index (quiet_until, SPEC §3), through `refreshctl run`
// on both backends: a scheduled run reads only the targets that may be due,
// and only such a run, at the real time over every target, moves the index.
#include <fmt/format.h>

#include <chrono>
#include <cstdint>
#include <limits>

#include "integration/run_fixture.h"

namespace refreshctl::testing {
namespace {

using std::chrono::hours;

class QuietUntilRun : public RunTest {
 protected:
  // The target's quiet_until, in milliseconds since the epoch.
  int64_t quiet_until(const std::string& name) const {
    auto rows =
        test_db_.query(fmt::format("SELECT quiet_until FROM targets WHERE name = '{}'", name));
    EXPECT_EQ(rows.size(), 1u);
    return rows.empty() ? -1 : std::stoll(rows[0]);
  }
  static int64_t now_ms() { return SystemClock().now().time_since_epoch().count(); }

  // A target with a yearly slot: new, so nothing of it is due today.
  static TargetSpec yearly(const std::string& name) {
    TargetSpec spec;
    spec.name = name;
    spec.extra = "schedule = \"0 3 1 1 *\"";
    return spec;
  }
};

TEST_P(QuietUntilRun, AScheduledRunDoesNotReadATargetWithNothingDueAgain) {
  apply({yearly("yearly"), yearly("other")});
  auto first = run({"-q"});
  ASSERT_EQ(first.exit_code, 0) << first.err << first.out;
  EXPECT_GT(quiet_until("yearly"), now_ms() + hours(24).count());
  // Spoil the stored definition behind refreshctl's back: a run that read it
  // would fail on it.
  test_db_.execute(
      "UPDATE target_revisions SET definition = 'not [a target' WHERE target = 'yearly'");
  auto idle = run();
  EXPECT_EQ(idle.exit_code, 0) << idle.err << idle.out;
  EXPECT_NE(idle.out.find("nothing is due"), std::string::npos) << idle.out;
  EXPECT_EQ(idle.err.find("cannot be read"), std::string::npos) << idle.err;
  // Proof that it was not read: a run that must read it fails on it.
  auto named = run({"--target", "yearly"});
  EXPECT_EQ(named.exit_code, 3) << named.out;
  EXPECT_NE(named.err.find("stored revision 1 of target \"yearly\" cannot be read"),
            std::string::npos)
      << named.err;
}

TEST_P(QuietUntilRun, OnlyAScheduledRunAtTheRealTimeOverEveryTargetMovesIt) {
  apply({yearly("yearly")});
  ASSERT_EQ(run({"--dry-run"}).exit_code, 0);
  EXPECT_EQ(quiet_until("yearly"), 0);
  ASSERT_EQ(run({"--target", "yearly"}).exit_code, 0);
  EXPECT_EQ(quiet_until("yearly"), 0);
  // --at a time with nothing due either (tomorrow has no yearly slot).
  ASSERT_EQ(run({"--at", tomorrow_at(10)}).exit_code, 0);
  EXPECT_EQ(quiet_until("yearly"), 0);
  auto now = run({"--now"});
  ASSERT_EQ(now.exit_code, 0) << now.err << now.out;
  EXPECT_EQ(quiet_until("yearly"), 0);
  auto scheduled = run();
  ASSERT_EQ(scheduled.exit_code, 0) << scheduled.err << scheduled.out;
  EXPECT_GT(quiet_until("yearly"), now_ms() + hours(24).count());
}

TEST_P(QuietUntilRun, ATargetBusyInAnotherRunKeepsItsPlaceUntilItsWorkIsDone) {
  apply({yearly("yearly")});
  auto manual = start_run({"--now", "-q"});  // one refresh, 1 s at the service
  wait_for_state("polling", 1);
  auto meanwhile = run();
  EXPECT_EQ(meanwhile.exit_code, 0) << meanwhile.err << meanwhile.out;
  EXPECT_NE(meanwhile.out.find("busy"), std::string::npos) << meanwhile.out;
  EXPECT_EQ(quiet_until("yearly"), 0);  // skipped as busy: not moved
  EXPECT_EQ(manual->wait().exit_code, 0);
  ASSERT_EQ(run().exit_code, 0);
  EXPECT_GT(quiet_until("yearly"), now_ms() + hours(24).count());
  EXPECT_EQ(history().size(), 1u);
}

TEST_P(QuietUntilRun, ANewRevisionIsReadAtTheNextRunAndADisabledTargetNever) {
  apply({yearly("yearly")});
  ASSERT_EQ(run().exit_code, 0);
  ASSERT_GT(quiet_until("yearly"), 0);
  TargetSpec changed = yearly("yearly");
  changed.versions = {"v1", "v2"};
  apply({changed});
  EXPECT_EQ(quiet_until("yearly"), 0);
  ASSERT_EQ(refreshctl_db({"disable", "yearly"}).exit_code, 0);
  EXPECT_EQ(quiet_until("yearly"), std::numeric_limits<int64_t>::max());
  ASSERT_EQ(refreshctl_db({"enable", "yearly"}).exit_code, 0);
  EXPECT_EQ(quiet_until("yearly"), 0);
  ASSERT_EQ(refreshctl_db({"remove", "yearly"}).exit_code, 0);
  apply({yearly("yearly")});
  EXPECT_EQ(quiet_until("yearly"), 0);
}

REFRESHCTL_ON_BOTH_BACKENDS(QuietUntilRun);

}  // namespace
}  // namespace refreshctl::testing
