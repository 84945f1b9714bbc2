// How `refreshctl run` shows its work: a log line per state change (plain or
// JSON lines), or on a terminal a live view of the refreshes in flight under
// a header with the run's totals.
#pragma once

#include <cstdio>
#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "engine/runner.h"

namespace refreshctl::cli {

struct ObserverOptions {
  bool json = false;
  bool quiet = false;     // only problems: failures and missed slots
  bool terminal = false;  // live view instead of per-state lines
  bool color = false;     // paint states
  std::FILE* out = stdout;
};

// The live view, for a terminal: refreshes in flight redrawn in place under
// a header ("run: 3 in flight, 12 done: 11 succeeded, 1 failed; 2 waiting
// to retry; 1m05s"); ended refreshes scroll above it.
class LiveView : public engine::RunObserver {
 public:
  LiveView(bool color, std::FILE* out, TimePoint started);
  void on_state(const RefreshRecord& r) override;
  void on_note(const std::string& text) override;
  void on_tick(const std::vector<const RefreshRecord*>& in_flight, TimePoint now) override;
  // A retry of `next` waits until `not_before` (the engine announces it when
  // it schedules one); shown in the header and as a row until it starts.
  void on_retry_wait(const RefreshRecord& next, TimePoint not_before) override;

 private:
  void clear();
  std::string header(size_t in_flight, TimePoint now) const;

  bool color_;
  std::FILE* out_;
  TimePoint started_;
  int lines_ = 0;
  std::map<RefreshState, int> ended_;
  // Retries waiting to start, by target and version: when they start.
  std::map<std::pair<std::string, std::string>, TimePoint> retry_waits_;
};

std::unique_ptr<engine::RunObserver> make_run_observer(const ObserverOptions& options);

// For `run --dry-run`: "would trigger ..." a line (or one JSON array), and
// "nothing is due" when nothing would be triggered.
std::unique_ptr<engine::RunObserver> make_dry_run_observer(bool json, TimePoint as_of);

// "12 refreshes: 10 succeeded, 1 failed, 1 timed_out" for the end of a run.
std::string summary_line(const engine::RunSummary& summary);

}  // namespace refreshctl::cli
