// Runs on several hosts share one PostgreSQL database: the history says
// which run, on which host, did each refresh (`history -v`, `--json`).
#include <unistd.h>

#include "integration/run_fixture.h"

namespace refreshctl::testing {
namespace {

std::string this_host() {
  char host[256] = "";
  gethostname(host, sizeof host - 1);
  return host;
}

TEST_P(RunTest, HistoryNamesTheRunAndTheHostOfEachRefresh) {
  apply({{.name = "cube", .versions = {"v1"}}});
  auto r = run({"--json"});
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  auto h = history();
  ASSERT_EQ(h.size(), 1u);
  EXPECT_EQ(h[0]["host"], this_host()) << h.dump();
  EXPECT_EQ(h[0]["run_id"], 1) << h.dump();
  auto table = refreshctl_db({"-v", "history"});
  ASSERT_EQ(table.exit_code, 0) << table.err;
  EXPECT_NE(table.out.find("RUN"), std::string::npos) << table.out;
  EXPECT_NE(table.out.find("HOST"), std::string::npos) << table.out;
  EXPECT_NE(table.out.find(" " + this_host()), std::string::npos) << table.out;
  auto piped = refreshctl_db({"history"});
  EXPECT_NE(piped.out.find(" " + this_host()), std::string::npos)
      << "a pipe gets every column: " << piped.out;
}

}  // namespace
}  // namespace refreshctl::testing
