// The Quick start's first command, scripts/demo.sh, as a new user runs it:
// it works end to end and leaves the default database alone (a crontab line
// installed later must not find the demo's targets).
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>

#include "support/process.h"
#include "support/temp_dir.h"

namespace refreshctl::testing {
namespace {

namespace fs = std::filesystem;

// What a path holds now: absent, or its files with their sizes and times.
std::string snapshot(const fs::path& path) {
  if (!fs::exists(path)) return "absent";
  std::string out;
  for (const auto& entry : fs::recursive_directory_iterator(path)) {
    struct stat st {};
    lstat(entry.path().c_str(), &st);
    out += entry.path().string() + " " + std::to_string(st.st_size) + " " +
           std::to_string(st.st_mtim.tv_sec) + "." + std::to_string(st.st_mtim.tv_nsec) + "\n";
  }
  return out;
}

TEST(Demo, RunsEndToEndOnItsOwnDatabaseAndLeavesTheDefaultOneAlone) {
  TempDir home;
  // Root's default database is the system one: it must be the same after.
  const fs::path system_state = "/var/lib/refreshctl";
  std::string system_before = snapshot(system_state);
  auto r =
      run_process({"/bin/bash", std::string(PROJECT_SOURCE_DIR) + "/scripts/demo.sh"},
                  {.env = {{"HOME", home.path().string()},
                           {"XDG_STATE_HOME", home.file("state")},
                           {"REFRESHCTL_DB", ""},
                           {"TMPDIR", home.path().string()},
                           {"DEMO_SKIP_BUILD", "1"},
                           {"DEMO_BUILD_DIR", fs::path(REFRESHCTL_BIN).parent_path().string()}},
                   .timeout = std::chrono::seconds(120)});
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_NE(r.out.find("demo database: " + home.path().string() + "/refreshctl-demo."),
            std::string::npos)
      << r.out;
  EXPECT_NE(r.out.find("succeeded"), std::string::npos) << "history shows the refreshes: " << r.out;
  EXPECT_EQ(r.out.find("failed"), std::string::npos) << r.out;
  // A user's default database (XDG_STATE_HOME, HOME) was not created...
  EXPECT_FALSE(fs::exists(home.file("state/refreshctl")));
  EXPECT_FALSE(fs::exists(home.file(".local/state/refreshctl")));
  // ...nor root's, and the demo cleaned up its own directory.
  EXPECT_EQ(snapshot(system_state), system_before);
  for (const auto& entry : fs::directory_iterator(home.path())) {
    ADD_FAILURE() << "left behind: " << entry.path();
  }
}

}  // namespace
}  // namespace refreshctl::testing
