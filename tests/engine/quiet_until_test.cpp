// quiet_until (SPEC §3): the cache that lets a scheduled run read only the
// targets that may have something due. On random schedules, time zones,
// retries, starting deadlines, `after` and clocks, on both backends, the
// targets it hands a run always include every one the full computation
// (planning every target) finds work or a wait for.
#include <fmt/format.h>
#include <gtest/gtest.h>

#include <chrono>
#include <random>
#include <set>

#include "config/target_file.h"
#include "engine/planner.h"
#include "support/test_db.h"

namespace refreshctl::testing {
namespace {

using std::chrono::hours;
using std::chrono::minutes;
using std::chrono::seconds;

// Just before Europe/Berlin and America/New_York change their clocks.
const TimePoint kStart = *parse_rfc3339("2026-03-07T20:00:00Z");

std::string random_schedule(std::mt19937& rng) {
  auto pick = [&](int lo, int hi) { return std::uniform_int_distribution<int>(lo, hi)(rng); };
  switch (pick(0, 7)) {
    case 0:
      return fmt::format("*/{} * * * *", pick(1, 30));
    case 1:
      return fmt::format("{} * * * *", pick(0, 59));
    case 2:
      return fmt::format("{} {} * * *", pick(0, 59), pick(0, 23));
    case 3:
      return fmt::format("{} */{} * * *", pick(0, 59), pick(2, 6));
    case 4:
      return fmt::format("{} {} * * {}", pick(0, 59), pick(0, 23), pick(0, 6));
    case 5:
      return fmt::format("30 2 {} * *", pick(1, 28));  // 02:30: skipped or doubled by DST
    case 6:
      return fmt::format("{} {}-{} * * 1-5", pick(0, 59), pick(0, 8), pick(9, 23));
    default:
      return "";  // a slot each minute of invocation
  }
}

Target random_target(std::mt19937& rng, int i, const std::vector<std::string>& earlier) {
  auto pick = [&](int lo, int hi) { return std::uniform_int_distribution<int>(lo, hi)(rng); };
  std::string schedule = random_schedule(rng);
  std::string extra;
  if (!schedule.empty()) extra += fmt::format("schedule = \"{}\"\n", schedule);
  const char* zones[] = {"UTC", "Europe/Berlin", "America/New_York", "Asia/Kolkata"};
  extra += fmt::format("timezone = \"{}\"\n", zones[pick(0, 3)]);
  extra += fmt::format("retries = {}\nretry_delay = \"{}m\"\n", pick(0, 2), pick(1, 90));
  if (pick(0, 2) == 0) extra += fmt::format("starting_deadline = \"{}m\"\n", pick(1, 120));
  if (!earlier.empty() && pick(0, 3) == 0) {
    extra += fmt::format("after = [\"{}\"]\n", earlier[pick(0, earlier.size() - 1)]);
  }
  std::string toml = fmt::format(R"([[target]]
name = "t{}"
data_type = "sales"
versions = ["a", "b"]
{}
[target.refresh]
url = "http://127.0.0.1:9/api/refresh"

[target.status]
url = "http://127.0.0.1:9/api/status"
succeeded = ["SUCCEEDED"]
)",
                                 i, extra);
  auto parsed = parse_target_file(toml, "t.toml");
  EXPECT_TRUE(parsed.ok()) << parsed.error() << "\n" << toml;
  return (*parsed)[0].target;
}

class QuietUntil : public ::testing::TestWithParam<Backend> {
 protected:
  // Records `p` as a run would have ended it: missed, or in a random end state.
  void record(std::mt19937& rng,
              const TargetRecord& t,
              const engine::PlannedRefresh& p,
              TimePoint now) {
    const RefreshState ends[] = {RefreshState::kSucceeded, RefreshState::kFailed,
                                 RefreshState::kTimedOut, RefreshState::kUnknown};
    RefreshRecord r{.run_id = run_,
                    .target = t.target.name,
                    .revision = t.revision,
                    .version = p.version,
                    .slot = p.slot,
                    .attempt = p.attempt,
                    .started_at = now};
    std::vector<RefreshRecord*> records{&r};
    std::vector<bool> claimed;
    ASSERT_TRUE(store_->claim(records, &claimed).ok());
    r.state =
        p.missed ? RefreshState::kMissed : ends[std::uniform_int_distribution<int>(0, 3)(rng)];
    r.finished_at = now;
    ASSERT_TRUE(store_->update({&r}).ok());
  }

  TestDb db_{GetParam()};
  std::unique_ptr<Store> store_ = db_.open();
  int64_t run_ = *store_->begin_run({0, kStart, "host", 1});
};

TEST_P(QuietUntil, NeverHidesATargetThatTheFullComputationWouldPlan) {
  std::mt19937 rng(20261206);
  auto pick = [&](int lo, int hi) { return std::uniform_int_distribution<int>(lo, hi)(rng); };
  std::vector<std::string> names;
  std::vector<TargetChange> changes;
  for (int i = 0; i < 24; ++i) {
    changes.push_back({random_target(rng, i, names), "test", {}});
    names.push_back(changes.back().target.name);
  }
  ASSERT_TRUE(store_->apply(changes, kStart - hours(2)).ok());

  TimePoint now = kStart;
  int hidden = 0;   // targets the cache spared a run from planning
  int planned = 0;  // targets the full computation found something for
  for (int step = 0; step < 60; ++step) {
    now += minutes(pick(0, 200)) + seconds(pick(0, 59));
    // The full computation: every enabled target planned.
    auto all = store_->targets();
    ASSERT_TRUE(all.ok()) << all.error();
    std::set<std::string> must;
    for (const auto& t : *all) {
      std::string waiting;
      auto plan = engine::plan_target(*store_, t, now, now, false, &waiting);
      ASSERT_TRUE(plan.ok()) << plan.error();
      if (!plan->empty() || !waiting.empty()) must.insert(t.target.name);
    }
    planned += static_cast<int>(must.size());
    // What the cache hands a scheduled run.
    auto selection = engine::select_due_targets(*store_, now);
    ASSERT_TRUE(selection.ok()) << selection.error();
    std::set<std::string> selected;
    for (const auto& t : selection->targets) selected.insert(t.target.name);
    for (const auto& name : must) {
      auto record = *store_->target(name);
      EXPECT_TRUE(selected.count(name) != 0)
          << name << " (schedule \"" << record->target.schedule << "\", timezone "
          << record->target.timezone << ") has work at " << format_rfc3339(now)
          << " but the cache hides it";
    }
    hidden += static_cast<int>(all->size() - selected.size());
    // A run over the selection, as the runner does it: a target with nothing
    // due gets its quiet_until; one with work gets it done (or, as if busy
    // in another run, is left alone now and then).
    std::vector<QuietMark> marks;
    for (const auto& t : selection->targets) {
      std::string waiting;
      auto plan = engine::plan_target(*store_, t, now, now, false, &waiting);
      ASSERT_TRUE(plan.ok()) << plan.error();
      if (plan->empty() && waiting.empty()) {
        auto until = engine::quiet_until(t.target, now);
        ASSERT_TRUE(until.ok()) << until.error();
        EXPECT_GT(*until, now);
        marks.push_back({t.id, t.revision, *until});
        continue;
      }
      if (pick(0, 4) == 0) continue;
      for (const auto& p : *plan) {
        if (p.not_before <= now) record(rng, t, p, now);
      }
    }
    ASSERT_TRUE(store_->set_quiet_until(marks).ok());
    // Now and then a target changes: its new revision is planned at once.
    if (pick(0, 9) == 0) {
      Target changed = random_target(rng, pick(0, 23), {});
      ASSERT_TRUE(store_->apply({{changed, "test", {}}}, now).ok());
      auto again = engine::select_due_targets(*store_, now);
      ASSERT_TRUE(again.ok());
      EXPECT_TRUE(std::any_of(again->targets.begin(), again->targets.end(),
                              [&](const TargetRecord& t) { return t.target.name == changed.name; }))
          << changed.name << " was changed but is not read by the next run";
    }
  }
  // The property holds only if the cache did spare work, and there was work.
  EXPECT_GT(hidden, 200);
  EXPECT_GT(planned, 100);
}

TEST_P(QuietUntil, ADisabledTargetIsNeverReadAndANewRevisionIsReadAtOnce) {
  std::mt19937 rng(7);
  Target t = random_target(rng, 1, {});
  ASSERT_TRUE(store_->apply({{t, "test", {}}}, kStart).ok());
  EXPECT_EQ(engine::select_due_targets(*store_, kStart)->targets.size(), 1u);
  t.enabled = false;
  ASSERT_TRUE(store_->apply({{t, "disable", {}}}, kStart).ok());
  EXPECT_TRUE(store_->targets_to_check(kStart + hours(24 * 365))->empty());
  t.enabled = true;
  ASSERT_TRUE(store_->apply({{t, "enable", {}}}, kStart).ok());
  EXPECT_EQ(store_->targets_to_check(kStart)->size(), 1u);
}

TEST_P(QuietUntil, AMarkForAnOlderRevisionIsDropped) {
  std::mt19937 rng(8);
  Target t = random_target(rng, 1, {});
  ASSERT_TRUE(store_->apply({{t, "test", {}}}, kStart).ok());
  auto first = *store_->target(t.name);
  t.versions = {"c"};
  ASSERT_TRUE(store_->apply({{t, "test", {}}}, kStart).ok());
  // A run that read revision 1 marks it after revision 2 was applied.
  ASSERT_TRUE(store_->set_quiet_until({{first->id, first->revision, kStart + hours(1)}}).ok());
  EXPECT_EQ(store_->targets_to_check(kStart)->size(), 1u);
  auto second = *store_->target(t.name);
  ASSERT_TRUE(store_->set_quiet_until({{second->id, second->revision, kStart + hours(1)}}).ok());
  EXPECT_TRUE(store_->targets_to_check(kStart)->empty());
  EXPECT_EQ(store_->targets_to_check(kStart + hours(1))->size(), 1u);
}

INSTANTIATE_TEST_SUITE_P(Backends,
                         QuietUntil,
                         ::testing::Values(Backend::kSqlite, Backend::kPostgres),
                         [](const ::testing::TestParamInfo<Backend>& info) {
                           return backend_name(info.param);
                         });

}  // namespace
}  // namespace refreshctl::testing
