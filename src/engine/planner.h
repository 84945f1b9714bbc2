// What a run has to do for a target, decided before anything is sent: its
// due slot, which (version, attempt) of it is still to be triggered, and
// which targets the run works on at all.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "store/store.h"
#include "util/time.h"

namespace refreshctl::engine {

struct PlannedRefresh {
  std::string version;
  TimePoint slot;
  int attempt = 0;
  TimePoint not_before;     // a retry waits for retry_delay (real time)
  bool missed = false;      // past starting_deadline: record only
  std::string missed_note;  // why, for the record
  // versions_from: the slot's version list is not stored yet; this attempt
  // (version "") reads it, and the slot's refreshes are planned from it.
  bool fetch_versions = false;
};

struct Selection {
  std::vector<TargetRecord> targets;  // enabled, in the order given (or by name)
  std::vector<std::string> disabled;  // named on the command line but disabled
};

// Chooses the targets of this run: every enabled target, or those named
// (which must exist). Fails with a "did you mean" for an unknown name.
Result<Selection> select_targets(Store& store, const std::vector<std::string>& names);

// The targets a scheduled run at the real time `now` must plan: every
// enabled target whose quiet_until has passed (Store::targets_to_check), the
// others being known to have nothing due. `quiet`, when given, gets a mark
// for each disabled one read, which no run needs to read again.
Result<Selection> select_due_targets(Store& store,
                                     TimePoint now,
                                     std::vector<QuietMark>* quiet = nullptr);

// Until when `target`, whose plan at `now` is empty (its due slot wholly
// done, or no slot due yet) and which has no open refresh, stays so: its
// next slot, before which the due slot cannot change. TimePoint::max() when
// the schedule never fires again.
Result<TimePoint> quiet_until(const Target& target, TimePoint now);

// The slot plan_target() plans for `target` at `schedule_now` (the due slot,
// or with `manual` schedule_now itself); nullopt when none is due or the
// schedule cannot say (plan_target() then says why).
std::optional<TimePoint> slot_to_plan(const TargetRecord& target,
                                      TimePoint schedule_now,
                                      bool manual);

// The records of many targets' slots to plan, read together (one statement
// per 500 targets instead of one each) for plan_target().
class SlotReads {
 public:
  static Result<SlotReads> read(Store& store,
                                const std::vector<const TargetRecord*>& targets,
                                TimePoint schedule_now,
                                bool manual);
  // The records of (target, slot); nullptr when that slot was not read.
  const std::vector<RefreshRecord>* find(const std::string& target, TimePoint slot) const;

 private:
  std::map<std::pair<std::string, TimePoint>, std::vector<RefreshRecord>> by_slot_;
};

// The refreshes of `target` due at `schedule_now` (the run's idea of the
// time, shifted by --at) that are not yet recorded. `manual` (--now) uses
// schedule_now as the slot, whatever the schedule. Reads the slot's records.
// A slot whose `after` targets have no fresh data yet is not planned (unless
// it is missed); `waiting`, when given, is then set to why ("slot … is not
// yet due: it waits for dataset: …"), and left alone otherwise. The slot's
// records come from `read` when it has them.
Result<std::vector<PlannedRefresh>> plan_target(Store& store,
                                                const TargetRecord& target,
                                                TimePoint now,
                                                TimePoint schedule_now,
                                                bool manual,
                                                std::string* waiting = nullptr,
                                                const SlotReads* read = nullptr);

// The attempt to make after `last` ended, if the target allows another.
std::optional<PlannedRefresh> plan_retry(const Target& target, const RefreshRecord& last);

// The versions of a slot of `target`: its `versions`, or for versions_from
// the list stored for the slot; when none is stored, {""} with `fetch` set
// (the list is still to be read).
struct SlotVersions {
  std::vector<std::string> list;
  bool fetch = false;
};
Result<SlotVersions> slot_version_list(Store& store, const Target& target, TimePoint slot);

// Why a slot that is `late` past its time is recorded missed.
std::string missed_note(const Target& target, TimePoint slot, Millis late);

}  // namespace refreshctl::engine
