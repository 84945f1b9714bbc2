// Shell completion as a user meets it: the scripts `refreshctl completion`
// prints are loaded into real bash, zsh and fish, which are asked to complete
// a command line; target names come from a real SQLite database.
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <sstream>

#include "support/process.h"
#include "support/targets.h"
#include "support/temp_dir.h"

namespace refreshctl::testing {
namespace {

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) {
    if (!line.empty()) lines.push_back(line);
  }
  return lines;
}

using Words = std::vector<std::string>;

class Completion : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string targets = sample_target_toml("sales-cube") + "\n" +
                          sample_target_toml("sales-dataset") + "\n" +
                          sample_target_toml("inventory");
    auto applied = refreshctl({"--db", db_, "apply", "-f", dir_.write("t.toml", targets)});
    ASSERT_EQ(applied.exit_code, 0) << applied.err;
  }

  // The script for `shell`, written to a file of the temporary directory.
  std::string script(const std::string& shell, const std::string& name) {
    auto printed = refreshctl({"completion", shell});
    EXPECT_EQ(printed.exit_code, 0) << printed.err;
    std::filesystem::create_directories(dir_.path() / shell);
    return dir_.write(shell + "/" + name, printed.out);
  }

  // Calls the bash completion function as bash would for the words typed
  // (the last one is the word being completed) and returns COMPREPLY.
  Words bash_complete(const Words& words) {
    Words argv = {"/usr/bin/env",
                  "bash",
                  "--norc",
                  "--noprofile",
                  "-c",
                  "source \"$1\" && shift && COMP_WORDS=(\"$@\") && COMP_CWORD=$(($# - 1)) && "
                  "_refreshctl && printf '%s\\n' \"${COMPREPLY[@]}\"",
                  "bash",
                  bash_script_};
    argv.insert(argv.end(), words.begin(), words.end());
    auto result = run_process(argv);
    EXPECT_EQ(result.exit_code, 0) << result.err;
    EXPECT_EQ(result.err, "");
    return lines_of(result.out);
  }

  // The program as the scripts find it on PATH, as a user's shell would.
  std::map<std::string, std::string> path_env() const {
    std::string bin_dir = std::filesystem::path(REFRESHCTL_BIN).parent_path().string();
    const char* path = std::getenv("PATH");
    return {{"PATH", bin_dir + ":" + (path != nullptr ? path : "/usr/bin:/bin")}};
  }

  TempDir dir_;
  std::string db_ = dir_.file("refreshctl.db");
  std::string bash_script_ = script("bash", "refreshctl");
};

TEST_F(Completion, BashScriptIsValidBash) {
  auto checked = run_process({"/usr/bin/env", "bash", "-n", bash_script_});
  EXPECT_EQ(checked.exit_code, 0) << checked.err;
}

TEST_F(Completion, BashCompletesACommandFromItsPrefix) {
  EXPECT_EQ(bash_complete({REFRESHCTL_BIN, "sh"}), Words{"show"});
  EXPECT_EQ(bash_complete({REFRESHCTL_BIN, "re"}), (Words{"revisions", "remove", "report"}));
}

TEST_F(Completion, BashCompletesTheOptionsOfTheCommandTyped) {
  EXPECT_EQ(bash_complete({REFRESHCTL_BIN, "show", "--r"}), Words{"--revision"});
  EXPECT_EQ(bash_complete({REFRESHCTL_BIN, "run", "--d"}), (Words{"--dry-run", "--db"}));
  EXPECT_EQ(bash_complete({REFRESHCTL_BIN, "--j"}), Words{"--json"});
}

TEST_F(Completion, BashCompletesTargetNamesFromTheDatabaseTypedWithDb) {
  EXPECT_EQ(bash_complete({REFRESHCTL_BIN, "--db", db_, "show", "sales-"}),
            (Words{"sales-cube", "sales-dataset"}));
  // bash splits --db=PATH into three words.
  EXPECT_EQ(bash_complete({REFRESHCTL_BIN, "--db", "=", db_, "run", "--target", "in"}),
            Words{"inventory"});
  EXPECT_EQ(bash_complete({REFRESHCTL_BIN, "history", "--db", db_, "-t", "sales-c"}),
            Words{"sales-cube"});
  EXPECT_EQ(bash_complete({REFRESHCTL_BIN, "--db", db_, "remove", "inventory", "sales-d"}),
            Words{"sales-dataset"});
}

TEST_F(Completion, BashCompletesTheFixedChoicesOfAnOptionOrPositional) {
  EXPECT_EQ(bash_complete({REFRESHCTL_BIN, "history", "--state", "f"}), Words{"failed"});
  EXPECT_EQ(bash_complete({REFRESHCTL_BIN, "completion", ""}), (Words{"bash", "zsh", "fish"}));
}

TEST_F(Completion, BashOffersNothingWhereNothingCanBeGuessed) {
  // diff NAME A B: A and B are revision numbers.
  EXPECT_EQ(bash_complete({REFRESHCTL_BIN, "--db", db_, "diff", "inventory", ""}), Words{});
  EXPECT_EQ(bash_complete({REFRESHCTL_BIN, "next", ""}), Words{});
}

TEST_F(Completion, ListingTargetsReadsTheDatabaseOfDbOrRefreshctlDb) {
  auto listed = refreshctl({"--db", db_, "completion", "--list-targets"});
  EXPECT_EQ(listed.exit_code, 0) << listed.err;
  EXPECT_EQ(lines_of(listed.out), (Words{"inventory", "sales-cube", "sales-dataset"}));
  RunOptions env;
  env.env["REFRESHCTL_DB"] = db_;
  EXPECT_EQ(lines_of(refreshctl({"completion", "--list-targets"}, env).out),
            (Words{"inventory", "sales-cube", "sales-dataset"}));
}

TEST_F(Completion, ListingTargetsNeverCreatesADatabase) {
  std::string missing = dir_.file("no-such.db");
  auto listed = refreshctl({"--db", missing, "completion", "--list-targets"});
  EXPECT_EQ(listed.exit_code, 0);
  EXPECT_EQ(listed.out, "");
  EXPECT_EQ(listed.err, "");
  RunOptions env;
  env.env["REFRESHCTL_DB"] = dir_.file("also-missing.db");
  EXPECT_EQ(refreshctl({"completion", "--list-targets"}, env).out, "");
  // The script run with a mistyped --db creates nothing either.
  EXPECT_EQ(bash_complete({REFRESHCTL_BIN, "--db", missing, "show", ""}), Words{});
  EXPECT_FALSE(std::filesystem::exists(missing));
  EXPECT_FALSE(std::filesystem::exists(dir_.file("also-missing.db")));
  EXPECT_FALSE(std::filesystem::exists(missing + ".lock"));
}

TEST_F(Completion, EveryCommandOfHelpIsInEveryScript) {
  auto help = refreshctl({"--help"});
  ASSERT_EQ(help.exit_code, 0);
  std::string commands = help.out.substr(help.out.find("Subcommands:"));
  std::vector<std::string> names;
  for (const auto& line : lines_of(commands)) {
    if (line.rfind("  ", 0) == 0) names.push_back(line.substr(2, line.find(' ', 2) - 2));
  }
  ASSERT_GE(names.size(), 14u) << help.out;
  Words all_by_bash = bash_complete({REFRESHCTL_BIN, ""});
  for (const auto& shell : {"zsh", "fish"}) {
    std::string text = refreshctl({"completion", shell}).out;
    for (const auto& name : names) EXPECT_NE(text.find("'" + name), std::string::npos) << name;
  }
  EXPECT_EQ(all_by_bash, names);
}

TEST_F(Completion, AnUnknownShellIsAUsageErrorThatSaysWhichShellsThereAre) {
  auto result = refreshctl({"completion", "bsh"});
  EXPECT_EQ(result.exit_code, 2);
  EXPECT_EQ(result.err,
            "refreshctl: error: no completion for the shell \"bsh\", did you mean \"bash\"? "
            "(use bash, zsh, fish)\n");
}

TEST_F(Completion, ZshLoadsTheScriptAndCompletesCommandsOptionsAndTargets) {
  std::string zsh_script = script("zsh", "_refreshctl");
  auto parsed = run_process({"/usr/bin/env", "zsh", "-n", zsh_script});
  ASSERT_EQ(parsed.exit_code, 0) << parsed.err << " (zsh missing? scripts/deps.sh test)";
  auto complete = [&](const std::string& line) {
    RunOptions options;
    options.env = path_env();
    options.timeout = std::chrono::seconds(30);
    auto r = run_process({"/usr/bin/env", "zsh", "-f", TESTS_SOURCE_DIR "/cli/zsh_complete.zsh",
                          (dir_.path() / "zsh").string(), line},
                         options);
    EXPECT_EQ(r.exit_code, 0) << r.err;
    return lines_of(r.out);
  };
  EXPECT_EQ(complete("refreshctl sh"), Words{"show"});
  EXPECT_EQ(complete("refreshctl history --st"), Words{"--state"});
  EXPECT_EQ(complete("refreshctl history --state f"), Words{"failed"});
  EXPECT_EQ(complete("refreshctl --db " + db_ + " show sales-"),
            (Words{"sales-cube", "sales-dataset"}));
  EXPECT_EQ(complete("refreshctl --db " + db_ + " run -t in"), Words{"inventory"});
}

TEST_F(Completion, FishLoadsTheScriptAndCompletesCommandsOptionsAndTargets) {
  std::string fish_script = script("fish", "refreshctl.fish");
  auto parsed = run_process({"/usr/bin/env", "fish", "--no-execute", fish_script});
  ASSERT_EQ(parsed.exit_code, 0) << parsed.err << " (fish missing? scripts/deps.sh test)";
  auto complete = [&](const std::string& line) {
    RunOptions options;
    options.env = path_env();
    auto r = run_process({"/usr/bin/env", "fish", "--no-config", "-c",
                          "source $argv[1]; and complete -C $argv[2]", fish_script, line},
                         options);
    EXPECT_EQ(r.exit_code, 0) << r.err;
    EXPECT_EQ(r.err, "");
    Words words;  // each line is "word<TAB>description"
    for (const auto& l : lines_of(r.out)) words.push_back(l.substr(0, l.find('\t')));
    return words;
  };
  EXPECT_EQ(complete("refreshctl sh"), Words{"show"});
  EXPECT_EQ(complete("refreshctl show --r"), Words{"--revision"});
  EXPECT_EQ(complete("refreshctl history --state f"), Words{"failed"});
  EXPECT_EQ(complete("refreshctl --db " + db_ + " show sales-"),
            (Words{"sales-cube", "sales-dataset"}));
  EXPECT_EQ(complete("refreshctl --db=" + db_ + " run --target in"), Words{"inventory"});
  EXPECT_EQ(complete("refreshctl --db " + db_ + " diff inventory "), Words{});
}

}  // namespace
}  // namespace refreshctl::testing
