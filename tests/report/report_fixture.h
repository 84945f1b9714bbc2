// Plain history values for the report's tests: no database, no clock.
#pragma once

#include <string>

#include "report/report.h"
#include "util/time.h"

namespace refreshctl::report {

// 2026-11-23T02:00:00Z plus `minutes`.
inline TimePoint at_minute(double minutes) {
  return *parse_rfc3339("2026-11-23T02:00:00Z") +
         std::chrono::milliseconds(static_cast<int64_t>(minutes * 60'000));
}

// An ended refresh of target/version, triggered at `start` minutes, taking
// `took` minutes.
inline RefreshRecord refresh(const std::string& target,
                             const std::string& version,
                             RefreshState state,
                             double start,
                             double took,
                             int revision = 1) {
  static int64_t next_id = 0;
  RefreshRecord r;
  r.id = ++next_id;
  r.target = target;
  r.version = version;
  r.state = state;
  r.revision = revision;
  r.slot = at_minute(start);
  r.started_at = at_minute(start);
  r.triggered_at = at_minute(start);
  r.finished_at = at_minute(start + took);
  r.job_id = "j-" + std::to_string(r.id);
  r.polls = 3;
  r.http_status = 200;
  return r;
}

}  // namespace refreshctl::report
