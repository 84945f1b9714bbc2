// Pruning old history (prune, keep_history) on both backends: what is
// deleted, what is always kept, and how often `run`'s retention runs.
#include "engine/retention.h"

#include <gtest/gtest.h>

#include <chrono>

#include "config/target_file.h"
#include "engine/planner.h"
#include "support/targets.h"
#include "support/test_db.h"

namespace refreshctl::testing {
namespace {

using std::chrono::days;
using std::chrono::hours;
using std::chrono::minutes;

// Today 03:00 UTC of a fixed day, so that a 02:00 daily slot has just been.
const TimePoint kNow = *parse_rfc3339("2026-11-25T03:00:00Z");

Target target(const std::string& name, const std::string& extra = "") {
  std::string toml = sample_target_toml(name);
  toml.insert(toml.find("enabled = true"), extra + "\n");
  auto parsed = parse_target_file(toml, "t.toml");
  EXPECT_TRUE(parsed.ok()) << parsed.error();
  return (*parsed)[0].target;
}

class Retention : public ::testing::TestWithParam<Backend> {
 protected:
  void SetUp() override { run_ = *store_->begin_run({0, kNow - days(400), "host", 1}); }

  void apply(const Target& t, TimePoint when = kNow - days(300)) {
    ASSERT_TRUE(store_->apply({{t, "test"}}, when).ok());
  }

  // Records a refresh of `version` for `slot`, started then, in `state`.
  int64_t record(const std::string& target,
                 const std::string& version,
                 TimePoint slot,
                 RefreshState state = RefreshState::kSucceeded,
                 int attempt = 0) {
    RefreshRecord r{.run_id = run_,
                    .target = target,
                    .revision = 1,
                    .version = version,
                    .slot = slot,
                    .attempt = attempt,
                    .started_at = slot};
    std::vector<RefreshRecord*> records{&r};
    std::vector<bool> claimed;
    EXPECT_TRUE(store_->claim(records, &claimed).ok());
    r.state = state;
    if (is_terminal(state)) r.finished_at = slot + minutes(1);
    EXPECT_TRUE(store_->update({&r}).ok());
    return r.id;
  }

  size_t count(const std::string& target, std::optional<RefreshState> state = std::nullopt) {
    return store_->history({.targets = {target}, .state = state, .limit = 100000})->size();
  }

  TestDb db_{GetParam()};
  std::unique_ptr<Store> store_ = db_.open();
  int64_t run_ = 0;
};

TEST_P(Retention, PruneDeletesOldFinishedRefreshesAndKeepsUnfinishedOnes) {
  apply(target("cube"));
  for (int d = 200; d > 100; d -= 10) record("cube", "2026-10", kNow - days(d));
  record("cube", "2026-10", kNow - days(99), RefreshState::kFailed);
  record("cube", "2026-10", kNow - days(98), RefreshState::kPending);
  record("cube", "2026-10", kNow - days(97), RefreshState::kTriggering);
  record("cube", "2026-10", kNow - days(96), RefreshState::kPolling);
  record("cube", "2026-10", kNow - hours(2));
  ASSERT_EQ(count("cube"), 15u);

  auto report = engine::prune_history(*store_, kNow, {.older_than = days(30)});
  ASSERT_TRUE(report.ok()) << report.error();
  EXPECT_EQ(report->total, 11);
  ASSERT_EQ(report->targets.size(), 1u);
  EXPECT_EQ(report->targets[0].target, "cube");
  EXPECT_EQ(report->targets[0].refreshes, 11);
  EXPECT_EQ(count("cube"), 4u);
  EXPECT_EQ(count("cube", RefreshState::kPending), 1u);
  EXPECT_EQ(count("cube", RefreshState::kTriggering), 1u);
  EXPECT_EQ(count("cube", RefreshState::kPolling), 1u);
  EXPECT_EQ(store_->open_refreshes("cube")->size(), 3u);
}

TEST_P(Retention, DryRunCountsWhatPruneWouldDeleteAndDeletesNothing) {
  apply(target("cube"));
  apply(target("other"));
  for (int d = 60; d > 30; d -= 5) record("cube", "2026-10", kNow - days(d));
  record("cube", "2026-10", kNow - days(1));
  record("other", "2026-11", kNow - days(50));
  record("other", "2026-11", kNow - days(1));

  auto dry = engine::prune_history(*store_, kNow, {.older_than = days(30), .dry_run = true});
  ASSERT_TRUE(dry.ok()) << dry.error();
  EXPECT_EQ(dry->total, 7);
  ASSERT_EQ(dry->targets.size(), 2u);
  EXPECT_EQ(dry->targets[0].refreshes, 6);
  EXPECT_EQ(dry->targets[1].refreshes, 1);
  EXPECT_EQ(count("cube"), 7u);
  EXPECT_EQ(count("other"), 2u);

  auto real = engine::prune_history(*store_, kNow, {.older_than = days(30)});
  ASSERT_TRUE(real.ok()) << real.error();
  EXPECT_EQ(real->total, dry->total);
}

TEST_P(Retention, TheNewestSlotOfEachVersionIsKeptHoweverOld) {
  apply(target("cube"));
  record("cube", "2026-10", kNow - days(200));
  record("cube", "2026-10", kNow - days(150), RefreshState::kFailed, 0);
  record("cube", "2026-10", kNow - days(150), RefreshState::kSucceeded, 1);
  record("cube", "2026-11", kNow - days(120));
  record("cube", "2026-11", kNow - days(1));

  auto report = engine::prune_history(*store_, kNow, {.older_than = days(30)});
  ASSERT_TRUE(report.ok()) << report.error();
  EXPECT_EQ(report->total, 2);  // 2026-10 at 200 days, 2026-11 at 120 days
  auto left = *store_->history({.targets = {"cube"}, .limit = 100});
  ASSERT_EQ(left.size(), 3u);
  EXPECT_EQ(left[0].slot, kNow - days(1));
  EXPECT_EQ(left[1].slot, kNow - days(150));
  EXPECT_EQ(left[2].slot, kNow - days(150));
}

// A manual slot (run --now) after the scheduled one is newer, but the
// scheduled slot is still the one the planner reads: pruning it would make
// it look not done, and run it a second time.
TEST_P(Retention, APrunedTargetDoesNotGetAPastSlotRunAgain) {
  apply(target("cube", "schedule = \"0 2 * * *\""), kNow - days(10));
  TimePoint scheduled = kNow - hours(1);  // today 02:00
  TimePoint manual = kNow - minutes(30);
  for (const auto& version : {"2026-10", "2026-11"}) {
    record("cube", version, scheduled - days(1));
    record("cube", version, scheduled);
    record("cube", version, manual);
  }
  auto record_now = *store_->target("cube");
  ASSERT_TRUE(record_now);
  auto before = engine::plan_target(*store_, *record_now, kNow, kNow, false);
  ASSERT_TRUE(before.ok()) << before.error();
  ASSERT_TRUE(before->empty());

  auto report = engine::prune_history(*store_, kNow, {.older_than = std::chrono::seconds(1)});
  ASSERT_TRUE(report.ok()) << report.error();
  EXPECT_EQ(report->total, 2);  // yesterday's slot only
  EXPECT_EQ(store_->slot_refreshes("cube", scheduled)->size(), 2u);
  auto after = engine::plan_target(*store_, *record_now, kNow, kNow, false);
  ASSERT_TRUE(after.ok()) << after.error();
  EXPECT_TRUE(after->empty()) << "the 02:00 slot would run again";
}

TEST_P(Retention, RetentionRunsAtMostOnceAnHour) {
  apply(target("cube", "keep_history = \"30d\""));
  record("cube", "2026-10", kNow - days(60));
  record("cube", "2026-10", kNow - days(1));

  auto first = engine::apply_retention(*store_, kNow);
  ASSERT_TRUE(first.ok()) << first.error();
  ASSERT_TRUE(*first);
  EXPECT_EQ((*first)->total, 1);

  record("cube", "2026-10", kNow - days(50));
  auto soon = engine::apply_retention(*store_, kNow + minutes(59));
  ASSERT_TRUE(soon.ok()) << soon.error();
  EXPECT_FALSE(*soon);
  EXPECT_EQ(count("cube"), 2u);

  auto later = engine::apply_retention(*store_, kNow + minutes(61));
  ASSERT_TRUE(later.ok()) << later.error();
  ASSERT_TRUE(*later);
  EXPECT_EQ((*later)->total, 1);
  EXPECT_EQ(db_.query("SELECT last_deleted FROM retention"), std::vector<std::string>{"1"});
}

TEST_P(Retention, KeepHistoryForeverKeepsEveryRefresh) {
  apply(target("kept", "keep_history = \"forever\""));
  apply(target("pruned", "keep_history = \"30d\""));
  apply(target("default"));
  for (const auto& name : {"kept", "pruned", "default"}) {
    record(name, "2026-10", kNow - days(365));
    record(name, "2026-10", kNow - days(60));
    record(name, "2026-10", kNow - days(1));
  }
  auto report = engine::apply_retention(*store_, kNow);
  ASSERT_TRUE(report.ok()) << report.error();
  ASSERT_TRUE(*report);
  EXPECT_EQ(count("kept"), 3u);
  EXPECT_EQ(count("pruned"), 1u);
  EXPECT_EQ(count("default"), 2u);  // 90 days: the 60-day-old one stays
}

TEST_P(Retention, ARemovedTargetsHistoryIsPrunedByItsLastKeepHistory) {
  apply(target("gone", "keep_history = \"30d\""));
  record("gone", "2026-10", kNow - days(60));
  record("gone", "2026-10", kNow - days(40));
  ASSERT_TRUE(*store_->remove("gone", kNow - days(35), {}));
  auto report = engine::apply_retention(*store_, kNow);
  ASSERT_TRUE(report.ok()) << report.error();
  EXPECT_EQ(count("gone"), 1u);
}

TEST_P(Retention, PrunesInSeveralBatchesUntilNoneIsLeft) {
  apply(target("cube"));
  std::vector<RefreshRecord> records(3000);
  std::vector<RefreshRecord*> pointers;
  for (size_t i = 0; i < records.size(); ++i) {
    TimePoint slot = kNow - days(200) + minutes(static_cast<int>(i));
    records[i] = RefreshRecord{.run_id = run_,
                               .target = "cube",
                               .revision = 1,
                               .version = "2026-10",
                               .slot = slot,
                               .state = RefreshState::kSucceeded,
                               .started_at = slot,
                               .finished_at = slot + minutes(1)};
    pointers.push_back(&records[i]);
  }
  std::vector<bool> claimed;
  ASSERT_TRUE(store_->claim(pointers, &claimed).ok());
  auto report = engine::prune_history(*store_, kNow, {.older_than = days(30)});
  ASSERT_TRUE(report.ok()) << report.error();
  EXPECT_EQ(report->total, 2999);
  EXPECT_GE(report->batches, 2);
  EXPECT_EQ(count("cube"), 1u);
}

// Retention reads first which targets have anything old: those without
// cost no DELETE (10,000 of them cost a second on PostgreSQL), and a version
// list is pruned also when its target has no old refresh left.
TEST_P(Retention, OnlyTargetsWithSomethingOldArePruned) {
  apply(target("empty"));
  apply(target("recent"));
  apply(target("lists"));
  apply(target("old"));
  record("recent", "2026-10", kNow - days(2));
  record("old", "2026-10", kNow - days(100));
  record("old", "2026-10", kNow - days(99));
  TimePoint old_slot = kNow - days(90);
  ASSERT_TRUE(store_->store_slot_versions("lists", old_slot, {"a"}, old_slot).ok());
  record("lists", "a", kNow - days(1));

  auto extents = store_->history_extents();
  ASSERT_TRUE(extents.ok()) << extents.error();
  EXPECT_FALSE(extents->at("empty").oldest_refresh.has_value());
  EXPECT_EQ(extents->at("old").oldest_refresh, kNow - days(100));
  EXPECT_TRUE(extents->at("lists").version_lists);
  EXPECT_FALSE(extents->at("old").version_lists);

  auto report = engine::prune_history(*store_, kNow, {.older_than = days(30)});
  ASSERT_TRUE(report.ok()) << report.error();
  EXPECT_EQ(report->total, 1);
  EXPECT_EQ(report->batches, 2);  // "lists" and "old": one DELETE each
  EXPECT_EQ(count("old"), 1u);
  EXPECT_EQ(count("recent"), 1u);
  EXPECT_FALSE(store_->slot_versions("lists", old_slot)->has_value());
}

INSTANTIATE_TEST_SUITE_P(Backends,
                         Retention,
                         ::testing::Values(Backend::kSqlite, Backend::kPostgres),
                         [](const ::testing::TestParamInfo<Backend>& info) {
                           return backend_name(info.param);
                         });

}  // namespace
}  // namespace refreshctl::testing
