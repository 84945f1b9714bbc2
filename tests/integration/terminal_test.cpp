// What a person sees on a terminal: local times with their zone, rows that
// fit 100 columns, states in colour (NO_COLOR respected), while pipes keep
// RFC 3339 UTC and whole lines. A pseudo-terminal comes from script(1).
#include <regex>

#include "integration/run_fixture.h"

namespace refreshctl::testing {
namespace {

std::string shell_quote(const std::string& word) {
  std::string out = "'";
  for (char c : word) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

class Terminal : public RunTest {
 protected:
  // Runs refreshctl on a pseudo-terminal; the output with "\r\n" as "\n".
  ProcessResult on_terminal(const std::vector<std::string>& args,
                            std::map<std::string, std::string> env = {}) const {
    std::string command = shell_quote(REFRESHCTL_BIN) + " --db " + shell_quote(db_);
    for (const auto& arg : args) command += " " + shell_quote(arg);
    env.emplace("TERM", "xterm");
    env.emplace("COLUMNS", "200");
    auto r = run_process({"/usr/bin/script", "-qec", command, "/dev/null"}, {.env = env});
    r.out = std::regex_replace(r.out, std::regex("\r\n"), "\n");
    return r;
  }
  // Two refreshes: one that succeeds, one that fails with a long error.
  void run_a_failure() {
    apply({{.name = "a-target-with-a-rather-long-name",
            .versions = {"2026-11", "fail-this-long-version-name-on-purpose-2026"}}});
    auto r = run();
    ASSERT_EQ(r.exit_code, 1) << r.out << r.err;
  }
};

size_t widest_line(const std::string& text) {
  std::string plain = std::regex_replace(text, std::regex("\x1b\\[[0-9;]*m"), "");
  size_t widest = 0, width = 0;
  for (unsigned char c : plain) {
    if (c == '\n') {
      widest = std::max(widest, width);
      width = 0;
    } else if ((c & 0xC0) != 0x80) {
      ++width;
    }
  }
  return std::max(widest, width);
}

TEST_P(Terminal, HistoryShowsLocalTimesWithTheirZoneFitsAndColoursOnATerminal) {
  run_a_failure();
  auto r = on_terminal({"history"}, {{"TZ", "Asia/Shanghai"}});
  ASSERT_EQ(r.exit_code, 0) << r.out;
  EXPECT_TRUE(std::regex_search(r.out, std::regex(R"(\d{4}-\d\d-\d\d \d\d:\d\d:\d\d CST)")))
      << r.out;
  EXPECT_FALSE(std::regex_search(r.out, std::regex(R"(\d\dT\d\d:\d\d:\d\dZ)"))) << r.out;
  EXPECT_LE(widest_line(r.out), 100u) << r.out;
  EXPECT_NE(r.out.find("…"), std::string::npos) << "the long error is cut: " << r.out;
  EXPECT_NE(r.out.find("\x1b[31mfailed"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("\x1b[32msucceeded"), std::string::npos) << r.out;
}

TEST_P(Terminal, NoColorTurnsColourOffAndVerboseShowsEveryColumnAndTheWholeError) {
  run_a_failure();
  auto plain = on_terminal({"history"}, {{"NO_COLOR", "1"}});
  EXPECT_EQ(plain.out.find("\x1b["), std::string::npos) << plain.out;
  auto never = on_terminal({"--color", "never", "history"});
  EXPECT_EQ(never.out.find("\x1b["), std::string::npos) << never.out;
  auto verbose = on_terminal({"history", "-v"}, {{"NO_COLOR", "1"}});
  EXPECT_NE(verbose.out.find("failed on purpose"), std::string::npos) << verbose.out;
  for (const char* column : {"SLOT", "ATTEMPT", "POLLS", "JOB", "HTTP", "RUN"}) {
    EXPECT_NE(verbose.out.find(column), std::string::npos) << column;
  }
}

TEST_P(Terminal, PipesKeepRfc3339UtcWholeLinesAndNoColour) {
  run_a_failure();
  auto r = refreshctl_db({"history"}, {.env = {{"TZ", "Asia/Shanghai"}}});
  EXPECT_TRUE(std::regex_search(r.out, std::regex(R"(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z)")))
      << r.out;
  EXPECT_NE(r.out.find("failed on purpose"), std::string::npos) << r.out;
  EXPECT_EQ(r.out.find("\x1b["), std::string::npos);
  auto forced = refreshctl_db({"--color", "always", "history"});
  EXPECT_NE(forced.out.find("\x1b[31mfailed"), std::string::npos) << forced.out;
}

TEST_P(Terminal, ListShowsTheNextSlotInTheTargetsZone) {
  apply({{.name = "tokyo", .extra = "schedule = \"30 2 * * *\"\ntimezone = \"Asia/Tokyo\""}});
  auto r = on_terminal({"list"}, {{"TZ", "UTC"}});
  EXPECT_TRUE(std::regex_search(r.out, std::regex(R"(\d{4}-\d\d-\d\d 02:30:00 JST)"))) << r.out;
  auto piped = refreshctl_db({"--json", "list"});
  EXPECT_TRUE(std::regex_search(piped.out, std::regex(R"(T17:30:00Z)"))) << piped.out;
}

TEST_P(Terminal, DryRunWithNothingDueSaysSo) {
  apply({{.name = "paused", .extra = "enabled = false"}});
  auto r = refreshctl_db({"run", "--dry-run"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("nothing is due at "), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("nothing would be triggered (dry run)"), std::string::npos) << r.out;
}

// How output looks does not depend on the backend.
REFRESHCTL_ON_SQLITE(Terminal);

}  // namespace
}  // namespace refreshctl::testing
