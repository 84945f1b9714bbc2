// refreshctl report against real runs of the example service, and a real
// SQLite file filled with 10,000 refreshes.
#include <gtest/gtest.h>

#include <filesystem>

#include "integration/run_fixture.h"
#include "store/store.h"

namespace refreshctl::testing {
namespace {

size_t count(const std::string& text, const std::string& what) {
  size_t n = 0;
  for (size_t at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) ++n;
  return n;
}

class ReportTest : public RunTest {};

TEST_P(ReportTest, AMissingDatabaseIsAnErrorThatNamesItAndNothingIsCreated) {
  std::string missing = dir_.file("none/refreshctl.db");
  auto r = refreshctl({"--db", missing, "report", "-o", dir_.file("report.html")});
  EXPECT_EQ(r.exit_code, 3);
  EXPECT_EQ(r.err, "refreshctl: error: database " + missing +
                       " does not exist (check --db or REFRESHCTL_DB; refreshctl apply "
                       "creates it)\n");
  EXPECT_FALSE(std::filesystem::exists(dir_.file("none")));
  EXPECT_FALSE(std::filesystem::exists(dir_.file("report.html")));
  RunOptions env{.env = {{"REFRESHCTL_DB", missing}}};
  EXPECT_EQ(refreshctl({"report"}, env).exit_code, 3);
  EXPECT_FALSE(std::filesystem::exists(dir_.file("none")));
}

TEST_P(ReportTest, AnUnknownTargetIsRefusedWithDidYouMean) {
  apply({{.name = "sales-cube"}});
  auto r = refreshctl_db({"report", "--target", "sales-cub"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_EQ(r.err,
            "refreshctl: error: no target named \"sales-cub\", did you mean "
            "\"sales-cube\"?\n");
  EXPECT_EQ(r.out, "");
}

TEST_P(ReportTest, ThePageGoesToStdoutOrWholeIntoAFile) {
  apply({{.name = "cube", .versions = {"v1", "v2"}}});
  ASSERT_EQ(run().exit_code, 0);
  auto to_stdout = refreshctl_db({"report"});
  ASSERT_EQ(to_stdout.exit_code, 0) << to_stdout.err;
  EXPECT_EQ(to_stdout.out.rfind("<!DOCTYPE html>", 0), 0u);
  EXPECT_EQ(count(to_stdout.out, "<rect class=\"bar\" data-state=\"succeeded\""), 2u);
  EXPECT_EQ(to_stdout.err, "");

  std::string page = dir_.file("report.html");
  auto to_file = refreshctl_db({"report", "-o", page});
  ASSERT_EQ(to_file.exit_code, 0) << to_file.err;
  EXPECT_EQ(to_file.out.rfind("wrote " + page + ": 2 refreshes, ", 0), 0u) << to_file.out;
  EXPECT_EQ(count(read_file(page), "<g class=\"lane\""), 2u);
  std::vector<std::string> left;
  for (const auto& e : std::filesystem::directory_iterator(dir_.path())) {
    if (e.path().string().find(".tmp") != std::string::npos) left.push_back(e.path());
  }
  EXPECT_TRUE(left.empty()) << left[0];

  auto quiet = refreshctl_db({"-q", "report", "-o", page});
  EXPECT_EQ(quiet.exit_code, 0);
  EXPECT_EQ(quiet.out, "");
  auto json = refreshctl_db({"--json", "report", "-o", page});
  auto summary = nlohmann::json::parse(json.out);
  EXPECT_EQ(summary["refreshes"], 2);
  EXPECT_EQ(summary["truncated"], false);
  EXPECT_EQ(summary["bytes"], read_file(page).size());
}

TEST_P(ReportTest, AFileThatCannotBeWrittenIsAnErrorNamingIt) {
  apply({{.name = "cube"}});
  std::string page = dir_.file("no/such/dir/report.html");
  auto r = refreshctl_db({"report", "-o", page});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_EQ(r.err, "refreshctl: error: cannot write " + page + ": No such file or directory\n");
}

TEST_P(ReportTest, TargetSinceAndLimitNarrowThePage) {
  apply({{.name = "cube", .versions = {"v1", "v2"}}, {.name = "dataset", .versions = {"d1"}}});
  ASSERT_EQ(run().exit_code, 0);
  auto one = refreshctl_db({"report", "--target", "dataset"});
  ASSERT_EQ(one.exit_code, 0) << one.err;
  EXPECT_EQ(count(one.out, "<rect class=\"bar\""), 1u);
  EXPECT_EQ(count(one.out, "data-target=\"cube\""), 0u);

  auto future = refreshctl_db({"report", "--since", "2999-01-01T00:00:00Z"});
  EXPECT_EQ(count(future.out, "<rect class=\"bar\""), 0u);
  EXPECT_NE(future.out.find("No refreshes recorded in this window."), std::string::npos);
  auto recent = refreshctl_db({"report", "--since", "1h"});
  EXPECT_EQ(count(recent.out, "<rect class=\"bar\""), 3u);
  auto bad = refreshctl_db({"report", "--since", "yesterday"});
  EXPECT_EQ(bad.exit_code, 2);

  auto limited = refreshctl_db({"report", "--limit", "2"});
  EXPECT_EQ(count(limited.out, "<rect class=\"bar\""), 2u);
  EXPECT_NE(limited.out.find("Only the newest 2 refreshes are shown"), std::string::npos);
  EXPECT_EQ(limited.err,
            "refreshctl: only the newest 2 refreshes are in the report (see --limit)\n");
  auto limited_file = refreshctl_db({"report", "--limit", "2", "-o", dir_.file("r.html")});
  EXPECT_EQ(
      limited_file.out.rfind(
          "wrote " + dir_.file("r.html") + ": 2 refreshes (only the newest; see --limit), ", 0),
      0u)
      << limited_file.out;
}

TEST_P(ReportTest, ThePageHoldsNoSecretEvenWhenAnErrorEchoedIt) {
  const std::string token = "tok-5e3c9a0b7d";
  // The status request reads the headers the service last received: the
  // Authorization header comes back as the error message.
  std::string text = target_toml({.name = "cube",
                                  .status_url = service_->url("/api/last-headers"),
                                  .extra_status = "error = \"/authorization\"\n"
                                                  "message = \"/authorization\""});
  text.replace(text.find("message = \"/errorMessage\"\n"), 26, "");
  text.replace(text.find("job_id = \"/jobId\""), 17,
               "job_id = \"/jobId\"\nheaders = { Authorization = \"Bearer ${env:TOKEN}\" }");
  ASSERT_EQ(refreshctl_db({"apply", "-f", dir_.write("t.toml", text)}).exit_code, 0);
  RunOptions env{.env = {{"TOKEN", token}}};
  EXPECT_EQ(refreshctl_db({"run"}, env).exit_code, 1);
  auto h = history();
  ASSERT_EQ(h.size(), 1u);
  ASSERT_EQ(h[0]["state"], "failed");
  EXPECT_EQ(h[0]["error"], "Bearer ***");  // redacted when it was recorded

  std::string page = dir_.file("report.html");
  auto r = refreshctl_db({"report", "-o", page}, env);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  std::string html = read_file(page);
  EXPECT_NE(html.find("<td class=\"msg\">Bearer ***</td>"), std::string::npos);
  EXPECT_EQ((html + r.out + r.err).find(token), std::string::npos);
  EXPECT_EQ(html.find("tok-"), std::string::npos);
}

// A history of 10,000 refreshes written through the Store into a real SQLite
// file: the page stays under 5 MB. (bench/report.py measures the time.)
TEST(ReportSize, TenThousandRefreshesMakeAPageUnderFiveMegabytes) {
  TempDir dir;
  std::string db = dir.file("refreshctl.db");
  {
    auto store = open_store(db);
    ASSERT_TRUE(store.ok()) << store.error();
    TimePoint start = *parse_rfc3339("2026-11-01T00:00:00Z");
    auto run_id = (*store)->begin_run({0, start, "host", 1});
    ASSERT_TRUE(run_id.ok()) << run_id.error();
    std::vector<RefreshRecord> records(10'000);
    std::vector<RefreshRecord*> claims;
    for (size_t i = 0; i < records.size(); ++i) {
      RefreshRecord& r = records[i];
      r.run_id = *run_id;
      r.target = "target-" + std::to_string(i % 20);
      r.version = "2026-" + std::to_string(1 + i / 20 % 5);
      r.slot = start + std::chrono::hours(i / 100);
      r.started_at = r.slot;
      r.revision = i < 5000 ? 1 : 2;
      bool fails = i % 37 == 0;
      r.state = fails ? RefreshState::kFailed : RefreshState::kSucceeded;
      r.triggered_at = r.started_at + std::chrono::milliseconds(40);
      r.finished_at = r.started_at + std::chrono::minutes(3 + i % 12);
      r.job_id = "j-" + std::to_string(i);
      r.polls = 12;
      r.http_status = 200;
      if (fails) r.error = "segment build failed: <OutOfMemoryError> at \"stage 3\" & more";
      claims.push_back(&r);
    }
    std::vector<bool> claimed;
    ASSERT_TRUE((*store)->claim(claims, &claimed).ok());
    std::vector<const RefreshRecord*> updates(claims.begin(), claims.end());
    ASSERT_TRUE((*store)->update(updates).ok());
  }
  std::string page = dir.file("report.html");
  auto r = refreshctl({"--db", db, "report", "-o", page});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  std::string html = read_file(page);
  EXPECT_LT(html.size(), 5'000'000u);
  EXPECT_EQ(count(html, "<rect class=\"bar\""), 10'000u);
  EXPECT_EQ(count(html, "<g class=\"lane\""), 100u);
  EXPECT_EQ(html.find("Only the newest"), std::string::npos);
}

REFRESHCTL_ON_BOTH_BACKENDS(ReportTest);

}  // namespace
}  // namespace refreshctl::testing
