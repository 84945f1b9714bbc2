// Slots: the scheduled firings of a target (SPEC §6). A target with a cron
// schedule has a slot at each fire time; one without has a slot each minute
// of invocation, so two invocations in one minute still trigger once.
#pragma once

#include <optional>
#include <string>

#include "config/target.h"
#include "util/result.h"
#include "util/time.h"

namespace refreshctl::schedule {

struct DueSlot {
  TimePoint slot;
  bool missed = false;  // older than starting_deadline: record, do not trigger
};

// The latest slot at or before `now` that is not before `not_before` (the
// time the target's current revision was made, so a new or changed target
// never fires for older slots). Earlier unrun slots coalesce into this one.
// nullopt: no slot is due.
Result<std::optional<DueSlot>> due_slot(const Target& target, TimePoint now, TimePoint not_before);

// The first slot strictly after `now`; nullopt when the schedule never fires.
Result<std::optional<TimePoint>> next_slot(const Target& target, TimePoint now);

}  // namespace refreshctl::schedule
