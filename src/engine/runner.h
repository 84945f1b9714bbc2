// One `refreshctl run`: lock each target it works on, resume what a killed
// run left open, trigger every due refresh, poll each until it ends or passes
// its deadline, record every state change as it happens, and release each
// target's lock once its refreshes have ended (SPEC §3).
//
// The runner is a state machine per refresh driven by one event loop; it
// talks to an http::Client and a Store and knows neither libcurl nor SQL.
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <optional>
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
  bool dry_run = false;              // say what is due; lock, claim and send nothing
  int max_concurrency = 10'000;      // refreshes in flight at once, all targets
  // --at: decide which slots are due as if the clock had read this when the
  // run started. Recorded times, polls and deadlines stay real.
  std::optional<TimePoint> at;
  Millis wait_lock{0};       // how long to wait for targets busy in another run
  Millis stop_grace{2'000};  // on stop, how long to wait for triggers in flight
  std::function<bool()> stop_requested = [] { return false; };
};

// Told of everything a person or a log should see. Its methods must not
// throw; the runner shields itself from one that does.
class RunObserver {
 public:
  virtual ~RunObserver() = default;
  // After every state change of a refresh, once it is recorded (or, for a
  // dry run, planned).
  virtual void on_state(const RefreshRecord& record) = 0;
  // A note about the run as a whole ("resuming 3 refreshes", "nothing due").
  virtual void on_note(const std::string& text) = 0;
  // Something an operator must hear of even from a quiet run (a target stuck
  // in another run, a slot missed).
  virtual void on_warning(const std::string& text) { on_note(text); }
  // A failed attempt will be tried again at `not_before` (retry_delay).
  virtual void on_retry_wait(const RefreshRecord& next, TimePoint not_before) {
    (void)next;
    (void)not_before;
  }
  // Called about every 200 ms with the refreshes in flight, for live views.
  virtual void on_tick(const std::vector<const RefreshRecord*>& in_flight, TimePoint now) {
    (void)in_flight;
    (void)now;
  }
};

struct RunSummary {
  int64_t run_id = 0;
  // The final state of each refresh (target, version, slot) this run ended;
  // an attempt followed by a retry is counted in `attempts` only.
  std::map<RefreshState, int> by_state;
  int attempts = 0;          // trigger requests made, retries included
  int resumed = 0;           // open refreshes taken over from an earlier run
  int busy = 0;              // targets skipped because another run holds them
  int stuck = 0;             // of those, held for longer than their refreshes can take
  int left = 0;              // refreshes left open for the next run (stop, lost target)
  bool stopped = false;      // a stop was requested
  bool any_failure() const;  // a failed refresh, or a stuck target
  int total() const;         // refreshes ended
};

struct RunContext {
  Store& store;
  http::Client& http;
  const Clock& clock;
  const ReferenceResolver& resolver;
  RunObserver& observer;
};

// Runs to completion (or until stop_requested). Fails only when the store
// fails for good (after reconnecting, where the backend can, for as long as
// a refresh of the run could still end); refresh failures are in the summary.
Result<RunSummary> run_refreshes(const RunContext& context, const RunOptions& options);

}  // namespace refreshctl::engine
