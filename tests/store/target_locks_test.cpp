// Per-target locks on the SQLite backend: OFD byte locks on <db>.lock, one
// byte per target id, with the holder recorded in the database.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>

#include "config/target_file.h"
#include "store/sqlite_store.h"
#include "support/targets.h"
#include "support/temp_dir.h"

namespace refreshctl::testing {
namespace {

TimePoint at(int64_t ms) { return TimePoint(std::chrono::milliseconds(ms)); }

Target named(const std::string& name) {
  auto parsed = parse_target_file(sample_target_toml(name), "sample.toml");
  EXPECT_TRUE(parsed.ok()) << parsed.error();
  return (*parsed)[0].target;
}

std::unique_ptr<Store> open_or_die(const std::string& path) {
  auto store = open_sqlite_store(path);
  EXPECT_TRUE(store.ok()) << store.error();
  return std::move(store).value();
}

TEST(TargetLocks, TargetIdsAreStableAcrossRemoveAndReapply) {
  TempDir dir;
  auto store = open_or_die(dir.file("r.db"));
  ASSERT_TRUE(store->apply({{named("b-cube"), "x"}, {named("a-cube"), "x"}}, at(1)).ok());
  int64_t a = (*store->target("a-cube"))->id;
  int64_t b = (*store->target("b-cube"))->id;
  EXPECT_NE(a, b);
  ASSERT_TRUE(*store->remove("a-cube", at(2), {}));
  ASSERT_TRUE(store->apply({{named("c-cube"), "x"}}, at(3)).ok());
  ASSERT_TRUE(store->apply({{named("a-cube"), "again"}}, at(4)).ok());
  EXPECT_EQ((*store->target("a-cube"))->id, a);
  EXPECT_EQ((*store->target("b-cube"))->id, b);
  int64_t c = (*store->target("c-cube"))->id;
  EXPECT_NE(c, a);
  EXPECT_NE(c, b);
}

TEST(TargetLocks, ALockedTargetIsBusyForAnotherStoreWhileOthersAreFree) {
  TempDir dir;
  auto first = open_or_die(dir.file("r.db"));
  auto run = *first->begin_run({0, at(1000), "host-a", 4242});
  auto held = first->try_lock_targets(run, {1, 2}, at(1000));
  ASSERT_TRUE(held.ok()) << held.error();
  EXPECT_EQ(*held, (std::vector<bool>{true, true}));
  // A second open of the database is another open file description: OFD
  // locks conflict with it even inside one process.
  auto second = open_or_die(dir.file("r.db"));
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
  ASSERT_TRUE(first->unlock_targets({1}).ok());
  EXPECT_EQ(*second->try_lock_targets(99, {1, 2}, at(3000)), (std::vector<bool>{true, false}));
}

TEST(TargetLocks, ALockDiesWithItsProcessAndOnlyThen) {
  TempDir dir;
  std::string path = dir.file("r.db");
  open_or_die(path);
  int to_child[2], to_parent[2];
  ASSERT_EQ(pipe(to_child), 0);
  ASSERT_EQ(pipe(to_parent), 0);
  pid_t child = fork();
  if (child == 0) {
    auto store = open_sqlite_store(path);
    bool ok = store.ok() && (*store)->try_lock_targets(1, {7}, at(1)).ok();
    (void)write(to_parent[1], ok ? "y" : "n", 1);
    char c;
    (void)read(to_child[0], &c, 1);
    _exit(0);  // no unlock: the kernel releases it
  }
  char c = 0;
  ASSERT_EQ(read(to_parent[0], &c, 1), 1);
  ASSERT_EQ(c, 'y');
  auto store = open_or_die(path);
  kill(child, SIGSTOP);  // a stopped process keeps its locks: no lease runs out
  EXPECT_EQ(*store->try_lock_targets(2, {7}, at(2)), std::vector<bool>{false});
  kill(child, SIGCONT);
  (void)write(to_child[1], "x", 1);
  int status = 0;
  waitpid(child, &status, 0);
  EXPECT_EQ(*store->try_lock_targets(2, {7}, at(3)), std::vector<bool>{true});
}

TEST(TargetLocks, TwoPathsToOneDatabaseShareOneLockSpace) {
  TempDir dir;
  std::filesystem::create_directory(dir.file("real"));
  std::filesystem::create_directory_symlink(dir.file("real"), dir.file("link"));
  auto direct = open_or_die(dir.file("real/r.db"));
  auto via_link = open_or_die(dir.file("link/r.db"));
  ASSERT_EQ(*direct->try_lock_targets(1, {5}, at(1)), std::vector<bool>{true});
  EXPECT_EQ(*via_link->try_lock_targets(2, {5}, at(2)), std::vector<bool>{false});
}

TEST(TargetLocks, ASymlinkAtTheLockPathIsRefusedAndWhatItPointsToIsUntouched) {
  TempDir dir;
  std::string victim = dir.write("precious.txt", "keep me\n");
  auto store = open_or_die(dir.file("r.db"));
  std::filesystem::create_symlink(victim, dir.file("r.db.lock"));
  auto held = store->try_lock_targets(1, {1}, at(1));
  ASSERT_FALSE(held.ok());
  EXPECT_NE(held.error().find("symbolic link"), std::string::npos) << held.error();
  EXPECT_EQ(read_file(victim), "keep me\n");
}

TEST(TargetLocks, ALockFileOfAnotherUserIsRefused) {
  if (geteuid() != 0) GTEST_SKIP() << "needs root to give the file to another user";
  TempDir dir;
  auto store = open_or_die(dir.file("r.db"));
  std::string lock = dir.write("r.db.lock", "");
  ASSERT_EQ(chown(lock.c_str(), 65534, 65534), 0);
  auto held = store->try_lock_targets(1, {1}, at(1));
  ASSERT_FALSE(held.ok());
  EXPECT_NE(held.error().find("belongs to uid 65534"), std::string::npos) << held.error();
}

TEST(TargetLocks, TheLockFileIsNeverTruncated) {
  TempDir dir;
  auto store = open_or_die(dir.file("r.db"));
  std::string lock = dir.write("r.db.lock", "left by someone\n");
  chmod(lock.c_str(), 0600);
  ASSERT_TRUE(store->try_lock_targets(1, {1, 2}, at(1)).ok());
  ASSERT_TRUE(store->unlock_targets({1, 2}).ok());
  EXPECT_EQ(read_file(lock), "left by someone\n");
}

// A refreshctl from before per-target locks took an exclusive flock on the
// file for its whole run (and wrote who it was into it).
TEST(TargetLocks, AnOlderRunsExclusiveLockMakesEveryTargetBusy) {
  TempDir dir;
  auto store = open_or_die(dir.file("r.db"));
  std::string lock = dir.write("r.db.lock", "pid 77 on old-host, started 2026-11-01T00:00:00Z\n");
  chmod(lock.c_str(), 0600);
  int fd = open(lock.c_str(), O_RDWR);
  ASSERT_EQ(flock(fd, LOCK_EX), 0);
  EXPECT_EQ(*store->try_lock_targets(1, {1, 2}, at(1)), (std::vector<bool>{false, false}));
  auto holders = store->lock_holders({1});
  EXPECT_NE(holders->at(1).legacy.find("pid 77 on old-host"), std::string::npos);
  close(fd);
  EXPECT_EQ(*store->try_lock_targets(1, {1, 2}, at(2)), (std::vector<bool>{true, true}));
}

TEST(TargetLocks, ReadOnlyOpeningNeverCreatesADatabase) {
  TempDir dir;
  auto store = open_sqlite_store(dir.file("missing/r.db"), {.mode = OpenMode::kReadOnly});
  ASSERT_FALSE(store.ok());
  EXPECT_NE(store.error().find(dir.file("missing/r.db")), std::string::npos) << store.error();
  EXPECT_FALSE(std::filesystem::exists(dir.file("missing")));
}

}  // namespace
}  // namespace refreshctl::testing
