// `after`: a cube waits for the dataset it reads (SPEC §10). The real binary,
// a real database on both backends and the example service.
#include "integration/run_fixture.h"
#include "util/time.h"

namespace refreshctl::testing {
namespace {

using nlohmann::json;
using std::chrono::days;
using std::chrono::hours;
using std::chrono::minutes;

class AfterRun : public RunTest {
 protected:
  AfterRun() : RunTest({"--duration", "600ms"}) {}

  static TargetSpec dataset(std::vector<std::string> versions = {"v1"}) {
    return {.name = "dataset", .versions = std::move(versions)};
  }
  static TargetSpec cube(const std::string& more = "") {
    return {.name = "cube", .versions = {"v1"}, .extra = "after = [\"dataset\"]\n" + more};
  }
  // The refreshes of one target, oldest first.
  json refreshes_of(const std::string& name) const {
    json h = history({"--target", name});
    json out = json::array();
    for (auto it = h.rbegin(); it != h.rend(); ++it) out.push_back(*it);
    return out;
  }
  TimePoint day(int n) const { return std::chrono::floor<days>(SystemClock().now()) + days(n); }
};

TEST_P(AfterRun, TheCubeIsTriggeredInTheSameRunOnceTheDatasetSucceeded) {
  apply({dataset(), cube()});
  auto r = run({"-v"});
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_NE(r.out.find("cube: slot"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("is not yet due: it waits for dataset"), std::string::npos) << r.out;
  json d = refreshes_of("dataset"), c = refreshes_of("cube");
  ASSERT_EQ(d.size(), 1u);
  ASSERT_EQ(c.size(), 1u);
  EXPECT_EQ(d[0]["state"], "succeeded");
  EXPECT_EQ(c[0]["state"], "succeeded");
  EXPECT_EQ(c[0]["run_id"], d[0]["run_id"]);
  // The cube started only after the dataset had finished.
  EXPECT_GE(c[0]["started_at"].get<std::string>(), d[0]["finished_at"].get<std::string>());
  EXPECT_EQ(triggers("cube/v1"), 1);
}

TEST_P(AfterRun, TheCubeWaitsForADatasetRefreshingInAnotherRunAndIsTriggeredInTheNext) {
  TargetSpec slow = dataset();
  slow.refresh_query = "?duration=3s";  // long enough for the cube's run to find it open
  apply({slow, cube()});
  std::string first = tomorrow_at(1);
  auto dataset_run = start_run({"--at", first, "--target", "dataset"});
  wait_for_state("polling", 1);
  auto waiting = run({"--at", first, "--target", "cube"});
  EXPECT_EQ(waiting.exit_code, 0) << waiting.out << waiting.err;
  EXPECT_NE(waiting.out.find("waits for dataset"), std::string::npos) << waiting.out;
  EXPECT_EQ(triggers("cube/v1"), 0);
  EXPECT_TRUE(refreshes_of("cube").empty());
  ASSERT_EQ(dataset_run->wait().exit_code, 0);
  // The next run takes the slot that waited.
  auto next = run({"--at", first, "--target", "cube"});
  EXPECT_EQ(next.exit_code, 0) << next.out << next.err;
  EXPECT_EQ(triggers("cube/v1"), 1);
  // A later slot waits again: the dataset has not refreshed since the cube ran.
  auto stale = run({"--at", tomorrow_at(2), "--target", "cube"});
  EXPECT_EQ(stale.exit_code, 0) << stale.out << stale.err;
  EXPECT_NE(stale.out.find("has not refreshed since this target last ran"), std::string::npos)
      << stale.out;
  EXPECT_EQ(triggers("cube/v1"), 1);
  // Once the dataset has new data, the cube follows it.
  auto both = run({"--at", tomorrow_at(3)});
  EXPECT_EQ(both.exit_code, 0) << both.out << both.err;
  EXPECT_EQ(triggers("dataset/v1"), 2);
  EXPECT_EQ(triggers("cube/v1"), 2);
}

TEST_P(AfterRun, ADatasetFailureMakesTheCubeWaitThenMissedPastItsDeadline) {
  apply({dataset({"v1", "v2-fail"}), cube("schedule = \"0 2 * * *\"\nstarting_deadline = \"1h\"")});
  auto failed = run({"--at", format_rfc3339(day(1) + hours(2) + minutes(5))});
  EXPECT_EQ(failed.exit_code, 1) << failed.out << failed.err;
  EXPECT_NE(failed.out.find("its latest refresh of v2-fail"), std::string::npos) << failed.out;
  EXPECT_TRUE(refreshes_of("cube").empty());
  // Within the deadline it goes on waiting, recording nothing.
  auto still = run({"--at", format_rfc3339(day(1) + hours(2) + minutes(40)), "--target", "cube"});
  EXPECT_EQ(still.exit_code, 0) << still.out << still.err;
  EXPECT_TRUE(refreshes_of("cube").empty());
  // Past it, the slot is missed, saying why.
  auto late = run({"--at", format_rfc3339(day(1) + hours(3) + minutes(30)), "--target", "cube"});
  EXPECT_EQ(late.exit_code, 0) << late.out << late.err;
  json c = refreshes_of("cube");
  ASSERT_EQ(c.size(), 1u);
  EXPECT_EQ(c[0]["state"], "missed");
  std::string why = c[0]["error"];
  EXPECT_NE(why.find("past starting_deadline 1h"), std::string::npos) << why;
  EXPECT_NE(why.find("waits for dataset: its latest refresh of v2-fail"), std::string::npos) << why;
  EXPECT_EQ(triggers("cube/v1"), 0);
}

TEST_P(AfterRun, ACycleIsRefusedAtApplyWithTheNames) {
  apply({dataset()});
  // The cycle closes through a target already in the database.
  TargetSpec a{.name = "dataset", .versions = {"v1"}, .extra = "after = [\"cube\"]\n"};
  std::string text = target_toml(a) + "\n" + target_toml(cube());
  auto r = refreshctl_db({"apply", "-f", dir_.write("cycle.toml", text)});
  EXPECT_EQ(r.exit_code, 2) << r.out;
  EXPECT_NE(r.err.find("cube → dataset → cube"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("nothing was applied"), std::string::npos) << r.err;
  auto listed = json::parse(refreshctl_db({"--json", "list"}).out);
  ASSERT_EQ(listed.size(), 1u);
  EXPECT_EQ(listed[0]["after"], json::array());
  // An unknown name is refused too, with a suggestion.
  TargetSpec typo{.name = "cube", .versions = {"v1"}, .extra = "after = [\"datasett\"]\n"};
  auto unknown = refreshctl_db({"apply", "-f", dir_.write("typo.toml", target_toml(typo))});
  EXPECT_EQ(unknown.exit_code, 2);
  EXPECT_NE(unknown.err.find("\"datasett\", which is no target"), std::string::npos) << unknown.err;
  EXPECT_NE(unknown.err.find("dataset"), std::string::npos);
}

TEST_P(AfterRun, ListShowsWhatATargetWaitsFor) {
  apply({dataset(), cube()});
  auto listed = json::parse(refreshctl_db({"--json", "list"}).out);
  ASSERT_EQ(listed.size(), 2u);
  EXPECT_EQ(listed[0]["name"], "cube");
  EXPECT_EQ(listed[0]["after"], json::array({"dataset"}));
  auto table = refreshctl_db({"list"});
  EXPECT_NE(table.out.find("after dataset"), std::string::npos) << table.out;
}

REFRESHCTL_ON_BOTH_BACKENDS(AfterRun);

}  // namespace
}  // namespace refreshctl::testing
