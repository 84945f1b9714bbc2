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

TEST(SqliteStore, MigratesFromEveryEarlierSchemaVersionKeepingTargets) {
  int latest = migrations().back().version;
  // Every version a database can be at: 0 (new) and each migration's (the
  // numbers may have gaps).
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
    if (from >= 1) {
      // Written as that schema version had it, not through today's code.
      sqlite3* db = nullptr;
      ASSERT_EQ(sqlite3_open(path.c_str(), &db), SQLITE_OK);
      sqlite3_stmt* stmt = nullptr;
      sqlite3_prepare_v2(db,
                         "INSERT INTO target_revisions (target, revision, definition, source, "
                         "created_at) VALUES ('sales-cube', 1, ?, 'old', 1000)",
                         -1, &stmt, nullptr);
      std::string definition = to_toml(sample());
      sqlite3_bind_text(stmt, 1, definition.c_str(), -1, SQLITE_TRANSIENT);
      EXPECT_EQ(sqlite3_step(stmt), SQLITE_DONE);
      sqlite3_finalize(stmt);
      // From schema version 3 on, every target has its id.
      const char* insert =
          from >= 3 ? "INSERT INTO targets (name, revision, id) VALUES ('sales-cube', 1, 1)"
                    : "INSERT INTO targets (name, revision) VALUES ('sales-cube', 1)";
      EXPECT_EQ(sqlite3_exec(db, insert, nullptr, nullptr, nullptr), SQLITE_OK);
      sqlite3_close(db);
    }
    auto store = open_sqlite_store(path);
    ASSERT_TRUE(store.ok()) << "from " << from << ": " << store.error();
    EXPECT_EQ(*sqlite_schema_version(path), latest) << "from " << from;
    if (from >= 1) {
      auto t = (*store)->target("sales-cube");
      ASSERT_TRUE(t.ok() && *t) << "from " << from;
      EXPECT_EQ((*t)->revision, 1);
      EXPECT_EQ((*t)->id, 1) << "a target from before per-target locks gets an id";
    }
  }
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

}  // namespace
}  // namespace refreshctl::testing
