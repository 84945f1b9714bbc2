// `refreshctl metrics`: the history as the Prometheus text exposition format
// (version 0.0.4), for a scrape or node_exporter's textfile collector.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "store/stats.h"

namespace refreshctl::report {

struct MetricsInput {
  std::vector<VersionStats> versions;
  RunStats runs;
};

// A label value as the format writes it between quotes: backslash, double
// quote and line feed escaped (\\, \", \n); everything else as it is.
std::string escape_label_value(std::string_view value);

// Every metric family, each with its HELP and TYPE lines:
//   refreshctl_refresh_last_state{target,version,state}   1 for the newest
//       refresh's state, 0 for every other state
//   refreshctl_refresh_last_success_timestamp_seconds{target,version}
//   refreshctl_refresh_last_duration_seconds{target,version}
//   refreshctl_refreshes_total{target,version,state}      counter
//   refreshctl_runs_total, refreshctl_last_run_timestamp_seconds
std::string render_metrics(const MetricsInput& input);

}  // namespace refreshctl::report
