// One `refreshctl run`: resume what a killed run left open, trigger every
// due refresh, poll each until it ends or passes its deadline, and record
// every state change as it happens. The caller holds the run lock.
//
// The runner is a state machine per refresh driven by one event loop; it
// talks to an http::Client and a Store and knows neither libcurl nor SQL.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "config/template.h"
#include "http/client.h"
#include "store/store.h"
#include "util/time.h"

namespace refreshctl::engine {

struct RunOptions {
  std::vector<std::string> targets;  // empty: every enabled target
  bool manual = false;               // --now: a manual slot now, whatever the schedule
  bool dry_run = false;              // say what is due; claim and send nothing
  int max_concurrency = 10'000;      // refreshes in flight at once, all targets
  Millis stop_grace{2'000};          // on stop, how long to wait for triggers in flight
  std::function<bool()> stop_requested = [] { return false; };
};

// Told of everything a person or a log should see.
class RunObserver {
 public:
  virtual ~RunObserver() = default;
  // After every state change of a refresh, once it is recorded (or, for a
  // dry run, planned).
  virtual void on_state(const RefreshRecord& record) = 0;
  // A note about the run as a whole ("resuming 3 refreshes", "nothing due").
  virtual void on_note(const std::string& text) = 0;
  // Called about every 200 ms with the refreshes in flight, for live views.
  virtual void on_tick(const std::vector<const RefreshRecord*>& in_flight, TimePoint now) {
    (void)in_flight;
    (void)now;
  }
};

struct RunSummary {
  int64_t run_id = 0;
  std::map<RefreshState, int> by_state;  // final state of every refresh this run handled
  int resumed = 0;
  bool stopped = false;  // a stop was requested; open refreshes are left to the next run
  bool any_failure() const;
  int total() const;
};

struct RunContext {
  Store& store;
  http::Client& http;
  const Clock& clock;
  const ReferenceResolver& resolver;
  RunObserver& observer;
};

// Runs to completion (or until stop_requested). Fails only when the store
// fails; refresh failures are in the summary.
Result<RunSummary> run_refreshes(const RunContext& context, const RunOptions& options);

}  // namespace refreshctl::engine
