// `refreshctl prune` and the retention of `refreshctl run`, end to end: the
// real binary on a SQLite file and on PostgreSQL, history aged behind its
// back.
#include <fmt/format.h>

#include <chrono>

#include "integration/run_fixture.h"
#include "util/time.h"

namespace refreshctl::testing {
namespace {

using std::chrono::days;
using std::chrono::hours;

class PruneCli : public RunTest {
 protected:
  // Records finished refreshes of cube/v1 started `ages` ago (one slot
  // each) and, with `open`, one still polling from 100 days ago.
  void age_history(const std::vector<Millis>& ages, bool open = false) {
    auto store = test_db_.open();
    TimePoint now = SystemClock().now();
    int64_t run = *store->begin_run({0, now - days(200), "host", 1});
    std::vector<RefreshRecord> records;
    for (Millis age : ages) {
      records.push_back({.run_id = run,
                         .target = "cube",
                         .revision = 1,
                         .version = "v1",
                         .slot = now - age,
                         .state = RefreshState::kSucceeded,
                         .started_at = now - age,
                         .finished_at = now - age + std::chrono::minutes(1)});
    }
    if (open) {
      records.push_back({.run_id = run,
                         .target = "cube",
                         .revision = 1,
                         .version = "v1",
                         .slot = now - days(100) + std::chrono::seconds(1),
                         .state = RefreshState::kPolling,
                         .started_at = now - days(100)});
    }
    std::vector<RefreshRecord*> pointers;
    for (auto& r : records) pointers.push_back(&r);
    std::vector<bool> claimed;
    ASSERT_TRUE(store->claim(pointers, &claimed).ok());
  }
};

TEST_P(PruneCli, DryRunPrintsWhatWouldBeRemovedPerTargetAndDeletesNothing) {
  apply({{.name = "cube"}});
  age_history({days(100), days(60), days(40), days(1)}, true);
  ASSERT_EQ(history().size(), 5u);

  auto dry = refreshctl_db({"prune", "--older-than", "30d", "--dry-run"});
  ASSERT_EQ(dry.exit_code, 0) << dry.out << dry.err;
  EXPECT_NE(dry.out.find("cube: would remove 3 refreshes"), std::string::npos) << dry.out;
  EXPECT_EQ(history().size(), 5u);

  auto real = refreshctl_db({"prune", "--older-than", "30d"});
  ASSERT_EQ(real.exit_code, 0) << real.out << real.err;
  EXPECT_NE(real.out.find("cube: removed 3 refreshes"), std::string::npos) << real.out;
  auto left = history();
  ASSERT_EQ(left.size(), 2u);
  EXPECT_EQ(left[1]["state"], "polling");  // never pruned while open
}

TEST_P(PruneCli, PruneSaysWhatIsWrongWithItsDuration) {
  auto r = refreshctl_db({"prune", "--older-than", "soon"});
  EXPECT_EQ(r.exit_code, 2) << r.out << r.err;
  EXPECT_NE(r.err.find("soon"), std::string::npos) << r.err;
}

TEST_P(PruneCli, RunPrunesByKeepHistoryAtMostOnceAnHour) {
  apply({{.name = "cube", .extra = "keep_history = \"30d\""}});
  age_history({days(60), days(50)});
  auto first = run();
  ASSERT_EQ(first.exit_code, 0) << first.out << first.err;
  EXPECT_EQ(history().size(), 1u);  // the run's own refresh

  age_history({days(45)});
  auto second = run({"--now"});
  ASSERT_EQ(second.exit_code, 0) << second.out << second.err;
  EXPECT_EQ(history().size(), 3u) << "pruned again within the hour";

  // As if the last retention had started two hours ago.
  TimePoint two_hours_ago = SystemClock().now() - hours(2);
  test_db_.execute(fmt::format("UPDATE retention SET last_started = {}",
                               two_hours_ago.time_since_epoch().count()));
  auto third = run({"--now"});
  ASSERT_EQ(third.exit_code, 0) << third.out << third.err;
  EXPECT_EQ(history().size(), 3u);  // the three runs' own refreshes
}

REFRESHCTL_ON_BOTH_BACKENDS(PruneCli);

// How keep_history is read and shown does not depend on the backend.
class KeepHistoryCli : public RunTest {};

TEST_P(KeepHistoryCli, KeepHistoryIsCheckedAtApplyAndShownByShow) {
  auto too_short = refreshctl_db(
      {"apply", "-f",
       dir_.write("short.toml", target_toml({.name = "cube", .extra = "keep_history = \"10m\""}))});
  EXPECT_EQ(too_short.exit_code, 2) << too_short.out << too_short.err;
  EXPECT_NE(too_short.err.find("keep_history"), std::string::npos) << too_short.err;
  EXPECT_NE(too_short.err.find("forever"), std::string::npos) << too_short.err;

  apply({{.name = "cube"}, {.name = "audit", .extra = "keep_history = \"forever\""}});
  auto shown = refreshctl_db({"show", "cube"});
  EXPECT_NE(shown.out.find("# keep_history = \"90d\" (the default)"), std::string::npos)
      << shown.out;
  auto json = nlohmann::json::parse(refreshctl_db({"--json", "show", "cube"}).out);
  EXPECT_EQ(json["keep_history"], "90d");
  auto audit = refreshctl_db({"show", "audit"});
  EXPECT_NE(audit.out.find("\nkeep_history = \"forever\"\n"), std::string::npos) << audit.out;

  // Applying the same file again keeps the revisions: the default is not
  // written into the stored TOML.
  apply({{.name = "cube"}, {.name = "audit", .extra = "keep_history = \"forever\""}});
  auto list = nlohmann::json::parse(refreshctl_db({"--json", "list"}).out);
  for (const auto& t : list) EXPECT_EQ(t["revision"], 1) << t;
}

REFRESHCTL_ON_SQLITE(KeepHistoryCli);

}  // namespace
}  // namespace refreshctl::testing
