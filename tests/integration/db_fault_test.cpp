// The database's faults in the middle of real runs (SQLite): a full disk, a
// file this user may only read, another process holding the write lock.
// A run keeps what it learns while the database cannot take writes, writes
// it once it can, and gives up (exit 3) only past its last deadline; the
// messages name the database. Nothing is triggered twice.
//
// A full disk is a small tmpfs mounted in a mount namespace of its own
// (unshare -m, as root: CI is; also in a chroot); the read-only case runs as
// the unprivileged user nobody, since root ignores file modes.
#include <fmt/format.h>
#include <sqlite3.h>
#include <sys/stat.h>

#include <chrono>
#include <filesystem>
#include <map>
#include <thread>

#include "integration/run_fixture.h"

namespace refreshctl::testing {
namespace {

using nlohmann::json;

class DbFault : public RunTest {
 protected:
  DbFault() : RunTest({"--duration", "1s"}) {}

  std::vector<TargetSpec> many_versions(int count) const {
    TargetSpec spec{.name = "cube",
                    .extra = "schedule = \"* * * * *\"",
                    .max_concurrency = count,
                    .poll_interval = "200ms",
                    .max_poll_interval = "500ms"};
    spec.versions.clear();
    for (int i = 0; i < count; ++i) spec.versions.push_back("v" + std::to_string(i));
    return {spec};
  }

  // Every version was triggered exactly once, and has one record, succeeded.
  void expect_exactly_once(const json& records, int count) const {
    std::map<std::string, int> states;
    for (const auto& r : records) ++states[r["state"].get<std::string>()];
    EXPECT_EQ(states["succeeded"], count) << json(states).dump();
    EXPECT_EQ(records.size(), static_cast<size_t>(count)) << json(states).dump();
    auto stats = service_json("/api/stats");
    for (int i = 0; i < count; ++i) {
      std::string key = "cube/v" + std::to_string(i);
      EXPECT_EQ(stats["triggers"].value(key, 0), 1) << key;
    }
  }

  // Refresh requests the service received, all versions together.
  int all_triggers() const {
    int sum = 0;
    json stats = service_json("/api/stats");
    for (const auto& count : stats["triggers"]) sum += count.get<int>();
    return sum;
  }

  static std::string slurp(const std::string& path) { return read_file(path); }
};

// Runs `script` (bash) in a mount namespace of its own where `mount` is a
// 2 MiB tmpfs; $B is refreshctl, $M the mount, $O the test's directory.
ProcessResult in_small_disk(const std::string& mount,
                            const std::string& out,
                            const std::string& script) {
  // unshare makes every mount private by remounting / so, which fails in a
  // chroot, where / is no mount point: there the tmpfs is also unmounted on
  // exit, in case the mount holding it shares its mounts.
  std::string all = fmt::format(
      "set -u\nB={}; M={}; O={}\nmount --make-rprivate / 2>/dev/null\n"
      "trap 'umount \"$M\" 2>/dev/null' EXIT\n"
      "mount -t tmpfs -o size=2m tmpfs \"$M\" || exit 90\n{}",
      REFRESHCTL_BIN, mount, out, script);
  return run_process(
      {"/usr/bin/unshare", "-m", "--propagation", "unchanged", "/bin/bash", "-c", all},
      {.timeout = std::chrono::seconds(150)});
}

// Fills the tmpfs to 256 KiB from full: the run claims and sends its
// triggers, then the writes of their answers fail.
constexpr const char* kFillTheDisk = R"(
avail=$(df -k --output=avail "$M" | tail -1)
head -c $(( (avail - 256) * 1024 )) /dev/zero > "$M/filler"
)";

TEST_P(DbFault, ADiskFullMidRunKeepsTheAnswersInMemoryAndWritesThemOnceThereIsSpace) {
  constexpr int kVersions = 300;
  std::string targets = dir_.write("targets.toml", target_toml(many_versions(kVersions)[0]));
  std::string mount = dir_.file("small");
  std::filesystem::create_directory(mount);
  // The run waits for the disk; space comes back (an operator deletes a
  // file) while it waits, and the run writes what it kept and ends.
  std::string script = fmt::format(R"(
"$B" --db "$M/r.db" apply -f {targets} > /dev/null || exit 91
{fill}
"$B" --db "$M/r.db" run --at {at} > "$O/run.out" 2> "$O/run.err" &
run=$!
for i in $(seq 300); do grep -q "cannot write" "$O/run.out" && break; sleep 0.1; done
rm "$M/filler"
wait $run; echo $? > "$O/run.rc"
"$B" --db "$M/r.db" --json history --limit 10000 > "$O/history.json"
)",
                                   fmt::arg("targets", targets), fmt::arg("fill", kFillTheDisk),
                                   fmt::arg("at", tomorrow_at(5)));
  auto r = in_small_disk(mount, dir_.path().string(), script);
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;

  std::string out = slurp(dir_.file("run.out"));
  EXPECT_EQ(slurp(dir_.file("run.rc")), "0\n") << out << slurp(dir_.file("run.err"));
  EXPECT_NE(out.find("cannot write to the database (" + mount + "/r.db: database or disk is full)"),
            std::string::npos)
      << out;
  EXPECT_NE(out.find("the database takes writes again after"), std::string::npos) << out;
  expect_exactly_once(json::parse(slurp(dir_.file("history.json"))), kVersions);
}

TEST_P(DbFault, ADiskThatStaysFullEndsTheRunWithExit3AndTheNextRunResumesWithoutRetriggering) {
  constexpr int kVersions = 300;
  TargetSpec spec = many_versions(kVersions)[0];
  spec.max_refresh_time = "3s";  // the run waits for the disk until its last deadline
  std::string targets = dir_.write("targets.toml", target_toml(spec));
  std::string mount = dir_.file("small");
  std::filesystem::create_directory(mount);
  std::string at = tomorrow_at(6);
  std::string script =
      fmt::format(R"(
"$B" --db "$M/r.db" apply -f {targets} > /dev/null || exit 91
{fill}
"$B" --db "$M/r.db" run --at {at} > "$O/run1.out" 2> "$O/run1.err"; echo $? > "$O/run1.rc"
rm "$M/filler"
"$B" --db "$M/r.db" run --at {at} > "$O/run2.out" 2> "$O/run2.err"; echo $? > "$O/run2.rc"
"$B" --db "$M/r.db" --json history --limit 10000 > "$O/history.json"
)",
                  fmt::arg("targets", targets), fmt::arg("fill", kFillTheDisk), fmt::arg("at", at));
  auto r = in_small_disk(mount, dir_.path().string(), script);
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;

  EXPECT_EQ(slurp(dir_.file("run1.rc")), "3\n") << slurp(dir_.file("run1.out"));
  std::string err = slurp(dir_.file("run1.err"));
  EXPECT_NE(err.find("past the run's last deadline: " + mount + "/r.db: database or disk is full"),
            std::string::npos)
      << err;
  EXPECT_GT(all_triggers(), 0) << "the disk filled up mid-run, after triggers were sent";
  // What run 1 could not write: its sent triggers are unknown to run 2 (the
  // service may have them), never sent again; the rest run 2 triggers.
  json records = json::parse(slurp(dir_.file("history.json")));
  EXPECT_EQ(records.size(), static_cast<size_t>(kVersions));
  json stats = service_json("/api/stats");
  for (const auto& rec : records) {
    std::string key = "cube/" + rec["version"].get<std::string>();
    EXPECT_EQ(stats["triggers"].value(key, 0), 1) << key << " " << rec.dump();
  }
}

TEST_P(DbFault, AReadOnlyDatabaseIsReadByHistoryAndListAndRefusedByRunWhichSendsNothing) {
  apply(many_versions(3));
  ASSERT_EQ(run({"--at", tomorrow_at(1)}).exit_code, 0);
  // The file and its directory belong to root; nobody may read, not write.
  std::filesystem::permissions(std::filesystem::path(db_).parent_path(),
                               std::filesystem::perms(0755));
  chmod(db_.c_str(), 0644);
  auto as_nobody = [&](std::vector<std::string> args) {
    std::vector<std::string> argv{"/usr/bin/setpriv",
                                  "--reuid=nobody",
                                  "--regid=nogroup",
                                  "--clear-groups",
                                  REFRESHCTL_BIN,
                                  "--db",
                                  db_};
    argv.insert(argv.end(), args.begin(), args.end());
    return run_process(argv);
  };
  int before = all_triggers();

  auto history = as_nobody({"--json", "history"});
  EXPECT_EQ(history.exit_code, 0) << history.err;
  EXPECT_EQ(json::parse(history.out).size(), 3u) << history.out;
  auto list = as_nobody({"list"});
  EXPECT_EQ(list.exit_code, 0) << list.err;
  EXPECT_NE(list.out.find("cube"), std::string::npos) << list.out;

  auto refused = as_nobody({"run", "--at", tomorrow_at(2)});
  EXPECT_EQ(refused.exit_code, 3) << refused.out << refused.err;
  EXPECT_NE(refused.err.find(db_), std::string::npos) << refused.err;
  EXPECT_NE(refused.err.find("is read-only for this user"), std::string::npos) << refused.err;
  EXPECT_EQ(all_triggers(), before) << "nothing was sent";
}

TEST_P(DbFault, ADatabaseLockedByAnotherProcessPastTheBusyTimeoutHoldsTheRunUntilItIsFree) {
  constexpr int kVersions = 50;
  TargetSpec spec = many_versions(kVersions)[0];
  spec.max_refresh_time = "2m";
  apply({spec});
  auto victim = start_run({"--at", tomorrow_at(3)});
  wait_for_state("polling", kVersions);
  // Another process takes the write lock and keeps it past the run's busy
  // timeout (30 s): the run cannot record the answers of its polls, keeps
  // them, and writes them once the lock is free.
  sqlite3* other = nullptr;
  ASSERT_EQ(sqlite3_open(db_.c_str(), &other), SQLITE_OK);
  ASSERT_EQ(sqlite3_exec(other, "BEGIN EXCLUSIVE", nullptr, nullptr, nullptr), SQLITE_OK);
  std::this_thread::sleep_for(std::chrono::seconds(33));
  sqlite3_exec(other, "ROLLBACK", nullptr, nullptr, nullptr);
  sqlite3_close(other);
  auto r = victim->wait();
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_NE(r.out.find("cannot write to the database (" + db_ + ": database is locked)"),
            std::string::npos)
      << r.out;
  expect_exactly_once(history(), kVersions);
}

// Faults of the SQLite file; PostgreSQL's lost connections are tested in
// pg_restart_test.cpp.
REFRESHCTL_ON_SQLITE(DbFault);

}  // namespace
}  // namespace refreshctl::testing
