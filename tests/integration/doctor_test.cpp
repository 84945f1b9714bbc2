// refreshctl doctor on real databases: a good setup is all ok (exit 0); an
// unwritable database directory (as an unprivileged user, since root ignores
// file modes), a missing ${env:} variable and a status host that does not
// resolve (in a network namespace of its own: no query leaves the machine)
// are each named, with what to fix.
#include <gtest/gtest.h>
#include <pwd.h>
#include <unistd.h>

#include <filesystem>

#include "integration/run_fixture.h"

namespace refreshctl::testing {
namespace {

namespace fs = std::filesystem;

class DoctorTest : public RunTest {
 protected:
  ProcessResult doctor(RunOptions options = {}) const { return refreshctl_db({"doctor"}, options); }
};

TEST_P(DoctorTest, AGoodSetupIsAllOkAndExitsZero) {
  apply({{.name = "cube", .versions = {"good"}}, {.name = "cube2"}});
  ASSERT_EQ(run().exit_code, 0);
  auto r = doctor();
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  for (const char* check :
       {"ok       database: ", "ok       database writes: ", "ok       clock: ",
        "ok       target cube: ", "ok       target cube2: ", "ok       host 127.0.0.1: "}) {
    EXPECT_NE(r.out.find(check), std::string::npos) << check << "\n" << r.out;
  }
  EXPECT_EQ(r.out.find("problem"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("\nall is well\n"), std::string::npos) << r.out;
  auto quiet = refreshctl_db({"-q", "doctor"});
  EXPECT_EQ(quiet.exit_code, 0);
  EXPECT_EQ(quiet.out, "");
}

TEST_P(DoctorTest, AMissingEnvVariableIsNamedWithoutPrintingAnyResolvedValue) {
  apply({{.name = "cube",
          .extra_refresh = "headers = { Authorization = \"Bearer ${env:DOCTOR_SET_TOKEN}\", "
                           "X-Other = \"${env:DOCTOR_UNSET_TOKEN}\" }"}});
  RunOptions env{.env = {{"DOCTOR_SET_TOKEN", "s3cr3t-doctor-value"}}};
  unsetenv("DOCTOR_UNSET_TOKEN");
  auto r = doctor(env);
  EXPECT_EQ(r.exit_code, 2) << r.out << r.err;
  EXPECT_NE(r.out.find("problem  target cube: refresh.headers: X-Other: ${env:DOCTOR_UNSET_TOKEN} "
                       "is not set"),
            std::string::npos)
      << r.out;
  EXPECT_EQ((r.out + r.err).find("s3cr3t-doctor-value"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("1 problem found"), std::string::npos) << r.out;
}

TEST_P(DoctorTest, AStatusHostThatDoesNotResolveIsNamed) {
  apply({{.name = "cube", .status_url = "http://status.invalid/api/status/{{job_id}}"}});
  // A network namespace of its own: the lookup fails at once, nothing leaves.
  std::vector<std::string> argv{"/usr/bin/unshare"};
  if (geteuid() != 0) argv.insert(argv.end(), {"--user", "--map-root-user"});
  argv.insert(argv.end(), {"--net", REFRESHCTL_BIN, "--db", db_, "doctor"});
  auto r = run_process(argv);
  EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
  EXPECT_NE(r.out.find("problem  host status.invalid: does not resolve"), std::string::npos)
      << r.out;
  EXPECT_NE(r.out.find("(status URL of cube)"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("ok       host 127.0.0.1: "), std::string::npos) << r.out;
}

TEST_P(DoctorTest, AnUnwritableDatabaseDirectoryIsNamedForTheUserThatRunsIt) {
  // A directory of root's (0755) that nobody can enter but not write, with
  // the database nobody owns: run as nobody, since root ignores file modes.
  if (geteuid() != 0) GTEST_SKIP() << "needs root to run as nobody";
  fs::permissions(dir_.path(), fs::perms::owner_all | fs::perms::group_read |
                                   fs::perms::group_exec | fs::perms::others_read |
                                   fs::perms::others_exec);
  fs::create_directory(dir_.file("data"));
  fs::permissions(dir_.file("data"), fs::perms::owner_all | fs::perms::group_read |
                                         fs::perms::group_exec | fs::perms::others_read |
                                         fs::perms::others_exec);
  std::string db = dir_.file("data/refreshctl.db");
  auto applied = refreshctl(
      {"--db", db, "apply", "-f", dir_.write("targets.toml", target_toml({.name = "cube"}))});
  ASSERT_EQ(applied.exit_code, 0) << applied.err;
  const passwd* nobody = getpwnam("nobody");
  ASSERT_NE(nobody, nullptr);
  ASSERT_EQ(chown(db.c_str(), nobody->pw_uid, nobody->pw_gid), 0);
  auto r = run_process({"/usr/bin/setpriv", "--reuid=nobody", "--regid=nogroup", "--clear-groups",
                        REFRESHCTL_BIN, "--db", db, "doctor"});
  EXPECT_EQ(r.exit_code, 3) << r.out << r.err;
  EXPECT_NE(r.out.find("problem  database directory: " + dir_.file("data") +
                       " is not writable by nobody (uid " + std::to_string(nobody->pw_uid) + ")"),
            std::string::npos)
      << r.out;
  EXPECT_NE(r.out.find("ok       database file: " + db), std::string::npos) << r.out;
}

TEST_P(DoctorTest, AMissingDatabaseIsAProblemAndNothingIsCreated) {
  std::string missing = dir_.file("none/refreshctl.db");
  auto r = refreshctl({"--db", missing, "doctor"});
  EXPECT_EQ(r.exit_code, 3) << r.out << r.err;
  EXPECT_NE(r.out.find("problem  database file: " + missing + " does not exist"), std::string::npos)
      << r.out;
  EXPECT_FALSE(fs::exists(dir_.file("none")));
}

class DoctorBothTest : public DoctorTest {};

TEST_P(DoctorBothTest, AGoodSetupIsAllOkOnEitherBackend) {
  apply({{.name = "cube", .versions = {"good"}}});
  ASSERT_EQ(run().exit_code, 0);
  auto r = doctor();
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_NE(r.out.find("(current)"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("ok       database writes: "), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("ok       clock: "), std::string::npos) << r.out;
  EXPECT_EQ(r.out.find("problem"), std::string::npos) << r.out;
}

REFRESHCTL_ON_SQLITE(DoctorTest);
REFRESHCTL_ON_BOTH_BACKENDS(DoctorBothTest);

}  // namespace
}  // namespace refreshctl::testing
