// What the report shows, computed from the history before any HTML is
// written: lanes per target and version, the time window and its axis ticks,
// and each target's numbers. Pure functions of their inputs, so they are
// tested with plain values.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "report/report.h"
#include "util/duration.h"

namespace refreshctl::report {

// A refresh's bar: from its trigger (or its start, when it was never
// triggered) to its end, or to `now` while it is still open.
struct Span {
  TimePoint from;
  TimePoint to;
};
Span bar_span(const RefreshRecord& r, TimePoint now);

struct Lane {
  std::string version;
  std::vector<const RefreshRecord*> refreshes;  // by start, oldest first
};

struct TargetStats {
  int refreshes = 0;
  int succeeded = 0;
  int failures = 0;  // failed, timed_out, error, unknown
  int missed = 0;
  int open = 0;                        // pending, triggering, polling
  std::optional<double> success_rate;  // succeeded / (succeeded + failures)
  std::optional<Millis> p50, p95;      // of succeeded refreshes, start to end
};

struct TargetGroup {
  std::string name;
  bool removed = false;
  std::vector<Lane> lanes;  // by version
  TargetStats stats;
  const std::vector<RevisionInfo>* revisions = nullptr;  // oldest first; may be null
};

// One group per target (by name), one lane per version. The records must
// outlive the groups.
std::vector<TargetGroup> group_by_target(const ReportInput& input);

TargetStats target_stats(const std::vector<const RefreshRecord*>& refreshes);

// Nearest-rank percentile (q in (0, 1]) of `sorted`, ascending; nullopt when empty.
std::optional<Millis> percentile(const std::vector<Millis>& sorted, double q);

// The time the timeline covers: from --since (else the first bar's start) to
// now when --since is given (else the last bar's end, with 1% of air on each
// side); never empty.
struct Window {
  TimePoint from;
  TimePoint to;
};
Window time_window(const ReportInput& input);

// Axis ticks at a round step ("every 15 minutes", "every day") chosen so that
// at most `max_ticks` fall in the window; labels in UTC.
struct Tick {
  TimePoint at;
  std::string label;  // "02:30", "11-23 00:00", "2026-11-23", "02:30:15"
};
std::vector<Tick> time_ticks(Window window, int max_ticks);

}  // namespace refreshctl::report
