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
