// target_last (schema 10): the newest refresh of each target, kept by
// triggers so that `list` does not probe the history once per target. On
// both backends, through random inserts (claims), state changes and prunes,
// Store::last_states() always equals what the history itself says.
#include <fmt/format.h>
#include <gtest/gtest.h>
#include <sqlite3.h>

#include <chrono>
#include <map>
#include <random>
#include <set>

#include "config/target_file.h"
#include "store/migrations.h"
#include "store/sqlite_store.h"
#include "support/targets.h"
#include "support/temp_dir.h"
#include "support/test_db.h"

namespace refreshctl::testing {
namespace {

using std::chrono::minutes;

const TimePoint kStart = *parse_rfc3339("2026-06-01T00:00:00Z");

// The newest refresh's state of each target straight from the history, as
// `history` orders it: "name=state" (or "name=" without history).
constexpr const char* kFromHistory =
    "SELECT t.name || '=' || COALESCE((SELECT f.state FROM refreshes f WHERE f.target = t.name "
    "ORDER BY f.started_at DESC, f.id DESC LIMIT 1), '') FROM targets t ORDER BY t.name";

std::map<std::string, std::string> from_history(const TestDb& db) {
  std::map<std::string, std::string> out;
  for (const auto& row : db.query(kFromHistory)) {
    size_t eq = row.find('=');
    if (eq + 1 < row.size()) out[row.substr(0, eq)] = row.substr(eq + 1);
  }
  return out;
}

std::map<std::string, std::string> from_store(Store& store) {
  auto states = store.last_states();
  EXPECT_TRUE(states.ok()) << states.error();
  std::map<std::string, std::string> out;
  if (!states.ok()) return out;
  for (const auto& [name, state] : *states) out[name] = std::string(to_string(state));
  return out;
}

class TargetLast : public ::testing::TestWithParam<Backend> {
 protected:
  TestDb db_{GetParam()};
  std::unique_ptr<Store> store_ = db_.open();
};

TEST_P(TargetLast, EqualsTheNewestRefreshThroughClaimsStateChangesAndPrunes) {
  std::mt19937 rng(20261207);
  auto pick = [&](int lo, int hi) { return std::uniform_int_distribution<int>(lo, hi)(rng); };
  const std::vector<std::string> names{"a", "b", "c", "d"};
  std::vector<TargetChange> changes;
  for (const auto& name : names) {
    auto parsed = parse_target_file(sample_target_toml(name), "t.toml");
    ASSERT_TRUE(parsed.ok()) << parsed.error();
    changes.push_back({(*parsed)[0].target, "test", {}});
  }
  ASSERT_TRUE(store_->apply(changes, kStart).ok());
  int64_t run = *store_->begin_run({0, kStart, "host", 1});
  const RefreshState states[] = {RefreshState::kTriggering, RefreshState::kPolling,
                                 RefreshState::kSucceeded,  RefreshState::kFailed,
                                 RefreshState::kTimedOut,   RefreshState::kUnknown};
  std::vector<RefreshRecord> written;
  int newest_pruned = 0;        // prunes that took a target's newest refresh
  int ties = 0;                 // claims started at the same time as the newest
  int same_target_batches = 0;  // claims of one target in one batch
  for (int step = 0; step < 400; ++step) {
    int op = pick(0, 9);
    if (op < 5 || written.empty()) {
      // Refreshes started at random times, one to five in one claim (one
      // statement on PostgreSQL), now and then several of one target: often
      // older than the newest, now and then at the same millisecond (the id
      // decides).
      std::vector<RefreshRecord> batch;
      for (int k = pick(1, 5); k > 0; --k) {
        RefreshRecord r{.run_id = run,
                        .target = names[pick(0, 3)],
                        .revision = 1,
                        .version = fmt::format("v{}", pick(0, 2)),
                        .slot = kStart + minutes(step * 10 + k),
                        .attempt = 0,
                        .started_at = kStart + minutes(pick(0, 60))};
        for (const auto& w : written) {
          if (w.target == r.target && w.started_at == r.started_at) ++ties;
        }
        for (const auto& b : batch) {
          if (b.target == r.target) ++same_target_batches;
        }
        batch.push_back(r);
      }
      std::vector<RefreshRecord*> records;
      for (auto& r : batch) records.push_back(&r);
      std::vector<bool> claimed;
      ASSERT_TRUE(store_->claim(records, &claimed).ok());
      for (size_t i = 0; i < batch.size(); ++i) {
        ASSERT_TRUE(claimed[i]);
        ASSERT_NE(batch[i].id, 0);
        written.push_back(batch[i]);
      }
    } else if (op < 9) {
      // One to four state changes in one write.
      std::vector<const RefreshRecord*> changed;
      for (int k = pick(1, 4); k > 0; --k) {
        RefreshRecord& r = written[pick(0, static_cast<int>(written.size()) - 1)];
        r.state = states[pick(0, 5)];
        if (std::find(changed.begin(), changed.end(), &r) == changed.end()) changed.push_back(&r);
      }
      ASSERT_TRUE(store_->update(changed).ok());
    } else {
      // Ends every open one first: prune takes only ended refreshes.
      for (auto& r : written) {
        if (r.state == RefreshState::kPending || r.state == RefreshState::kTriggering ||
            r.state == RefreshState::kPolling) {
          r.state = RefreshState::kSucceeded;
          ASSERT_TRUE(store_->update({&r}).ok());
        }
      }
      auto before = from_store(*store_);
      std::string target = names[pick(0, 3)];
      // Half the prunes take all but the newest slot of each version.
      Millis older = minutes(pick(0, 1) == 0 ? 61 : pick(0, 61));
      auto pruned = store_->prune({target, kStart + older, std::nullopt}, 1000);
      ASSERT_TRUE(pruned.ok()) << pruned.error();
      auto after = from_history(db_);
      if (before[target] != after[target] || !after.count(target)) ++newest_pruned;
      auto left = db_.query("SELECT id FROM refreshes");
      std::set<std::string> ids(left.begin(), left.end());
      std::erase_if(written,
                    [&](const RefreshRecord& r) { return !ids.count(std::to_string(r.id)); });
    }
    ASSERT_EQ(from_store(*store_), from_history(db_)) << "after step " << step;
  }
  // The walk must have reached the cases the triggers exist for.
  EXPECT_GT(ties, 0);
  EXPECT_GT(same_target_batches, 0);
  EXPECT_GT(newest_pruned, 0);
}

INSTANTIATE_TEST_SUITE_P(Backends,
                         TargetLast,
                         ::testing::Values(Backend::kSqlite, Backend::kPostgres),
                         [](const ::testing::TestParamInfo<Backend>& info) {
                           return backend_name(info.param);
                         });

// A database with history from before schema 10 gets each target's newest
// refresh when it is opened, not only after its next run.
TEST(TargetLastMigration, ADatabaseWithHistoryFromSchemaNineListsItsLastStates) {
  TempDir dir;
  std::string path = dir.file("refreshctl.db");
  {
    auto old = open_sqlite_store(path, {.busy_timeout_ms = 1000, .schema_version = 9});
    ASSERT_TRUE(old.ok()) << old.error();
    auto parsed = parse_target_file(sample_target_toml("sales-cube"), "t.toml");
    ASSERT_TRUE(parsed.ok());
    ASSERT_TRUE((*old)->apply({{(*parsed)[0].target, "test", {}}}, kStart).ok());
  }
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(path.c_str(), &db), SQLITE_OK);
  const char* history =
      "INSERT INTO runs (id, started_at, host, pid) VALUES (1, 0, 'h', 1);"
      "INSERT INTO refreshes (run_id, target, revision, version, slot, attempt, state, "
      "started_at) VALUES (1, 'sales-cube', 1, 'v1', 1, 0, 'failed', 2000),"
      "(1, 'sales-cube', 1, 'v2', 2, 0, 'succeeded', 1000),"
      "(1, 'sales-cube', 1, 'v3', 3, 0, 'timed_out', 2000);";
  ASSERT_EQ(sqlite3_exec(db, history, nullptr, nullptr, nullptr), SQLITE_OK);
  sqlite3_close(db);
  auto store = open_sqlite_store(path);
  ASSERT_TRUE(store.ok()) << store.error();
  EXPECT_EQ(*sqlite_schema_version(path), migrations().back().version);
  auto states = (*store)->last_states();
  ASSERT_TRUE(states.ok()) << states.error();
  // Two started at 2000: the later id is the newest.
  EXPECT_EQ(*states,
            (std::map<std::string, RefreshState>{{"sales-cube", RefreshState::kTimedOut}}));
}

}  // namespace
}  // namespace refreshctl::testing
