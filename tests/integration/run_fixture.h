// What the `refreshctl run` integration tests share: a temporary database,
// the example service on 127.0.0.1, and target files pointing at it.
#pragma once

#include <gtest/gtest.h>

#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "support/example_service.h"
#include "support/process.h"
#include "support/temp_dir.h"
#include "support/test_db.h"

namespace refreshctl::testing {

struct TargetSpec {
  std::string name = "cube";
  std::vector<std::string> versions{"v1"};
  std::string status_query;   // appended to the status URL: "?flaky=1"
  std::string status_url;     // replaces the status URL when set
  std::string extra;          // more top-level lines ("max_refresh_time = \"2s\"")
  std::string extra_status;   // more [target.status] lines
  std::string extra_refresh;  // more [target.refresh] lines
  std::string refresh_query;  // appended to the refresh URL
  std::string max_refresh_time = "30s";
  int max_concurrency = 16;
  std::string poll_interval = "200ms";
  std::string max_poll_interval = "500ms";
};

// Parameterised by the backend: every test runs on SQLite and on PostgreSQL.
class RunTest : public ::testing::TestWithParam<Backend> {
 protected:
  explicit RunTest(std::vector<std::string> service_args = {"--duration", "1s"})
      : service_(std::make_unique<ExampleService>(service_args)) {}

  // A target file for the example service.
  std::string target_toml(const TargetSpec& spec) const;
  // Applies the targets; fails the test if apply fails.
  void apply(const std::vector<TargetSpec>& specs);
  ProcessResult refreshctl_db(std::vector<std::string> args, RunOptions options = {}) const;
  ProcessResult run(std::vector<std::string> extra = {}) const;
  nlohmann::json history(std::vector<std::string> extra = {}) const;
  // Waits (up to 5 s) until `count` refreshes are in `state`, as a run in
  // the background records them.
  void wait_for_state(const std::string& state, size_t count) const;
  // GET on the example service, parsed as JSON.
  nlohmann::json service_json(const std::string& path) const;
  // How many refresh requests the service received for type/version.
  int triggers(const std::string& type_and_version) const;
  // `refreshctl --db DB run ARGS...` in the background.
  std::unique_ptr<BackgroundProcess> start_run(std::vector<std::string> extra = {}) const;
  // An --at value: the given minute of tomorrow, so that its slots are due
  // whatever the machine's speed and after the targets were created.
  static std::string tomorrow_at(int minute, int second = 10);

  TempDir dir_;
  TestDb test_db_{GetParam()};
  std::string db_ = test_db_.spec();
  std::unique_ptr<ExampleService> service_;
};

// Instantiates a RunTest-derived suite on both backends.
#define REFRESHCTL_ON_BOTH_BACKENDS(Suite)                                           \
  INSTANTIATE_TEST_SUITE_P(Backends, Suite,                                          \
                           ::testing::Values(Backend::kSqlite, Backend::kPostgres),  \
                           [](const ::testing::TestParamInfo<Backend>& info) {       \
                             return ::refreshctl::testing::backend_name(info.param); \
                           })

// Instantiates a RunTest-derived suite on SQLite only: for what does not
// depend on the backend (how output looks), where one backend is enough.
#define REFRESHCTL_ON_SQLITE(Suite)                                                  \
  INSTANTIATE_TEST_SUITE_P(Backends, Suite, ::testing::Values(Backend::kSqlite),     \
                           [](const ::testing::TestParamInfo<Backend>& info) {       \
                             return ::refreshctl::testing::backend_name(info.param); \
                           })

}  // namespace refreshctl::testing
