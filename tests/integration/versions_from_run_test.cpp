// versions_from (SPEC §10): a target's versions read from the example
// service at run time, once per slot. The real binary, a real database on
// both backends and the example service on 127.0.0.1.
#include <csignal>
#include <set>

#include "integration/run_fixture.h"

namespace refreshctl::testing {
namespace {

using nlohmann::json;

class VersionsFromRun : public RunTest {
 protected:
  VersionsFromRun() : RunTest({"--duration", "300ms"}) {}

  // A target whose versions come from `url` instead of a list.
  TargetSpec listing(const std::string& name,
                     const std::string& url,
                     const std::string& more = "") const {
    TargetSpec spec{.name = name, .versions = {}};
    spec.extra = "versions_from = { url = \"" + url + "\", pointer = \"/versions\"" + more + " }\n";
    return spec;
  }
  // Applies the targets; those without versions get no versions line.
  void apply_listing(const std::vector<TargetSpec>& specs, RunOptions options = {}) {
    std::string text;
    for (const auto& s : specs) {
      std::string toml = target_toml(s);
      if (s.versions.empty()) toml.replace(toml.find("versions = []\n"), 14, "");
      text += toml + "\n";
    }
    auto r = refreshctl_db({"apply", "-f", dir_.write("targets.toml", text)}, options);
    ASSERT_EQ(r.exit_code, 0) << r.err;
  }
  // How many requests for the version list the service received.
  int list_requests() const {
    int n = 0;
    for (const auto& line : service_json("/api/log")) {
      n += line.get<std::string>().rfind("GET /api/versions", 0) == 0;
    }
    return n;
  }
  json refreshes_of(const std::string& name) const { return history({"--target", name}); }
};

TEST_P(VersionsFromRun, TheLatestTwoOfFiveVersionsAreTriggeredAndShownInHistoryAndReport) {
  apply_listing({listing("cube", service_->url("/api/versions?count=5"), ", latest = 2")});
  auto r = run();
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_NE(r.out.find("2 versions read from"), std::string::npos) << r.out;
  EXPECT_EQ(list_requests(), 1);
  // The newest two, each once; the older three not at all.
  EXPECT_EQ(triggers("cube/2026-11-19"), 1);
  EXPECT_EQ(triggers("cube/2026-11-20"), 1);
  for (const char* older : {"cube/2026-11-16", "cube/2026-11-17", "cube/2026-11-18"}) {
    EXPECT_EQ(triggers(older), 0) << older;
  }
  json h = refreshes_of("cube");
  ASSERT_EQ(h.size(), 2u) << h.dump(2);
  std::set<std::string> versions;
  for (const auto& rec : h) {
    EXPECT_EQ(rec["state"], "succeeded") << rec.dump();
    versions.insert(rec["version"].get<std::string>());
  }
  EXPECT_EQ(versions, (std::set<std::string>{"2026-11-19", "2026-11-20"}));
  auto table = refreshctl_db({"history", "--target", "cube"});
  EXPECT_NE(table.out.find("2026-11-20"), std::string::npos) << table.out;
  auto report = refreshctl_db({"report", "-o", dir_.file("report.html")});
  ASSERT_EQ(report.exit_code, 0) << report.err;
  std::string page = read_file(dir_.file("report.html"));
  EXPECT_NE(page.find("2026-11-19"), std::string::npos);
  EXPECT_NE(page.find("2026-11-20"), std::string::npos);
  EXPECT_EQ(page.find("2026-11-18"), std::string::npos);
}

TEST_P(VersionsFromRun, ARunAfterAKillInTheSameSlotUsesTheStoredListAndDoesNotReadAgain) {
  TargetSpec spec = listing("cube", service_->url("/api/versions?count=5"), ", latest = 2");
  spec.refresh_query = "?duration=3s";  // still polling when the first run is killed
  spec.extra += "schedule = \"* * * * *\"\n";
  apply_listing({spec});
  std::string slot = tomorrow_at(1);
  auto first = start_run({"--at", slot});
  wait_for_state("polling", 2);
  first->signal(SIGKILL);
  first->wait();
  ASSERT_EQ(list_requests(), 1);
  // The same slot again: its two open refreshes are resumed, nothing is
  // read or triggered again.
  auto second = run({"--at", slot});
  ASSERT_EQ(second.exit_code, 0) << second.out << second.err;
  EXPECT_EQ(list_requests(), 1) << second.out;
  EXPECT_EQ(second.out.find("versions read from"), std::string::npos) << second.out;
  EXPECT_EQ(triggers("cube/2026-11-19"), 1);
  EXPECT_EQ(triggers("cube/2026-11-20"), 1);
  json h = refreshes_of("cube");
  ASSERT_EQ(h.size(), 2u) << h.dump(2);
  for (const auto& rec : h) EXPECT_EQ(rec["state"], "succeeded") << rec.dump();
  // A third run of the slot finds it done, without asking the service.
  auto third = run({"--at", slot});
  EXPECT_EQ(third.exit_code, 0) << third.out << third.err;
  EXPECT_EQ(list_requests(), 1);
}

TEST_P(VersionsFromRun, RetriesOfTheSlotsRefreshesUseTheStoredListWithoutReadingAgain) {
  TargetSpec spec = listing("cube", service_->url("/api/versions?count=3"));
  spec.extra += "schedule = \"* * * * *\"\nretries = 1\nretry_delay = \"0s\"\n";
  spec.refresh_query = "?reject=1";  // every trigger fails
  apply_listing({spec});
  std::string slot = tomorrow_at(1);
  auto first = run({"--at", slot});
  EXPECT_EQ(first.exit_code, 1) << first.out << first.err;
  EXPECT_EQ(list_requests(), 1);
  EXPECT_EQ(triggers("cube/2026-11-18"), 2);  // the attempt and its retry, one read
  json h = refreshes_of("cube");
  EXPECT_EQ(h.size(), 6u) << h.dump(2);
  for (const auto& rec : h) EXPECT_NE(rec["version"], "") << rec.dump();
}

TEST_P(VersionsFromRun, AnEndpointDownIsAnErrorRecordNamingItWhileAnotherTargetSucceeds) {
  // Nothing listens on port 1 of the loopback; the token must not show.
  TargetSpec down = listing(
      "listing", "http://127.0.0.1:1/api/versions?token=${env:VERSIONS_TOKEN}", ", latest = 2");
  down.extra += "retries = 1\nretry_delay = \"0s\"\n";
  RunOptions env{.env = {{"VERSIONS_TOKEN", "tok-9f8e7d6c"}}};
  apply_listing({down, TargetSpec{.name = "plain", .versions = {"v1"}}}, env);
  auto r = refreshctl_db({"run"}, env);
  EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
  EXPECT_EQ((r.out + r.err).find("tok-9f8e7d6c"), std::string::npos) << r.out << r.err;
  json h = refreshes_of("listing");
  ASSERT_EQ(h.size(), 2u) << h.dump(2);  // the reading and its one retry
  for (const auto& rec : h) {
    EXPECT_EQ(rec["state"], "error");
    EXPECT_EQ(rec["version"], "");
    std::string error = rec["error"].get<std::string>();
    EXPECT_NE(error.find("reading the versions from http://127.0.0.1:1/api/versions?token=***"),
              std::string::npos)
        << error;
    EXPECT_NE(error.find("onnect"), std::string::npos) << error;
  }
  EXPECT_EQ(h[0]["attempt"], 1);
  json plain = refreshes_of("plain");
  ASSERT_EQ(plain.size(), 1u);
  EXPECT_EQ(plain[0]["state"], "succeeded");
  EXPECT_EQ(triggers("plain/v1"), 1);
  auto table = refreshctl_db({"history", "--target", "listing"});
  EXPECT_EQ(table.out.find("tok-9f8e7d6c"), std::string::npos) << table.out;
}

TEST_P(VersionsFromRun, AnAnswerWithoutTheListIsAnErrorThatSaysSo) {
  apply_listing({listing("cube", service_->url("/api/reply?status=200&body=%7B%22v%22%3A1%7D"))});
  auto r = run();
  EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
  json h = refreshes_of("cube");
  ASSERT_EQ(h.size(), 1u);
  EXPECT_EQ(h[0]["version"], "");
  EXPECT_NE(h[0]["error"].get<std::string>().find("the answer has no value at /versions"),
            std::string::npos)
      << h[0].dump();
}

TEST_P(VersionsFromRun, AnEmptyListIsNotedAndIsNotAnError) {
  apply_listing({listing("cube", service_->url("/api/versions?count=0"))});
  auto r = run();
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_NE(r.out.find("lists no versions for slot"), std::string::npos) << r.out;
  EXPECT_TRUE(refreshes_of("cube").empty());
}

TEST_P(VersionsFromRun, ADryRunSaysTheVersionsAreStillToBeReadAndAsksNothing) {
  apply_listing({listing("cube", service_->url("/api/versions?count=5"))});
  auto r = run({"--dry-run"});
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_NE(r.out.find("would trigger cube (versions from " + service_->base_url()),
            std::string::npos)
      << r.out;
  EXPECT_EQ(list_requests(), 0);
  EXPECT_TRUE(refreshes_of("cube").empty());
}

TEST_P(VersionsFromRun, TheExampleTargetFileReadsTheNewestTwoVersionsOfTheExampleService) {
  RunOptions env{.env = {{"EXAMPLE_SERVICE", service_->base_url()}, {"EXAMPLE_TOKEN", "t0k3n"}}};
  auto applied = refreshctl_db(
      {"apply", "-f", std::string(PROJECT_SOURCE_DIR) + "/examples/targets/versions-from.toml"});
  ASSERT_EQ(applied.exit_code, 0) << applied.err;
  auto r = refreshctl_db({"run", "--now"}, env);
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_EQ(triggers("events/2026-11-19"), 1);
  EXPECT_EQ(triggers("events/2026-11-20"), 1);
  EXPECT_EQ(refreshes_of("daily-partitions").size(), 2u);
}

REFRESHCTL_ON_BOTH_BACKENDS(VersionsFromRun);

}  // namespace
}  // namespace refreshctl::testing
