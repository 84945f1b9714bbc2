// The Store as both backends must behave: one suite, run on a SQLite file
// and on a PostgreSQL database (Backends/Store.*/Sqlite and /Postgres).
// What only one backend has is tested in sqlite_store_test.cpp,
// target_locks_test.cpp (SQLite) and pg_store_test.cpp (PostgreSQL).
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <csignal>

#include "config/target_file.h"
#include "support/targets.h"
#include "support/test_db.h"

namespace refreshctl::testing {
namespace {

using std::chrono::milliseconds;

Target sample(const std::string& name = "sales-cube") {
  auto parsed = parse_target_file(sample_target_toml(name), "sample.toml");
  EXPECT_TRUE(parsed.ok()) << parsed.error();
  return (*parsed)[0].target;
}

TimePoint at(int64_t ms) { return TimePoint(milliseconds(ms)); }

class Store : public ::testing::TestWithParam<Backend> {
 protected:
  TestDb db_{GetParam()};
  std::unique_ptr<refreshctl::Store> store_ = db_.open();
};

RefreshRecord refresh(int64_t run,
                      const std::string& target,
                      const std::string& version,
                      int64_t slot_ms) {
  return RefreshRecord{.run_id = run,
                       .target = target,
                       .revision = 1,
                       .version = version,
                       .slot = at(slot_ms),
                       .started_at = at(slot_ms)};
}

TEST_P(Store, ApplyingTheSameTargetTwiceMakesOneRevision) {
  auto first = store_->apply({{sample(), "a"}}, at(1000));
  auto second = store_->apply({{sample(), "b"}}, at(2000));
  ASSERT_TRUE(first.ok() && second.ok());
  EXPECT_EQ((*first)[0].action, ApplyAction::kCreated);
  EXPECT_EQ((*second)[0].action, ApplyAction::kUnchanged);
  EXPECT_EQ((*second)[0].revision, 1);
  EXPECT_EQ(store_->revisions("sales-cube")->size(), 1u);
}

TEST_P(Store, RemovedTargetKeepsItsRevisionsAndComesBackAsANewRevision) {
  ASSERT_TRUE(store_->apply({{sample(), "a"}}, at(1000)).ok());
  EXPECT_TRUE(*store_->remove("sales-cube", at(2000), {}));
  EXPECT_FALSE(*store_->remove("sales-cube", at(2000), {}));
  EXPECT_FALSE(*store_->target("sales-cube"));
  EXPECT_TRUE(store_->targets()->empty());
  EXPECT_EQ(store_->revisions("sales-cube")->size(), 1u);
  auto back = store_->apply({{sample(), "again"}}, at(3000));
  EXPECT_EQ((*back)[0].action, ApplyAction::kCreated);
  EXPECT_EQ((*back)[0].revision, 2);
  auto removed = store_->target("sales-cube", 1, true);
  ASSERT_TRUE(removed.ok() && *removed);
  EXPECT_EQ((*removed)->revision, 1);
}

TEST_P(Store, RefusesADatabaseFromANewerRefreshctl) {
  store_.reset();
  db_.execute("INSERT INTO schema_version VALUES (999)");
  auto store = open_store(db_.spec());
  ASSERT_FALSE(store.ok());
  EXPECT_NE(store.error().find("newer than this refreshctl"), std::string::npos) << store.error();
}

TEST_P(Store, RevisionsAndRemovalsRecordWhoMadeThemAndWhere) {
  ChangeAuthor alice{"alice", "ops-1"};
  ASSERT_TRUE(store_->apply({{sample(), "apply t.toml:1", alice}}, at(1000)).ok());
  ASSERT_TRUE(*store_->remove("sales-cube", at(2000), ChangeAuthor{"bob", "ops-2"}));
  ASSERT_TRUE(store_->apply({{sample(), "rollback to 1", alice}}, at(3000)).ok());
  ASSERT_TRUE(*store_->remove("sales-cube", at(4000), ChangeAuthor{"carol", "ops-3"}));

  auto revisions = *store_->revisions("sales-cube");
  ASSERT_EQ(revisions.size(), 2u);
  EXPECT_EQ(revisions[0].author.user, "alice");
  EXPECT_EQ(revisions[0].author.host, "ops-1");
  EXPECT_EQ(revisions[1].source, "rollback to 1");
  auto removals = *store_->removals("sales-cube");
  ASSERT_EQ(removals.size(), 2u);
  EXPECT_EQ(removals[0].revision, 1);
  EXPECT_EQ(removals[0].removed_at, at(2000));
  EXPECT_EQ(removals[0].author.user, "bob");
  EXPECT_EQ(removals[1].revision, 2);
  EXPECT_EQ(removals[1].author.host, "ops-3");
  EXPECT_TRUE(store_->removals("never-there")->empty());
}

TEST_P(Store, ClaimingTheSameSlotTwiceClaimsItOnce) {
  auto run = store_->begin_run({0, at(1000), "host", 1});
  ASSERT_TRUE(run.ok()) << run.error();
  RefreshRecord a = refresh(*run, "t", "v1", 60000);
  RefreshRecord b = a;
  std::vector<RefreshRecord*> first{&a};
  std::vector<RefreshRecord*> second{&b};
  std::vector<bool> claimed;
  ASSERT_TRUE(store_->claim(first, &claimed).ok());
  EXPECT_TRUE(claimed[0]);
  EXPECT_GT(a.id, 0);
  ASSERT_TRUE(store_->claim(second, &claimed).ok());
  EXPECT_FALSE(claimed[0]);
  b.attempt = 1;
  ASSERT_TRUE(store_->claim(second, &claimed).ok());
  EXPECT_TRUE(claimed[0]) << "a retry is a new attempt of the same slot";
}

// A claim begun and not yet answered (PostgreSQL: sent, the run goes on):
// another claim and a write in between wait for it, and its answer still
// comes whole to claim_done(), with each record's id.
TEST_P(Store, AClaimBegunIsAnsweredWholeAfterOtherStatementsInBetween) {
  auto run = *store_->begin_run({0, at(1000), "host", 1});
  std::vector<RefreshRecord> begun;
  for (int i = 0; i < 300; ++i) begun.push_back(refresh(run, "t", "v" + std::to_string(i), 0));
  RefreshRecord taken = begun[7];
  std::vector<RefreshRecord*> first{&taken};
  std::vector<bool> claimed;
  ASSERT_TRUE(store_->claim(first, &claimed).ok());
  std::vector<RefreshRecord*> pointers;
  for (auto& r : begun) pointers.push_back(&r);
  ASSERT_TRUE(store_->begin_claim(pointers).ok());

  RefreshRecord other = refresh(run, "u", "v1", 0);
  std::vector<RefreshRecord*> between{&other};
  ASSERT_TRUE(store_->claim(between, &claimed).ok());
  ASSERT_EQ(claimed.size(), 1u);
  EXPECT_TRUE(claimed[0]);
  other.state = RefreshState::kSucceeded;
  ASSERT_TRUE(store_->update({&other}).ok());

  auto done = store_->claim_done(true, &claimed);
  ASSERT_TRUE(done.ok()) << done.error();
  EXPECT_TRUE(*done);
  ASSERT_EQ(claimed.size(), begun.size());
  for (size_t i = 0; i < begun.size(); ++i) {
    EXPECT_EQ(claimed[i], i != 7) << begun[i].version;
    EXPECT_EQ(begun[i].id != 0, i != 7) << begun[i].version;
  }
  auto rows = store_->slot_refreshes("t", at(0));
  ASSERT_TRUE(rows.ok()) << rows.error();
  EXPECT_EQ(rows->size(), begun.size());
  for (const auto& r : *rows) {
    if (r.version == "v7") {
      EXPECT_EQ(r.id, taken.id) << "the earlier claim's";
    } else {
      auto it = std::find_if(begun.begin(), begun.end(),
                             [&](const RefreshRecord& b) { return b.version == r.version; });
      ASSERT_NE(it, begun.end());
      EXPECT_EQ(it->id, r.id) << r.version;
    }
  }
  auto u = store_->slot_refreshes("u", at(0));
  ASSERT_TRUE(u.ok() && u->size() == 1);
  EXPECT_EQ(u->front().state, RefreshState::kSucceeded);
}

// One batch of a thousand, some of them taken already: each answer lands on
// its own record, in order (PostgreSQL pipelines the batch).
TEST_P(Store, ABatchClaimSaysOfEachRecordWhetherItWasClaimed) {
  auto run = *store_->begin_run({0, at(1000), "host", 1});
  std::vector<RefreshRecord> earlier;
  for (int i = 0; i < 1000; i += 7)
    earlier.push_back(refresh(run, "t", "v" + std::to_string(i), 0));
  std::vector<RefreshRecord*> pointers;
  for (auto& r : earlier) pointers.push_back(&r);
  std::vector<bool> claimed;
  ASSERT_TRUE(store_->claim(pointers, &claimed).ok());
  std::vector<RefreshRecord> batch;
  for (int i = 0; i < 1000; ++i) batch.push_back(refresh(run, "t", "v" + std::to_string(i), 0));
  pointers.clear();
  for (auto& r : batch) pointers.push_back(&r);
  ASSERT_TRUE(store_->claim(pointers, &claimed).ok());
  ASSERT_EQ(claimed.size(), 1000u);
  for (int i = 0; i < 1000; ++i) {
    EXPECT_EQ(claimed[i], i % 7 != 0) << i;
    EXPECT_EQ(batch[i].id > 0, i % 7 != 0) << i;
  }
  for (auto& r : batch) {
    r.state = RefreshState::kSucceeded;
    r.error = "done " + r.version;
  }
  std::vector<const RefreshRecord*> updates;
  for (const auto& r : batch) {
    if (r.id > 0) updates.push_back(&r);
  }
  ASSERT_TRUE(store_->update(updates).ok());
  auto succeeded = store_->history({.state = RefreshState::kSucceeded, .limit = 2000});
  ASSERT_TRUE(succeeded.ok()) << succeeded.error();
  EXPECT_EQ(succeeded->size(), updates.size());
  for (const auto& r : *succeeded) EXPECT_EQ(r.error, "done " + r.version);
}

TEST_P(Store, HistoryFiltersAndOrdersNewestFirst) {
  // last_states() reports applied targets only, as `list` shows them.
  ASSERT_TRUE(store_->apply({{sample("odd"), "x"}, {sample("even"), "x"}}, at(1)).ok());
  auto run = *store_->begin_run({0, at(1000), "host", 1});
  std::vector<RefreshRecord> records;
  for (int i = 0; i < 6; ++i) {
    records.push_back(RefreshRecord{.run_id = run,
                                    .target = i % 2 ? "odd" : "even",
                                    .revision = 1,
                                    .version = "v" + std::to_string(i % 3),
                                    .slot = at(60000 * i),
                                    .started_at = at(1000 * i)});
  }
  std::vector<RefreshRecord*> pointers;
  for (auto& r : records) pointers.push_back(&r);
  std::vector<bool> claimed;
  ASSERT_TRUE(store_->claim(pointers, &claimed).ok());
  records[5].state = RefreshState::kFailed;
  records[5].error = "boom";
  ASSERT_TRUE(store_->update({&records[5]}).ok());

  auto all = *store_->history({});
  ASSERT_EQ(all.size(), 6u);
  EXPECT_EQ(all[0].started_at, at(5000));
  EXPECT_EQ(all[0].error, "boom");
  EXPECT_EQ(all[0].host, "host");
  EXPECT_EQ(store_->history({.targets = {"odd"}})->size(), 3u);
  EXPECT_EQ(store_->history({.version = "v0"})->size(), 2u);
  EXPECT_EQ(store_->history({.state = RefreshState::kFailed})->size(), 1u);
  EXPECT_EQ(store_->history({.since = at(4000)})->size(), 2u);
  EXPECT_EQ(store_->history({.targets = {"even"}, .since = at(1000), .limit = 1})->size(), 1u);
  EXPECT_EQ(store_->last_states()->at("odd"), RefreshState::kFailed);
  EXPECT_EQ(store_->open_refreshes()->size(), 5u);
  EXPECT_EQ(store_->open_refreshes("odd")->size(), 2u);
  EXPECT_EQ(store_->slot_refreshes("even", at(0))->size(), 1u);
}

// A run reads its locked targets together: more than one statement's worth
// (500) of targets, some with no record, pairs whose target and slot both
// occur but not together, states open and finished.
TEST_P(Store, ManyTargetsReadTogetherAsEachAlone) {
  auto run = *store_->begin_run({0, at(1000), "host", 1});
  std::vector<RefreshRecord> records;
  for (int i = 0; i < 1200; ++i) {
    std::string target = "t" + std::to_string(i % 700);
    records.push_back(refresh(run, target, "v" + std::to_string(i % 3), 60000 * (i % 4)));
  }
  std::vector<RefreshRecord*> pointers;
  for (auto& r : records) pointers.push_back(&r);
  std::vector<bool> claimed;
  ASSERT_TRUE(store_->claim(pointers, &claimed).ok());
  std::vector<const RefreshRecord*> finished;
  for (size_t i = 0; i < records.size(); i += 3) {
    records[i].state = RefreshState::kSucceeded;
    finished.push_back(&records[i]);
  }
  ASSERT_TRUE(store_->update(finished).ok());

  std::vector<std::string> names;
  std::vector<std::pair<std::string, TimePoint>> slots;
  for (int i = 0; i < 800; ++i) {  // t700..t799 have no record
    names.push_back("t" + std::to_string(i));
    slots.emplace_back(names.back(), at(60000 * ((i * 7) % 5)));
  }
  auto together = store_->open_refreshes_of(names);
  ASSERT_TRUE(together.ok()) << together.error();
  std::vector<int64_t> expected, got;
  for (const auto& name : names) {
    auto open = store_->open_refreshes(name);
    for (const auto& r : *open) expected.push_back(r.id);
  }
  std::sort(expected.begin(), expected.end());
  for (const auto& r : *together) got.push_back(r.id);
  EXPECT_EQ(got, expected);  // oldest first, as open_refreshes()
  EXPECT_EQ(got.size(), 800u);

  auto of_slots = store_->refreshes_of_slots(slots);
  ASSERT_TRUE(of_slots.ok()) << of_slots.error();
  std::vector<std::pair<int64_t, std::string>> alone, read;
  for (const auto& [target, slot] : slots) {
    auto of_slot = store_->slot_refreshes(target, slot);
    for (const auto& r : *of_slot) alone.emplace_back(r.id, to_string(r.state));
  }
  for (const auto& r : *of_slots) read.emplace_back(r.id, to_string(r.state));
  std::sort(alone.begin(), alone.end());
  std::sort(read.begin(), read.end());
  EXPECT_EQ(read, alone);
  EXPECT_GT(read.size(), 100u);
  EXPECT_LT(read.size(), records.size());
}

TEST_P(Store, TargetIdsAreStableAcrossRemoveAndReapply) {
  ASSERT_TRUE(store_->apply({{sample("b-cube"), "x"}, {sample("a-cube"), "x"}}, at(1)).ok());
  int64_t a = (*store_->target("a-cube"))->id;
  int64_t b = (*store_->target("b-cube"))->id;
  EXPECT_NE(a, b);
  ASSERT_TRUE(*store_->remove("a-cube", at(2), {}));
  ASSERT_TRUE(store_->apply({{sample("c-cube"), "x"}}, at(3)).ok());
  ASSERT_TRUE(store_->apply({{sample("a-cube"), "again"}}, at(4)).ok());
  EXPECT_EQ((*store_->target("a-cube"))->id, a);
  EXPECT_EQ((*store_->target("b-cube"))->id, b);
  int64_t c = (*store_->target("c-cube"))->id;
  EXPECT_NE(c, a);
  EXPECT_NE(c, b);
}

TEST_P(Store, ALockedTargetIsBusyForAnotherStoreWhileOthersAreFree) {
  auto run = *store_->begin_run({0, at(1000), "host-a", 4242});
  auto held = store_->try_lock_targets(run, {1, 2}, at(1000));
  ASSERT_TRUE(held.ok()) << held.error();
  EXPECT_EQ(*held, (std::vector<bool>{true, true}));
  EXPECT_EQ(*store_->try_lock_targets(run, {1}, at(1000)), std::vector<bool>{true})
      << "a lock this store holds is held";
  // A second store is another open file description (SQLite) or another
  // session (PostgreSQL): the locks conflict even inside one process.
  auto second = db_.open();
  auto other = second->try_lock_targets(99, {1, 2, 3}, at(2000));
  ASSERT_TRUE(other.ok()) << other.error();
  EXPECT_EQ(*other, (std::vector<bool>{false, false, true}));
  auto holders = second->lock_holders({1});
  ASSERT_TRUE(holders.ok()) << holders.error();
  ASSERT_EQ(holders->count(1), 1u);
  EXPECT_EQ(holders->at(1).run_id, run);
  EXPECT_EQ(holders->at(1).pid, 4242);
  EXPECT_EQ(holders->at(1).host, "host-a");
  EXPECT_EQ(holders->at(1).since, at(1000));
  ASSERT_TRUE(store_->unlock_targets({1}).ok());
  EXPECT_EQ(*second->try_lock_targets(99, {1, 2}, at(3000)), (std::vector<bool>{true, false}));
}

// No time-based lease: a stopped holder keeps its locks; its exit frees them.
TEST_P(Store, ALockDiesWithItsProcessAndOnlyThen) {
  int to_child[2], to_parent[2];
  ASSERT_EQ(pipe(to_child), 0);
  ASSERT_EQ(pipe(to_parent), 0);
  pid_t child = fork();
  if (child == 0) {
    auto store = open_store(db_.spec());
    bool ok = store.ok() && (*store)->try_lock_targets(1, {7}, at(1)).ok();
    (void)write(to_parent[1], ok ? "y" : "n", 1);
    char c;
    (void)read(to_child[0], &c, 1);
    _exit(0);  // no unlock: the kernel (or the server, for the session) releases it
  }
  char c = 0;
  ASSERT_EQ(read(to_parent[0], &c, 1), 1);
  ASSERT_EQ(c, 'y');
  kill(child, SIGSTOP);
  EXPECT_EQ(*store_->try_lock_targets(2, {7}, at(2)), std::vector<bool>{false});
  kill(child, SIGCONT);
  (void)write(to_child[1], "x", 1);
  int status = 0;
  waitpid(child, &status, 0);
  bool taken = false;
  for (int i = 0; i < 100 && !taken; ++i) {  // the server notices the closed socket at once
    taken = (*store_->try_lock_targets(2, {7}, at(3)))[0];
    if (!taken) usleep(20'000);
  }
  EXPECT_TRUE(taken);
}

INSTANTIATE_TEST_SUITE_P(Backends,
                         Store,
                         ::testing::Values(Backend::kSqlite, Backend::kPostgres),
                         [](const ::testing::TestParamInfo<Backend>& info) {
                           return backend_name(info.param);
                         });

}  // namespace
}  // namespace refreshctl::testing
