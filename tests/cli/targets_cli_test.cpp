// Targets and revisions through the real binary, as a user sees them.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "support/process.h"
#include "support/targets.h"
#include "support/temp_dir.h"

namespace refreshctl::testing {
namespace {

class TargetsCli : public ::testing::Test {
 protected:
  ProcessResult run(std::vector<std::string> args) {
    args.insert(args.begin(), {"--db", db_});
    return refreshctl(args);
  }
  std::string ok(std::vector<std::string> args) {
    auto r = run(args);
    EXPECT_EQ(r.exit_code, 0) << r.err;
    return r.out;
  }
  std::string changed_sample() {
    std::string text = sample_target_toml();
    text.replace(text.find("\"45m\""), 5, "\"30m\"");
    return text;
  }

  TempDir dir_;
  std::string db_ = dir_.file("refreshctl.db");
};

TEST_F(TargetsCli, ApplyTwiceMakesOneRevisionAndAChangeMakesRevisionTwo) {
  std::string file = dir_.write("t.toml", sample_target_toml());
  EXPECT_EQ(ok({"apply", "-f", file}), "sales-cube: created (rev 1)\n");
  EXPECT_EQ(ok({"apply", "-f", file}), "sales-cube: unchanged (rev 1)\n");
  dir_.write("t.toml", changed_sample());
  EXPECT_EQ(ok({"apply", "-f", file}), "sales-cube: updated (rev 2)\n");
  auto revisions = nlohmann::json::parse(ok({"--json", "revisions", "sales-cube"}));
  ASSERT_EQ(revisions.size(), 2u);
  EXPECT_EQ(revisions[1]["current"], true);
}

TEST_F(TargetsCli, DiffShowsTheChangeAndRollbackMakesRevisionThreeEqualToOne) {
  std::string file = dir_.write("t.toml", sample_target_toml());
  ok({"apply", "-f", file});
  dir_.write("t.toml", changed_sample());
  ok({"apply", "-f", file});
  std::string diff = ok({"diff", "sales-cube", "1", "2"});
  EXPECT_NE(diff.find("-max_refresh_time = \"45m\""), std::string::npos) << diff;
  EXPECT_NE(diff.find("+max_refresh_time = \"30m\""), std::string::npos) << diff;

  EXPECT_EQ(ok({"rollback", "sales-cube", "--to", "1"}), "sales-cube: updated (rev 3)\n");
  EXPECT_EQ(ok({"diff", "sales-cube", "1", "3"}), "revisions 1 and 3 of sales-cube are the same\n");
  auto list = nlohmann::json::parse(ok({"list", "--json"}));
  EXPECT_EQ(list[0]["revision"], 3);
}

TEST_F(TargetsCli, ShowedRevisionIsAcceptedByApplyAndRoundTrips) {
  std::string file = dir_.write("t.toml", sample_target_toml());
  ok({"apply", "-f", file});
  dir_.write("t.toml", changed_sample());
  ok({"apply", "-f", file});
  std::string shown = ok({"show", "sales-cube", "--revision", "1"});
  EXPECT_NE(shown.find("${env:CUBE_TOKEN}"), std::string::npos) << "references stay unresolved";
  EXPECT_NE(shown.find("max_refresh_time = \"45m\""), std::string::npos);
  // Applying revision 1 as printed makes revision 3, identical to revision 1.
  EXPECT_EQ(ok({"apply", "-f", dir_.write("shown.toml", shown)}), "sales-cube: updated (rev 3)\n");
  EXPECT_EQ(ok({"show", "sales-cube", "--revision", "3"}).substr(shown.find('\n')),
            shown.substr(shown.find('\n')));
  // In a fresh database it is accepted as is too.
  auto fresh = refreshctl({"--db", dir_.file("other.db"), "apply", "-f", dir_.file("shown.toml")});
  EXPECT_EQ(fresh.exit_code, 0) << fresh.err;
}

TEST_F(TargetsCli, ListShowsEveryTargetAsTableAndJson) {
  ok({"apply", "-f",
      dir_.write("t.toml",
                 sample_target_toml("b-target") + "\n" + sample_target_toml("a-target"))});
  std::string table = ok({"list"});
  EXPECT_EQ(table.rfind("NAME", 0), 0u) << table;
  EXPECT_LT(table.find("a-target"), table.find("b-target"));
  auto json = nlohmann::json::parse(ok({"list", "--json"}));
  ASSERT_EQ(json.size(), 2u);
  for (const char* key : {"name", "data_type", "versions", "schedule", "timezone", "enabled",
                          "revision", "next_slot", "last_state"}) {
    EXPECT_TRUE(json[0].contains(key)) << key;
  }
  EXPECT_EQ(json[0]["versions"], nlohmann::json({"2026-10", "2026-11"}));
}

TEST_F(TargetsCli, DisableEnableAndRemoveKeepHistory) {
  ok({"apply", "-f", dir_.write("t.toml", sample_target_toml())});
  EXPECT_EQ(ok({"disable", "sales-cube"}), "sales-cube: updated (rev 2)\n");
  auto list = nlohmann::json::parse(ok({"list", "--json"}));
  EXPECT_EQ(list[0]["enabled"], false);
  EXPECT_EQ(ok({"enable", "sales-cube"}), "sales-cube: updated (rev 3)\n");
  EXPECT_EQ(ok({"remove", "sales-cube"}), "sales-cube: removed (history kept)\n");
  EXPECT_EQ(nlohmann::json::parse(ok({"list", "--json"})).size(), 0u);
  auto show = run({"show", "sales-cube"});
  EXPECT_EQ(show.exit_code, 2);
  auto revisions = nlohmann::json::parse(ok({"--json", "revisions", "sales-cube"}));
  ASSERT_EQ(revisions.size(), 4u) << "three revisions and the removal";
  EXPECT_EQ(revisions[3]["action"], "removed");
}

TEST_F(TargetsCli, UnknownTargetSaysDidYouMean) {
  ok({"apply", "-f", dir_.write("t.toml", sample_target_toml())});
  auto r = run({"show", "sales-cub"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_EQ(r.err,
            "refreshctl: error: no target named \"sales-cub\", did you mean \"sales-cube\"?\n");
  auto rev = run({"show", "sales-cube", "--revision", "7"});
  EXPECT_EQ(rev.exit_code, 2);
  EXPECT_NE(rev.err.find("has no revision 7"), std::string::npos);
}

TEST_F(TargetsCli, AddBuildsTheSameTargetFromFlags) {
  auto r = run({"add",
                "flags-target",
                "--data-type",
                "sales",
                "--data-version",
                "2026-10",
                "--data-version",
                "2026-11",
                "--refresh-url",
                "http://127.0.0.1:8080/api/refresh",
                "--job-id",
                "/jobId",
                "--status-url",
                "http://127.0.0.1:8080/api/status/{{job_id}}",
                "--state",
                "/status",
                "--succeeded",
                "SUCCEEDED",
                "--failed",
                "FAILED",
                "--max-refresh-time",
                "45m"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, "flags-target: created (rev 1)\n");
  std::string shown = ok({"show", "flags-target"});
  EXPECT_NE(shown.find("versions = [\"2026-10\", \"2026-11\"]"), std::string::npos) << shown;
  auto again =
      run({"add", "flags-target", "--data-type", "x", "--data-version", "1", "--refresh-url",
           "http://127.0.0.1/", "--status-url", "http://127.0.0.1/", "--succeeded", "OK"});
  EXPECT_EQ(again.exit_code, 2);
  auto bad = run({"add", "bad", "--data-type", "x", "--data-version", "1", "--refresh-url",
                  "ftp://127.0.0.1/", "--status-url", "http://127.0.0.1/", "--succeeded", "OK"});
  EXPECT_EQ(bad.exit_code, 2);
  EXPECT_NE(bad.err.find("refresh.url"), std::string::npos) << bad.err;
}

TEST_F(TargetsCli, UnknownCommandAndBadDatabaseHaveTheirExitCodes) {
  EXPECT_EQ(refreshctl({"frobnicate"}).exit_code, 2);
  auto r = refreshctl({"--db", "/proc/refreshctl/cannot.db", "list"});
  EXPECT_EQ(r.exit_code, 3) << r.err;
  EXPECT_EQ(r.err.rfind("refreshctl: error: ", 0), 0u) << r.err;
}

}  // namespace
}  // namespace refreshctl::testing
