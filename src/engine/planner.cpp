#include "engine/planner.h"

#include <fmt/format.h>

#include <algorithm>

#include "schedule/slots.h"
#include "util/duration.h"
#include "util/text.h"

namespace refreshctl::engine {

Result<std::vector<TargetRecord>> select_targets(Store& store,
                                                 const std::vector<std::string>& names) {
  auto all = store.targets();
  if (!all.ok()) return all;
  if (names.empty()) {
    std::vector<TargetRecord> enabled;
    for (auto& t : *all) {
      if (t.target.enabled) enabled.push_back(std::move(t));
    }
    return enabled;
  }
  std::vector<TargetRecord> chosen;
  std::vector<std::string> known;
  for (const auto& t : *all) known.push_back(t.target.name);
  for (const auto& name : names) {
    auto it = std::find_if(all->begin(), all->end(),
                           [&](const TargetRecord& t) { return t.target.name == name; });
    if (it == all->end()) {
      return make_error(fmt::format("no target named \"{}\"{}", name, did_you_mean(name, known)));
    }
    chosen.push_back(*it);
  }
  return chosen;
}

std::optional<PlannedRefresh> plan_retry(const TargetRecord& target, const RefreshRecord& last) {
  const Target& t = target.target;
  if (!is_failure(last.state) || last.attempt >= t.retries) return std::nullopt;
  if (last.state == RefreshState::kUnknown && !t.retrigger_unknown) return std::nullopt;
  PlannedRefresh retry;
  retry.target = &target;
  retry.version = last.version;
  retry.slot = last.slot;
  retry.attempt = last.attempt + 1;
  retry.not_before = last.finished_at.value_or(last.started_at) + t.retry_delay;
  return retry;
}

Result<std::vector<PlannedRefresh>> plan_due(Store& store,
                                             const std::vector<TargetRecord>& targets,
                                             TimePoint now,
                                             bool manual) {
  std::vector<PlannedRefresh> out;
  for (const auto& record : targets) {
    const Target& t = record.target;
    schedule::DueSlot due{std::chrono::floor<std::chrono::seconds>(now), false};
    if (!manual) {
      auto slot = schedule::due_slot(t, now, record.revision_created_at);
      if (!slot.ok()) return make_error(fmt::format("target {}: {}", t.name, slot.error()));
      if (!*slot) continue;
      due = **slot;
    }
    auto existing = store.slot_refreshes(t.name, due.slot);
    if (!existing.ok()) return std::move(existing).take_error();
    for (const auto& version : t.versions) {
      const RefreshRecord* last = nullptr;  // the highest attempt of this version
      for (const auto& r : *existing) {
        if (r.version == version && (last == nullptr || r.attempt > last->attempt)) last = &r;
      }
      if (last != nullptr) {
        if (!is_terminal(last->state)) continue;  // open: resumed, not planned
        if (auto retry = plan_retry(record, *last)) out.push_back(*retry);
        continue;
      }
      PlannedRefresh p{&record, version, due.slot, 0, now, due.missed, ""};
      if (due.missed) {
        p.missed_note =
            fmt::format("slot {} was {} late, past starting_deadline {}", format_rfc3339(due.slot),
                        format_duration(now - due.slot), format_duration(*t.starting_deadline));
      }
      out.push_back(std::move(p));
    }
  }
  return out;
}

}  // namespace refreshctl::engine
