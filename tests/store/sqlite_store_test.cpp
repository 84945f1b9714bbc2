// The SQLite store against real files.
#include "store/sqlite_store.h"

#include <gtest/gtest.h>
#include <sqlite3.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <thread>

#include "config/target_file.h"
#include "store/migrations.h"
#include "support/targets.h"
#include "support/temp_dir.h"

namespace refreshctl::testing {
namespace {

using std::chrono::milliseconds;

Target sample(const std::string& name = "sales-cube") {
  auto parsed = parse_target_file(sample_target_toml(name), "sample.toml");
  EXPECT_TRUE(parsed.ok()) << parsed.error();
  return (*parsed)[0].target;
}

TimePoint at(int64_t ms) { return TimePoint(milliseconds(ms)); }

int mode_of(const std::string& path) {
  struct stat st {};
  stat(path.c_str(), &st);
  return st.st_mode & 0777;
}

TEST(SqliteStore, NewFileIsCreatedPrivateAndMigratedToTheLatestSchema) {
  TempDir dir;
  std::string path = dir.file("state/sub/refreshctl.db");
  auto store = open_sqlite_store(path);
  ASSERT_TRUE(store.ok()) << store.error();
  EXPECT_EQ(mode_of(path), 0600);
  EXPECT_EQ(mode_of(dir.file("state/sub")), 0700);
  EXPECT_EQ(*sqlite_schema_version(path), migrations().back().version);
}

TEST(SqliteStore, WalAndLockFilesArePrivateToo) {
  TempDir dir;
  std::string path = dir.file("refreshctl.db");
  auto store = open_sqlite_store(path);
  ASSERT_TRUE(store.ok());
  ASSERT_TRUE((*store)->apply({{sample(), "test"}}, at(1000)).ok());
  auto locked = (*store)->try_lock_targets(1, {1}, at(1000));
  ASSERT_TRUE(locked.ok()) << locked.error();
  EXPECT_EQ(mode_of(path + "-wal"), 0600);
  EXPECT_EQ(mode_of(path + ".lock"), 0600);
}

// A target as the first schema stores it: columns later versions add keep
// their defaults, as in a database written by an older refreshctl.
void insert_first_schema_target(const std::string& path) {
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(path.c_str(), &db), SQLITE_OK);
  ASSERT_EQ(sqlite3_exec(db, "INSERT INTO targets (name, revision) VALUES ('sales-cube', 1)",
                         nullptr, nullptr, nullptr),
            SQLITE_OK);
  sqlite3_stmt* stmt = nullptr;
  ASSERT_EQ(sqlite3_prepare_v2(db,
                               "INSERT INTO target_revisions "
                               "(target, revision, definition, source, created_at) "
                               "VALUES ('sales-cube', 1, ?, 'old', 1000)",
                               -1, &stmt, nullptr),
            SQLITE_OK);
  std::string definition = to_toml(sample());
  sqlite3_bind_text(stmt, 1, definition.c_str(), -1, SQLITE_TRANSIENT);
  EXPECT_EQ(sqlite3_step(stmt), SQLITE_DONE);
  sqlite3_finalize(stmt);
  sqlite3_close(db);
}

TEST(SqliteStore, MigratesFromEveryEarlierSchemaVersionKeepingTargets) {
  int latest = migrations().back().version;
  std::vector<int> earlier{0};
  for (const auto& m : migrations()) {
    if (m.version < latest) earlier.push_back(m.version);
  }
  for (int from : earlier) {
    TempDir dir;
    std::string path = dir.file("refreshctl.db");
    {
      auto old = open_sqlite_store(path, {.busy_timeout_ms = 1000, .schema_version = from});
      ASSERT_TRUE(old.ok()) << old.error();
      ASSERT_EQ(*sqlite_schema_version(path), from);
    }
    if (from >= 1) insert_first_schema_target(path);
    auto store = open_sqlite_store(path);
    ASSERT_TRUE(store.ok()) << "from " << from << ": " << store.error();
    EXPECT_EQ(*sqlite_schema_version(path), latest) << "from " << from;
    if (from >= 1) {
      auto t = (*store)->target("sales-cube");
      ASSERT_TRUE(t.ok() && *t) << "from " << from;
      EXPECT_EQ((*t)->revision, 1);
      if (from < 3) EXPECT_EQ((*t)->id, 1) << "a target from before per-target locks gets an id";
      EXPECT_EQ((*store)->revisions("sales-cube")->at(0).author.user, "") << "from " << from;
    }
  }
}

TEST(SqliteStore, RefusesADatabaseFromANewerRefreshctl) {
  TempDir dir;
  std::string path = dir.file("refreshctl.db");
  ASSERT_TRUE(open_sqlite_store(path).ok());
  sqlite3* db = nullptr;
  sqlite3_open(path.c_str(), &db);
  sqlite3_exec(db, "INSERT INTO schema_version VALUES (999)", nullptr, nullptr, nullptr);
  sqlite3_close(db);
  auto store = open_sqlite_store(path);
  ASSERT_FALSE(store.ok());
  EXPECT_NE(store.error().find("newer than this refreshctl"), std::string::npos);
}

// One process holds a write transaction for a while; a second process's write
// waits for it (busy timeout) and then succeeds.
TEST(SqliteStore, ASecondProcessWritingAtTheSameTimeWaitsAndSucceeds) {
  TempDir dir;
  std::string path = dir.file("refreshctl.db");
  ASSERT_TRUE(open_sqlite_store(path).ok());
  int ready[2];
  ASSERT_EQ(pipe(ready), 0);
  pid_t child = fork();
  if (child == 0) {
    sqlite3* db = nullptr;
    sqlite3_open(path.c_str(), &db);
    sqlite3_exec(db, "BEGIN IMMEDIATE; INSERT INTO runs (started_at, host, pid) VALUES (1, 'x', 1)",
                 nullptr, nullptr, nullptr);
    (void)write(ready[1], "x", 1);
    std::this_thread::sleep_for(milliseconds(1500));
    int rc = sqlite3_exec(db, "COMMIT", nullptr, nullptr, nullptr);
    sqlite3_close(db);
    _exit(rc == SQLITE_OK ? 0 : 1);
  }
  char c;
  ASSERT_EQ(read(ready[0], &c, 1), 1);
  // Opening migrates in a write transaction, so it waits already.
  auto start = std::chrono::steady_clock::now();
  auto store = open_sqlite_store(path);
  ASSERT_TRUE(store.ok()) << store.error();
  auto applied = (*store)->apply({{sample(), "while busy"}}, at(2000));
  auto waited = std::chrono::steady_clock::now() - start;
  int status = 0;
  waitpid(child, &status, 0);
  ASSERT_TRUE(applied.ok()) << applied.error();
  EXPECT_GE(waited, milliseconds(1000));
  EXPECT_EQ(WEXITSTATUS(status), 0);
  auto t = (*store)->target("sales-cube");
  ASSERT_TRUE(t.ok() && *t);
}

TEST(SqliteStore, ApplyingTheSameTargetTwiceMakesOneRevision) {
  TempDir dir;
  auto store = std::move(open_sqlite_store(dir.file("r.db"))).value();
  auto first = store->apply({{sample(), "a"}}, at(1000));
  auto second = store->apply({{sample(), "b"}}, at(2000));
  ASSERT_TRUE(first.ok() && second.ok());
  EXPECT_EQ((*first)[0].action, ApplyAction::kCreated);
  EXPECT_EQ((*second)[0].action, ApplyAction::kUnchanged);
  EXPECT_EQ((*second)[0].revision, 1);
  EXPECT_EQ(store->revisions("sales-cube")->size(), 1u);
}

TEST(SqliteStore, RemovedTargetKeepsItsRevisionsAndComesBackAsANewRevision) {
  TempDir dir;
  auto store = std::move(open_sqlite_store(dir.file("r.db"))).value();
  ASSERT_TRUE(store->apply({{sample(), "a"}}, at(1000)).ok());
  EXPECT_TRUE(*store->remove("sales-cube", at(2000), {}));
  EXPECT_FALSE(*store->remove("sales-cube", at(2000), {}));
  EXPECT_FALSE(*store->target("sales-cube"));
  EXPECT_TRUE(store->targets()->empty());
  EXPECT_EQ(store->revisions("sales-cube")->size(), 1u);
  auto back = store->apply({{sample(), "again"}}, at(3000));
  EXPECT_EQ((*back)[0].action, ApplyAction::kCreated);
  EXPECT_EQ((*back)[0].revision, 2);
}

TEST(SqliteStore, RevisionsAndRemovalsRecordWhoMadeThemAndWhere) {
  TempDir dir;
  auto store = std::move(open_sqlite_store(dir.file("r.db"))).value();
  ChangeAuthor alice{"alice", "ops-1"};
  ASSERT_TRUE(store->apply({{sample(), "apply t.toml:1", alice}}, at(1000)).ok());
  ASSERT_TRUE(*store->remove("sales-cube", at(2000), ChangeAuthor{"bob", "ops-2"}));
  ASSERT_TRUE(store->apply({{sample(), "rollback to 1", alice}}, at(3000)).ok());
  ASSERT_TRUE(*store->remove("sales-cube", at(4000), ChangeAuthor{"carol", "ops-3"}));

  auto revisions = *store->revisions("sales-cube");
  ASSERT_EQ(revisions.size(), 2u);
  EXPECT_EQ(revisions[0].author.user, "alice");
  EXPECT_EQ(revisions[0].author.host, "ops-1");
  EXPECT_EQ(revisions[1].source, "rollback to 1");
  auto removals = *store->removals("sales-cube");
  ASSERT_EQ(removals.size(), 2u);
  EXPECT_EQ(removals[0].revision, 1);
  EXPECT_EQ(removals[0].removed_at, at(2000));
  EXPECT_EQ(removals[0].author.user, "bob");
  EXPECT_EQ(removals[1].revision, 2);
  EXPECT_EQ(removals[1].author.host, "ops-3");
  EXPECT_TRUE(store->removals("never-there")->empty());
}

TEST(SqliteStore, ClaimingTheSameSlotTwiceClaimsItOnce) {
  TempDir dir;
  auto store = std::move(open_sqlite_store(dir.file("r.db"))).value();
  auto run = store->begin_run({0, at(1000), "host", 1});
  ASSERT_TRUE(run.ok());
  RefreshRecord a{.run_id = *run,
                  .target = "t",
                  .revision = 1,
                  .version = "v1",
                  .slot = at(60000),
                  .started_at = at(1000)};
  RefreshRecord b = a;
  std::vector<RefreshRecord*> first{&a};
  std::vector<RefreshRecord*> second{&b};
  std::vector<bool> claimed;
  ASSERT_TRUE(store->claim(first, &claimed).ok());
  EXPECT_TRUE(claimed[0]);
  EXPECT_GT(a.id, 0);
  ASSERT_TRUE(store->claim(second, &claimed).ok());
  EXPECT_FALSE(claimed[0]);
  b.attempt = 1;
  ASSERT_TRUE(store->claim(second, &claimed).ok());
  EXPECT_TRUE(claimed[0]) << "a retry is a new attempt of the same slot";
}

TEST(SqliteStore, HistoryFiltersAndOrdersNewestFirst) {
  TempDir dir;
  auto store = std::move(open_sqlite_store(dir.file("r.db"))).value();
  auto run = *store->begin_run({0, at(1000), "host", 1});
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
  ASSERT_TRUE(store->claim(pointers, &claimed).ok());
  records[5].state = RefreshState::kFailed;
  records[5].error = "boom";
  ASSERT_TRUE(store->update({&records[5]}).ok());

  auto all = *store->history({});
  ASSERT_EQ(all.size(), 6u);
  EXPECT_EQ(all[0].started_at, at(5000));
  EXPECT_EQ(all[0].error, "boom");
  EXPECT_EQ(store->history({.targets = {"odd"}})->size(), 3u);
  EXPECT_EQ(store->history({.version = "v0"})->size(), 2u);
  EXPECT_EQ(store->history({.state = RefreshState::kFailed})->size(), 1u);
  EXPECT_EQ(store->history({.since = at(4000)})->size(), 2u);
  EXPECT_EQ(store->history({.targets = {"even"}, .since = at(1000), .limit = 1})->size(), 1u);
  EXPECT_EQ(store->last_states()->at("odd"), RefreshState::kFailed);
  EXPECT_EQ(store->open_refreshes()->size(), 5u);
}

}  // namespace
}  // namespace refreshctl::testing
