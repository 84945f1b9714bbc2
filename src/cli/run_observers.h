// How `refreshctl run` shows its work: a log line per state change (plain or
// JSON lines), or on a terminal a live view of the refreshes in flight.
#pragma once

#include <memory>

#include "engine/runner.h"

namespace refreshctl::cli {

struct ObserverOptions {
  bool json = false;
  bool quiet = false;     // only failures and notes
  bool terminal = false;  // live view instead of per-state lines
};

std::unique_ptr<engine::RunObserver> make_run_observer(const ObserverOptions& options);

// "12 refreshes: 10 succeeded, 1 failed, 1 timed_out" for the end of a run.
std::string summary_line(const engine::RunSummary& summary);

}  // namespace refreshctl::cli
