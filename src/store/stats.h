// What `metrics` and `doctor` read from a store: aggregates of the history
// and the database's own health. Free functions over Store, so that the
// interface every command includes stays as it is.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "store/store.h"

namespace refreshctl {

// What `metrics` shows of one (target, version), aggregated by the database.
struct VersionStats {
  std::string target;
  std::string version;
  std::map<RefreshState, int64_t> counts;            // refreshes recorded, by state
  RefreshState last_state = RefreshState::kPending;  // of the newest refresh
  std::optional<TimePoint> last_success;             // when the newest success finished
  std::optional<Millis> last_duration;               // of the newest refresh that ran and ended
};

struct RunStats {
  int64_t count = 0;
  std::optional<TimePoint> last_started;
};

// What `doctor` asks of the database itself.
struct DatabaseHealth {
  int schema_version = 0;
  int latest_schema_version = 0;             // the newest this binary knows
  std::string write_error;                   // empty: a write transaction opens
  std::optional<TimePoint> server_now;       // the server's clock (PostgreSQL only)
  std::optional<TimePoint> newest_recorded;  // when the newest run started
};

// Per (target, version) ever recorded, ordered by target and version: counts
// and the newest outcomes, aggregated in the database (one GROUP BY pass over
// history, then a few rows read by id).
Result<std::vector<VersionStats>> version_stats(Store& store);
Result<RunStats> run_stats(Store& store);
// Schema version, whether a write works (tried in a transaction that is
// rolled back) and the server's clock.
Result<DatabaseHealth> database_health(Store& store);

}  // namespace refreshctl
