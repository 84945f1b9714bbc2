// What a run has to do, decided before anything is sent: the due slot of
// each target, which (version, attempt) of it is still to be triggered, and
// which refreshes a killed run left open.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "store/store.h"
#include "util/time.h"

namespace refreshctl::engine {

struct PlannedRefresh {
  const TargetRecord* target = nullptr;
  std::string version;
  TimePoint slot;
  int attempt = 0;
  TimePoint not_before;     // a retry waits for retry_delay
  bool missed = false;      // past starting_deadline: record only
  std::string missed_note;  // why, for the record
};

// Chooses the targets of this run: every enabled target, or those named
// (which must exist). Fails with a "did you mean" for an unknown name.
Result<std::vector<TargetRecord>> select_targets(Store& store,
                                                 const std::vector<std::string>& names);

// The refreshes due now for these targets. `manual` (--now) uses `now` as
// the slot of every target, whatever its schedule.
Result<std::vector<PlannedRefresh>> plan_due(Store& store,
                                             const std::vector<TargetRecord>& targets,
                                             TimePoint now,
                                             bool manual);

// The attempt to make after `last` ended, if the target allows another.
std::optional<PlannedRefresh> plan_retry(const TargetRecord& target, const RefreshRecord& last);

}  // namespace refreshctl::engine
