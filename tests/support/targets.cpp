#include "support/targets.h"

#include <fmt/format.h>

namespace refreshctl::testing {

std::string sample_target_toml(const std::string& name, const std::string& base_url) {
  return fmt::format(R"([[target]]
name = "{0}"
data_type = "sales"
versions = ["2026-10", "2026-11"]
max_refresh_time = "45m"
poll_interval = "5s"
max_poll_interval = "1m"
max_concurrency = 4
retries = 0
enabled = true

[target.refresh]
method = "POST"
url = "{1}/api/refresh"
headers = {{ Authorization = "Bearer ${{env:CUBE_TOKEN}}", Content-Type = "application/json" }}
body = '{{"type": "{{{{data_type}}}}", "version": "{{{{version}}}}"}}'
success_codes = [200, 201, 202]
job_id = "/jobId"

[target.status]
method = "GET"
url = "{1}/api/status/{{{{job_id}}}}"
state = "/status"
succeeded = ["SUCCEEDED"]
failed = ["FAILED"]
message = "/errorMessage"
)",
                     name, base_url);
}

}  // namespace refreshctl::testing
