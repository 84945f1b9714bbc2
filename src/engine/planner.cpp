#include "engine/planner.h"

#include <fmt/format.h>

#include <algorithm>

#include "engine/after.h"
#include "schedule/slots.h"
#include "util/duration.h"
#include "util/text.h"

namespace refreshctl::engine {

Result<Selection> select_targets(Store& store, const std::vector<std::string>& names) {
  auto all = store.targets();
  if (!all.ok()) return std::move(all).take_error();
  Selection out;
  if (names.empty()) {
    for (auto& t : *all) {
      if (t.target.enabled) out.targets.push_back(std::move(t));
    }
    return out;
  }
  std::vector<std::string> known;
  for (const auto& t : *all) known.push_back(t.target.name);
  for (const auto& name : names) {
    auto it = std::find_if(all->begin(), all->end(),
                           [&](const TargetRecord& t) { return t.target.name == name; });
    if (it == all->end()) {
      return make_error(fmt::format("no target named \"{}\"{}", name, did_you_mean(name, known)));
    }
    if (!it->target.enabled) {
      out.disabled.push_back(name);
    } else if (std::none_of(out.targets.begin(), out.targets.end(),
                            [&](const TargetRecord& t) { return t.target.name == name; })) {
      out.targets.push_back(*it);
    }
  }
  return out;
}

Result<Selection> select_due_targets(Store& store, TimePoint now, std::vector<QuietMark>* quiet) {
  auto due = store.targets_to_check(now);
  if (!due.ok()) return std::move(due).take_error();
  Selection out;
  for (auto& t : *due) {
    if (t.target.enabled) {
      out.targets.push_back(std::move(t));
    } else if (quiet != nullptr) {
      quiet->push_back({t.id, t.revision, TimePoint::max()});
    }
  }
  return out;
}

Result<TimePoint> quiet_until(const Target& target, TimePoint now) {
  auto next = schedule::next_slot(target, now);
  if (!next.ok()) return make_error(fmt::format("target {}: {}", target.name, next.error()));
  return next->value_or(TimePoint::max());
}

std::optional<PlannedRefresh> plan_retry(const Target& t, const RefreshRecord& last) {
  if (!is_failure(last.state) || last.attempt >= t.retries) return std::nullopt;
  if (last.state == RefreshState::kUnknown && !t.retrigger_unknown) return std::nullopt;
  PlannedRefresh retry;
  retry.version = last.version;
  retry.slot = last.slot;
  retry.attempt = last.attempt + 1;
  retry.not_before = last.finished_at.value_or(last.started_at) + t.retry_delay;
  return retry;
}

Result<SlotVersions> slot_version_list(Store& store, const Target& t, TimePoint slot) {
  if (!t.versions_from) return SlotVersions{t.versions, false};
  auto stored = store.slot_versions(t.name, slot);
  if (!stored.ok()) return std::move(stored).take_error();
  if (!*stored) return SlotVersions{{""}, true};
  return SlotVersions{std::move(**stored), false};
}

std::string missed_note(const Target& t, TimePoint slot, Millis late) {
  return fmt::format("slot {} was {} late, past starting_deadline {}", format_rfc3339(slot),
                     format_duration(late), format_duration(t.starting_deadline.value_or(late)));
}

namespace {

Result<std::optional<schedule::DueSlot>> due_of(const TargetRecord& record,
                                                TimePoint schedule_now,
                                                bool manual) {
  if (manual) {
    return std::optional<schedule::DueSlot>(
        schedule::DueSlot{std::chrono::floor<std::chrono::seconds>(schedule_now), false});
  }
  return schedule::due_slot(record.target, schedule_now, record.revision_created_at);
}

}  // namespace

std::optional<TimePoint> slot_to_plan(const TargetRecord& target,
                                      TimePoint schedule_now,
                                      bool manual) {
  auto due = due_of(target, schedule_now, manual);
  if (!due.ok() || !*due) return std::nullopt;
  return (*due)->slot;
}

Result<SlotReads> SlotReads::read(Store& store,
                                  const std::vector<const TargetRecord*>& targets,
                                  TimePoint schedule_now,
                                  bool manual) {
  SlotReads out;
  std::vector<std::pair<std::string, TimePoint>> slots;
  for (const TargetRecord* t : targets) {
    auto slot = slot_to_plan(*t, schedule_now, manual);
    if (!slot) continue;
    slots.emplace_back(t->target.name, *slot);
    out.by_slot_[slots.back()];  // read, even when it has no records
  }
  auto rows = store.refreshes_of_slots(slots);
  if (!rows.ok()) return std::move(rows).take_error();
  for (auto& r : *rows) out.by_slot_[{r.target, r.slot}].push_back(std::move(r));
  return out;
}

const std::vector<RefreshRecord>* SlotReads::find(const std::string& target, TimePoint slot) const {
  auto it = by_slot_.find({target, slot});
  return it == by_slot_.end() ? nullptr : &it->second;
}

Result<std::vector<PlannedRefresh>> plan_target(Store& store,
                                                const TargetRecord& record,
                                                TimePoint now,
                                                TimePoint schedule_now,
                                                bool manual,
                                                std::string* waiting,
                                                const SlotReads* read) {
  const Target& t = record.target;
  auto slot = due_of(record, schedule_now, manual);
  if (!slot.ok()) return make_error(fmt::format("target {}: {}", t.name, slot.error()));
  if (!*slot) return std::vector<PlannedRefresh>{};
  schedule::DueSlot due = **slot;
  const std::vector<RefreshRecord>* existing = read ? read->find(t.name, due.slot) : nullptr;
  Result<std::vector<RefreshRecord>> queried{std::vector<RefreshRecord>{}};
  if (existing == nullptr) {
    queried = store.slot_refreshes(t.name, due.slot);
    if (!queried.ok()) return std::move(queried).take_error();
    existing = &*queried;
  }
  std::vector<PlannedRefresh> out;
  // Only a slot's first attempts wait for `after`; retries of a slot that
  // started go on. Read only when there is such an attempt to make.
  std::optional<std::string> wait_reason;
  auto must_wait = [&]() -> Result<bool> {
    if (!wait_reason) {
      auto why = waiting_for(store, t, due.slot);
      if (!why.ok()) return std::move(why).take_error();
      wait_reason = std::move(why).value();
    }
    return !wait_reason->empty();
  };
  // versions_from: the list stored for the slot; until one is, the slot's
  // one refresh to make is reading it (version "").
  auto versions = slot_version_list(store, t, due.slot);
  if (!versions.ok()) return std::move(versions).take_error();
  for (const auto& version : versions->list) {
    const RefreshRecord* last = nullptr;  // the highest attempt of this version
    for (const auto& r : *existing) {
      if (r.version == version && (last == nullptr || r.attempt > last->attempt)) last = &r;
    }
    if (last != nullptr) {
      if (!is_terminal(last->state)) continue;  // open: resumed, not planned
      if (auto retry = plan_retry(t, *last)) out.push_back(*retry);
      continue;
    }
    auto wait = must_wait();
    if (!wait.ok()) return std::move(wait).take_error();
    if (*wait && !due.missed) continue;  // nothing recorded: a later run (or check) takes it
    PlannedRefresh p{version, due.slot, 0, now, due.missed, ""};
    if (due.missed) {
      p.missed_note = missed_note(t, due.slot, schedule_now - due.slot);
      if (*wait) p.missed_note += "; it " + *wait_reason;
    }
    out.push_back(std::move(p));
  }
  for (auto& p : out) p.fetch_versions = versions->fetch && !p.missed;
  if (waiting != nullptr && wait_reason && !wait_reason->empty() && !due.missed) {
    *waiting = fmt::format("slot {} is not yet due: it {}", format_rfc3339(due.slot), *wait_reason);
  }
  return out;
}

}  // namespace refreshctl::engine
