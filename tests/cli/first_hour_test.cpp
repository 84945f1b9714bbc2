// What a new user meets in the first hour: target files with mistakes,
// removed targets, revisions, JSON output and the command line's messages.
// Each test runs the real binary on a real SQLite file.
#include <gtest/gtest.h>

#include <filesystem>
#include <nlohmann/json.hpp>

#include "support/process.h"
#include "support/targets.h"
#include "support/temp_dir.h"

namespace refreshctl::testing {
namespace {

using nlohmann::json;

class FirstHour : public ::testing::Test {
 protected:
  ProcessResult run(std::vector<std::string> args) {
    args.insert(args.begin(), {"--db", db_});
    return refreshctl(args);
  }
  std::string ok(std::vector<std::string> args) {
    auto r = run(args);
    EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
    return r.out;
  }
  // The sample target with `line` added to its top-level fields.
  std::string sample_with(const std::string& line, const std::string& name = "sales-cube") {
    std::string text = sample_target_toml(name);
    return text.replace(text.find("enabled = true"), 14, line + "\nenabled = true");
  }
  std::string changed_sample() {
    std::string text = sample_target_toml();
    return text.replace(text.find("\"45m\""), 5, "\"30m\"");
  }

  TempDir dir_;
  std::string db_ = dir_.file("refreshctl.db");
};

std::string fmt_schedule(const char* expression) {
  return std::string("schedule = \"") + expression + "\"";
}

bool contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

// --- schedules and zones (issue 13 items 1 and 7) -------------------------

TEST_F(FirstHour, ApplyRefusesAScheduleThatNeverFiresWithTheMessageNextGives) {
  auto r = run({"apply", "-f", dir_.write("t.toml", sample_with("schedule = \"0 0 30 2 *\""))});
  EXPECT_EQ(r.exit_code, 2) << r.out;
  EXPECT_TRUE(contains(r.err, "schedule: schedule \"0 0 30 2 *\" never fires")) << r.err;
  auto next = refreshctl({"next", "0 0 30 2 *"});
  EXPECT_EQ(next.exit_code, 2);
  EXPECT_TRUE(contains(next.err, "never fires (no time matches within five years")) << next.err;
  EXPECT_FALSE(std::filesystem::exists(db_));
}

TEST_F(FirstHour, QuartzYearFieldIsNamedAsUnsupportedNotAsABadMonth) {
  for (const char* expr : {"0 0 12 ? * MON 2026", "0 12 ? * MON 2026"}) {
    auto r = run({"apply", "-f", dir_.write("t.toml", sample_with(fmt_schedule(expr)))});
    EXPECT_EQ(r.exit_code, 2) << expr;
    EXPECT_TRUE(contains(r.err, "year")) << r.err;
    EXPECT_TRUE(contains(r.err, "not supported")) << r.err;
    EXPECT_FALSE(contains(r.err, "did you mean \"JAN\"")) << r.err;
  }
}

TEST_F(FirstHour, TheHostZoneIsRefusedNamingTheZoneByItsName) {
  for (const char* zone : {"local", "localtime"}) {
    auto r = run({"apply", "-f",
                  dir_.write("t.toml", sample_with(std::string("timezone = \"") + zone + "\""))});
    EXPECT_EQ(r.exit_code, 2) << zone;
    EXPECT_TRUE(contains(r.err, "is the host's zone")) << r.err;
    EXPECT_FALSE(contains(r.err, "did you mean \"localtime\"")) << r.err;
  }
}

// --- removed targets and revisions (items 3 and 12) ----------------------

TEST_F(FirstHour, ShowOfARemovedTargetSaysWhenItWasRemovedAndHowToRestoreIt) {
  ok({"apply", "-f", dir_.write("t.toml", sample_target_toml())});
  ok({"remove", "sales-cube"});
  auto r = run({"show", "sales-cube"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_TRUE(contains(r.err, "target \"sales-cube\" was removed on 20")) << r.err;
  EXPECT_TRUE(contains(r.err, "refreshctl rollback sales-cube --to 1")) << r.err;
  EXPECT_FALSE(contains(r.err, "did you mean")) << r.err;
  // Its revisions can still be shown, and a rollback restores it.
  EXPECT_TRUE(contains(ok({"show", "sales-cube", "--revision", "1"}), "name = \"sales-cube\""));
  EXPECT_EQ(ok({"rollback", "sales-cube", "--to", "1"}), "sales-cube: created (rev 2)\n");
  EXPECT_EQ(json::parse(ok({"--json", "list"})).size(), 1u);
}

TEST_F(FirstHour, RevisionsListTheRemovalAndWhoMadeEachChangeAndHow) {
  std::string file = dir_.write("t.toml", sample_target_toml());
  ok({"apply", "-f", file});
  ok({"disable", "sales-cube"});
  ok({"remove", "sales-cube"});
  auto revisions = json::parse(ok({"--json", "revisions", "sales-cube"}));
  ASSERT_EQ(revisions.size(), 3u) << revisions.dump();
  EXPECT_EQ(revisions[0]["source"], "apply " + file + ":1");
  EXPECT_EQ(revisions[1]["source"], "disable");
  EXPECT_EQ(revisions[2]["action"], "removed");
  EXPECT_EQ(revisions[2]["revision"], 2);
  for (const auto& r : revisions) {
    EXPECT_FALSE(r["user"].get<std::string>().empty()) << r.dump();
    EXPECT_FALSE(r["host"].get<std::string>().empty()) << r.dump();
    EXPECT_EQ(r["current"], false) << "a removed target has no current revision";
  }
  std::string table = ok({"revisions", "sales-cube"});
  EXPECT_TRUE(contains(table, "remove (revision 2 was current)")) << table;
  EXPECT_TRUE(contains(table, "restore it with: refreshctl rollback sales-cube --to 2")) << table;
}

TEST_F(FirstHour, JsonShowPrintsTheTargetAsAnObject) {
  ok({"apply", "-f", dir_.write("t.toml", sample_target_toml())});
  auto shown = json::parse(ok({"--json", "show", "sales-cube"}));
  EXPECT_EQ(shown["name"], "sales-cube");
  EXPECT_EQ(shown["revision"], 1);
  EXPECT_EQ(shown["versions"], json({"2026-10", "2026-11"}));
  EXPECT_EQ(shown["max_refresh_time"], "45m");
  EXPECT_EQ(shown["refresh"]["headers"]["Authorization"], "Bearer ${env:CUBE_TOKEN}");
  EXPECT_EQ(shown["status"]["succeeded"], json({"SUCCEEDED"}));
}

TEST_F(FirstHour, JsonDiffListsTheChangedFields) {
  std::string file = dir_.write("t.toml", sample_target_toml());
  ok({"apply", "-f", file});
  dir_.write("t.toml", changed_sample());
  ok({"apply", "-f", file});
  auto diff = json::parse(ok({"--json", "diff", "sales-cube", "1", "2"}));
  ASSERT_EQ(diff["changes"].size(), 1u) << diff.dump();
  EXPECT_EQ(diff["changes"][0],
            json({{"field", "max_refresh_time"}, {"from", "45m"}, {"to", "30m"}}));
  EXPECT_EQ(diff["from"], 1);
  EXPECT_EQ(diff["to"], 2);
}

// --- apply (item 10) ------------------------------------------------------

TEST_F(FirstHour, ApplyReportsEveryProblemOfAFileNotOnlyTheFirst) {
  std::string text = sample_target_toml("a") + "\n" + sample_target_toml("b");
  text.replace(text.find("\"45m\""), 5, "\"soon\"");
  text.replace(text.find("poll_interval = \"5s\""), 20, "poll_intervall = \"5s\"");
  text.replace(text.rfind("method = \"POST\""), 15, "method = \"FETCH\"");
  std::string file = dir_.write("t.toml", text);
  auto r = run({"apply", "-f", file});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_TRUE(contains(r.err, file + ":5: max_refresh_time:")) << r.err;
  EXPECT_TRUE(contains(r.err, file + ":6: poll_intervall: unknown field")) << r.err;
  EXPECT_TRUE(contains(r.err, "refresh.method: \"FETCH\" is not an HTTP method")) << r.err;
  EXPECT_TRUE(contains(r.err, "nothing was applied")) << r.err;
  EXPECT_FALSE(std::filesystem::exists(db_));
}

TEST_F(FirstHour, ApplyStopsListingProblemsAtTwenty) {
  std::string text;
  for (int i = 0; i < 30; ++i) text += sample_target_toml("t" + std::to_string(i)) + "bogus = 1\n";
  auto r = run({"apply", "-f", dir_.write("t.toml", text)});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_TRUE(contains(r.err, "... and 10 more problems")) << r.err;
}

TEST_F(FirstHour, ApplyCheckSaysPerTargetWhatWouldChangeAndWritesNothing) {
  std::string file = dir_.write("t.toml", sample_target_toml() + "\n" + sample_target_toml("b"));
  // Without a database nothing is created, not even the database.
  EXPECT_EQ(ok({"apply", "--check", "-f", file}),
            "sales-cube: would be created (rev 1)\nb: would be created (rev 1)\n"
            "nothing was changed (--check)\n");
  EXPECT_FALSE(std::filesystem::exists(db_));
  ok({"apply", "-f", file});
  std::string changed = changed_sample() + "\n" + sample_target_toml("b");
  dir_.write("t.toml", changed);
  std::string before = read_file(db_);
  std::string out = ok({"apply", "--dry-run", "-f", file});
  EXPECT_TRUE(contains(out, "sales-cube: would be updated (rev 2):\n")) << out;
  EXPECT_TRUE(contains(out, "-max_refresh_time = \"45m\"\n+max_refresh_time = \"30m\"")) << out;
  EXPECT_TRUE(contains(out, "b: unchanged (rev 1)\n")) << out;
  auto checked = json::parse(ok({"--json", "apply", "--check", "-f", file}));
  ASSERT_EQ(checked.size(), 2u);
  EXPECT_EQ(checked[0]["action"], "update");
  EXPECT_EQ(checked[0]["changes"][0]["field"], "max_refresh_time");
  EXPECT_EQ(checked[1]["action"], "unchanged");
  EXPECT_EQ(read_file(db_), before);
  EXPECT_EQ(json::parse(ok({"--json", "revisions", "sales-cube"})).size(), 1u);
}

TEST_F(FirstHour, DiffWithAFileShowsWhatApplyWouldChange) {
  std::string file = dir_.write("t.toml", sample_target_toml());
  ok({"apply", "-f", file});
  dir_.write("t.toml", changed_sample());
  std::string out = ok({"diff", "sales-cube", "-f", file});
  EXPECT_TRUE(contains(out, "--- sales-cube revision 1")) << out;
  EXPECT_TRUE(contains(out, "+++ " + file + ":1")) << out;
  EXPECT_TRUE(contains(out, "+max_refresh_time = \"30m\"")) << out;
  auto missing = run({"diff", "other", "-f", file});
  EXPECT_EQ(missing.exit_code, 2);
}

TEST_F(FirstHour, ApplyOfADirectoryAppliesItsTomlFilesInNameOrder) {
  TempDir targets;
  targets.write("20-b.toml", sample_target_toml("b"));
  targets.write("10-a.toml", sample_target_toml("a"));
  targets.write("README", "not a target file");
  EXPECT_EQ(ok({"apply", "-f", targets.path().string()}),
            "a: created (rev 1)\nb: created (rev 1)\n");
}

// --- the command line (item 9; issue 10 item 12) --------------------------

TEST_F(FirstHour, DiffWithOneRevisionSaysInWordsWhichArgumentIsMissing) {
  ok({"apply", "-f", dir_.write("t.toml", sample_target_toml())});
  auto r = run({"diff", "sales-cube", "1"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_TRUE(contains(r.err, "the newer revision B is missing")) << r.err;
  EXPECT_FALSE(contains(r.err, "b is required")) << r.err;
  auto show = run({"show"});
  EXPECT_EQ(show.exit_code, 2);
  EXPECT_TRUE(contains(show.err, "show: NAME is missing: target name")) << show.err;
}

TEST_F(FirstHour, HistoryFiltersByDataVersionAndVersionIsTheProgramsOnly) {
  ok({"apply", "-f", dir_.write("t.toml", sample_target_toml())});
  auto filtered = run({"history", "--data-version", "2026-11"});
  EXPECT_EQ(filtered.exit_code, 0) << filtered.err;
  auto version = refreshctl({"--version"});
  EXPECT_EQ(version.exit_code, 0);
  EXPECT_EQ(version.out.rfind("refreshctl ", 0), 0u) << version.out;
  auto help = refreshctl({"history", "--help"});
  EXPECT_TRUE(contains(help.out, "--data-version VERSION")) << help.out;
  EXPECT_FALSE(contains(help.out, "  --version")) << help.out;
}

TEST_F(FirstHour, AnUnknownCommandSaysSoWithDidYouMean) {
  auto r = refreshctl({"histroy"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_EQ(r.err,
            "refreshctl: error: unknown command \"histroy\", did you mean \"history\"? (see: "
            "refreshctl --help)\n");
  auto after_db = refreshctl({"--db", db_, "bogus"});
  EXPECT_EQ(after_db.exit_code, 2);
  EXPECT_TRUE(contains(after_db.err, "unknown command \"bogus\"")) << after_db.err;
  EXPECT_FALSE(contains(after_db.err, "A subcommand is required")) << after_db.err;
}

TEST_F(FirstHour, BadNumbersSayWhatIsAcceptedInAFewWords) {
  for (const auto& args : std::vector<std::vector<std::string>>{{"history", "--limit", "abc"},
                                                                {"run", "--max-concurrency", "0"},
                                                                {"history", "-n", "0"}}) {
    auto r = run(args);
    EXPECT_EQ(r.exit_code, 2) << args[1];
    EXPECT_TRUE(contains(r.err, "is not a whole number from 1 to")) << r.err;
    EXPECT_LT(r.err.size(), 200u) << r.err;
  }
}

TEST_F(FirstHour, AnEmptyDbIsAnErrorNotTheDefaultDatabase) {
  TempDir home;
  auto r = refreshctl({"--db", "", "list"}, {.env = {{"HOME", home.path().string()},
                                                     {"XDG_STATE_HOME", home.file("state")},
                                                     {"REFRESHCTL_DB", ""}}});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_TRUE(contains(r.err, "--db")) << r.err;
  EXPECT_TRUE(contains(r.err, "is empty")) << r.err;
  EXPECT_TRUE(std::filesystem::is_empty(home.path()));
}

TEST_F(FirstHour, ApplyCheckWithJsonPrintsJson) {
  auto out = ok({"--json", "apply", "--check", "-f", dir_.write("t.toml", sample_target_toml())});
  auto checked = json::parse(out);
  ASSERT_EQ(checked.size(), 1u);
  EXPECT_EQ(checked[0]["name"], "sales-cube");
  EXPECT_EQ(checked[0]["action"], "create");
}

}  // namespace
}  // namespace refreshctl::testing
