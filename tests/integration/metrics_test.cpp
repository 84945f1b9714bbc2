// refreshctl metrics after real runs of the example service, read by the
// reference parser of the Prometheus text format (python3-prometheus-client),
// never grepped; and the textfile replaced atomically under a reader.
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <atomic>
#include <chrono>
#include <cmath>
#include <filesystem>
#include <thread>

#include "integration/run_fixture.h"
#include "report/prometheus.h"

namespace refreshctl::testing {
namespace {

// The families of `text` as the reference parser reads them.
nlohmann::json parse_exposition(const std::string& text) {
  auto r = run_process(
      {"/usr/bin/python3", std::string(TESTS_SOURCE_DIR) + "/integration/prometheus_parse.py"},
      {.stdin_text = text});
  EXPECT_EQ(r.exit_code, 0) << r.err << "\n" << text;
  return nlohmann::json::parse(r.out, nullptr, false);
}

// The value of the sample `name` whose labels are `labels`; NaN when none.
double sample(const nlohmann::json& families,
              const std::string& name,
              const nlohmann::json& labels = nlohmann::json::object()) {
  for (const auto& f : families) {
    for (const auto& s : f["samples"]) {
      if (s["name"] == name && s["labels"] == labels) return s["value"].get<double>();
    }
  }
  return std::nan("");
}

std::string family_type(const nlohmann::json& families, const std::string& name) {
  for (const auto& f : families) {
    if (f["name"] == name) return f["type"];
  }
  return "";
}

double now_seconds() {
  return std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count();
}

class MetricsTest : public RunTest {};

TEST_P(MetricsTest, ARunsOutcomesReadBackThroughThePrometheusParser) {
  apply({{.name = "cube", .versions = {"good", "will-fail"}}});
  double before = now_seconds();
  ASSERT_EQ(run().exit_code, 1);
  double after = now_seconds();
  auto r = refreshctl_db({"metrics"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto f = parse_exposition(r.out);
  ASSERT_TRUE(f.is_array()) << r.out;

  nlohmann::json good = {{"target", "cube"}, {"version", "good"}};
  nlohmann::json bad = {{"target", "cube"}, {"version", "will-fail"}};
  auto with_state = [](nlohmann::json labels, const char* state) {
    labels["state"] = state;
    return labels;
  };
  EXPECT_EQ(family_type(f, "refreshctl_refresh_last_state"), "gauge");
  EXPECT_EQ(sample(f, "refreshctl_refresh_last_state", with_state(good, "succeeded")), 1);
  EXPECT_EQ(sample(f, "refreshctl_refresh_last_state", with_state(good, "failed")), 0);
  EXPECT_EQ(sample(f, "refreshctl_refresh_last_state", with_state(bad, "failed")), 1);
  EXPECT_EQ(sample(f, "refreshctl_refresh_last_state", with_state(bad, "succeeded")), 0);

  EXPECT_EQ(family_type(f, "refreshctl_refreshes"), "counter");
  EXPECT_EQ(sample(f, "refreshctl_refreshes_total", with_state(good, "succeeded")), 1);
  EXPECT_EQ(sample(f, "refreshctl_refreshes_total", with_state(bad, "failed")), 1);
  EXPECT_TRUE(std::isnan(sample(f, "refreshctl_refreshes_total", with_state(good, "failed"))));

  double success = sample(f, "refreshctl_refresh_last_success_timestamp_seconds", good);
  EXPECT_GE(success, before - 1);
  EXPECT_LE(success, after + 1);
  EXPECT_TRUE(std::isnan(sample(f, "refreshctl_refresh_last_success_timestamp_seconds", bad)));
  // The example service takes about a second (--duration 1s) to finish.
  double took = sample(f, "refreshctl_refresh_last_duration_seconds", good);
  EXPECT_GE(took, 0.5);
  EXPECT_LE(took, after - before + 1);

  EXPECT_EQ(sample(f, "refreshctl_runs_total"), 1);
  double last_run = sample(f, "refreshctl_last_run_timestamp_seconds");
  EXPECT_GE(last_run, before - 1);
  EXPECT_LE(last_run, after + 1);
}

TEST_P(MetricsTest, AMissingDatabaseIsAnErrorAndNothingIsCreated) {
  std::string missing = dir_.file("none/refreshctl.db");
  auto r = refreshctl({"--db", missing, "metrics", "--textfile", dir_.file("r.prom")});
  EXPECT_EQ(r.exit_code, 3) << r.out;
  EXPECT_NE(r.err.find(missing + " does not exist"), std::string::npos) << r.err;
  EXPECT_FALSE(std::filesystem::exists(dir_.file("none")));
  EXPECT_FALSE(std::filesystem::exists(dir_.file("r.prom")));
}

class MetricsTextfileTest : public RunTest {};

TEST_P(MetricsTextfileTest, TheTextfileIsReplacedByRenameAndAReaderNeverSeesHalfOfIt) {
  apply({{.name = "cube", .versions = {"good", "will-fail"}}});
  ASSERT_EQ(run().exit_code, 1);
  std::string prom = dir_.file("refreshctl.prom");
  ASSERT_EQ(refreshctl_db({"metrics", "--textfile", prom}).exit_code, 0);
  const std::string whole = read_file(prom);
  ASSERT_FALSE(parse_exposition(whole).empty());

  std::atomic<bool> done{false};
  int reads = 0, partial = 0;
  std::thread reader([&] {
    while (!done) {
      std::string seen = read_file(prom);
      ++reads;
      if (seen != whole) ++partial;
    }
  });
  struct stat st {};
  ASSERT_EQ(stat(prom.c_str(), &st), 0);
  ino_t inode = st.st_ino;
  int renames = 0;
  for (int i = 0; i < 20; ++i) {  // bounded: 20 rewrites, each a process
    auto r = refreshctl_db({"metrics", "--textfile", prom});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    ASSERT_EQ(stat(prom.c_str(), &st), 0);
    renames += st.st_ino != inode ? 1 : 0;
    inode = st.st_ino;
  }
  done = true;
  reader.join();
  EXPECT_EQ(partial, 0) << "of " << reads << " reads";
  EXPECT_GT(reads, 20);
  EXPECT_EQ(renames, 20) << "each rewrite is a new file renamed into place";
  EXPECT_EQ((st.st_mode & 0777) & ~0644, 0u) << "readable by node_exporter, writable by none";
  size_t files = 0;
  for ([[maybe_unused]] const auto& e : std::filesystem::directory_iterator(dir_.path())) ++files;
  EXPECT_EQ(files, 2u) << "targets.toml and the .prom file: no temporary file left";
}

TEST(Metrics, LabelValuesAreEscapedSoTheParserReadsThemBackAsWritten) {
  EXPECT_EQ(report::escape_label_value("a\\b\"c\nd"), "a\\\\b\\\"c\\nd");
  report::MetricsInput in;
  VersionStats v;
  v.target = "cube";
  v.version = "we\"ird\\ver\nsion {x=\"1\"}";
  v.counts[RefreshState::kFailed] = 3;
  v.last_state = RefreshState::kFailed;
  in.versions.push_back(v);
  auto f = parse_exposition(report::render_metrics(in));
  nlohmann::json labels = {{"target", "cube"}, {"version", v.version}, {"state", "failed"}};
  EXPECT_EQ(sample(f, "refreshctl_refreshes_total", labels), 3);
  EXPECT_EQ(sample(f, "refreshctl_refresh_last_state", labels), 1);
  EXPECT_EQ(sample(f, "refreshctl_runs_total"), 0);
}

REFRESHCTL_ON_BOTH_BACKENDS(MetricsTest);
REFRESHCTL_ON_SQLITE(MetricsTextfileTest);

}  // namespace
}  // namespace refreshctl::testing
