#include "integration/run_fixture.h"

#include <fmt/format.h>

#include <chrono>
#include <thread>

#include "util/time.h"

namespace refreshctl::testing {

std::string RunTest::target_toml(const TargetSpec& s) const {
  std::string versions;
  for (const auto& v : s.versions) versions += (versions.empty() ? "\"" : ", \"") + v + "\"";
  std::string status_url = s.status_url.empty()
                               ? service_->base_url() + "/api/status/{{job_id}}" + s.status_query
                               : s.status_url;
  return fmt::format(
      R"([[target]]
name = "{name}"
data_type = "{name}"
versions = [{versions}]
poll_interval = "{poll_interval}"
max_poll_interval = "{max_poll_interval}"
max_refresh_time = "{max_refresh_time}"
max_concurrency = {max_concurrency}
{extra}

[target.refresh]
url = "{base}/api/refresh{refresh_query}"
body = '{{"type": "{{{{data_type}}}}", "version": "{{{{version}}}}"}}'
job_id = "/jobId"
{extra_refresh}

[target.status]
url = "{status_url}"
state = "/status"
succeeded = ["SUCCEEDED"]
failed = ["FAILED"]
message = "/errorMessage"
{extra_status}
)",
      fmt::arg("name", s.name), fmt::arg("versions", versions), fmt::arg("extra", s.extra),
      fmt::arg("max_refresh_time", s.max_refresh_time),
      fmt::arg("max_concurrency", s.max_concurrency), fmt::arg("base", service_->base_url()),
      fmt::arg("refresh_query", s.refresh_query), fmt::arg("status_url", status_url),
      fmt::arg("extra_status", s.extra_status), fmt::arg("poll_interval", s.poll_interval),
      fmt::arg("max_poll_interval", s.max_poll_interval),
      fmt::arg("extra_refresh", s.extra_refresh));
}

void RunTest::apply(const std::vector<TargetSpec>& specs) {
  std::string text;
  for (const auto& s : specs) text += target_toml(s) + "\n";
  auto r = refreshctl_db({"apply", "-f", dir_.write("targets.toml", text)});
  ASSERT_EQ(r.exit_code, 0) << r.err;
}

ProcessResult RunTest::refreshctl_db(std::vector<std::string> args, RunOptions options) const {
  args.insert(args.begin(), {"--db", db_});
  return refreshctl(args, options);
}

ProcessResult RunTest::run(std::vector<std::string> extra) const {
  std::vector<std::string> args{"run"};
  args.insert(args.end(), extra.begin(), extra.end());
  return refreshctl_db(args);
}

nlohmann::json RunTest::history(std::vector<std::string> extra) const {
  std::vector<std::string> args{"--json", "history", "--limit", "1000"};
  args.insert(args.end(), extra.begin(), extra.end());
  auto r = refreshctl_db(args);
  EXPECT_EQ(r.exit_code, 0) << r.err;
  return nlohmann::json::parse(r.out);
}

void RunTest::wait_for_state(const std::string& state, size_t count) const {
  for (int i = 0; i < 100; ++i) {
    size_t n = 0;
    for (const auto& r : history()) n += r["state"] == state;
    if (n >= count) return;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  ADD_FAILURE() << "no " << count << " refreshes in state " << state << " within 5 s";
}

nlohmann::json RunTest::service_json(const std::string& path) const {
  auto r = service_->get(path);
  EXPECT_TRUE(r.ok() && r.status == 200) << path << ": " << r.error << " " << r.status;
  return nlohmann::json::parse(r.body, nullptr, false);
}

std::unique_ptr<BackgroundProcess> RunTest::start_run(std::vector<std::string> extra) const {
  std::vector<std::string> argv{REFRESHCTL_BIN, "--db", db_, "run"};
  argv.insert(argv.end(), extra.begin(), extra.end());
  return std::make_unique<BackgroundProcess>(argv);
}

std::string RunTest::tomorrow_at(int minute, int second) {
  auto day = std::chrono::floor<std::chrono::days>(SystemClock().now()) + std::chrono::days(1);
  return format_rfc3339(day + std::chrono::minutes(minute) + std::chrono::seconds(second));
}

int RunTest::triggers(const std::string& type_and_version) const {
  auto stats = service_json("/api/stats");
  if (!stats.contains("triggers") || !stats["triggers"].contains(type_and_version)) return 0;
  return stats["triggers"][type_and_version].get<int>();
}

// Once for every TEST_P(RunTest, ...) of every file.
REFRESHCTL_ON_BOTH_BACKENDS(RunTest);

}  // namespace refreshctl::testing
