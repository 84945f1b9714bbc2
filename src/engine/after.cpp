#include "engine/after.h"

#include <fmt/format.h>

#include <algorithm>

namespace refreshctl::engine {
namespace {

// Why `dependency` has no fresh data for a target that last ran at
// `last_ran`, or "".
Result<std::string> not_fresh(Store& store,
                              const std::string& dependency,
                              std::optional<TimePoint> last_ran) {
  auto record = store.target(dependency);
  if (!record.ok()) return std::move(record).take_error();
  if (!*record) {
    return fmt::format("{}, which is no target now (apply it again, or remove it from after)",
                       dependency);
  }
  auto open = store.open_refreshes(dependency);
  if (!open.ok()) return std::move(open).take_error();
  if (!open->empty()) {
    const RefreshRecord& r = open->front();
    return fmt::format("{}: its refresh of {} (slot {}) is still {}", dependency, r.version,
                       format_rfc3339(r.slot), to_string(r.state));
  }
  auto latest = store.latest_refreshes(dependency);
  if (!latest.ok()) return std::move(latest).take_error();
  std::vector<std::string> versions = (*record)->target.versions;
  if (versions.empty()) {
    // A versions_from target's failed readings have no version: not data.
    for (const auto& r : *latest) {
      if (!r.version.empty()) versions.push_back(r.version);
    }
  }
  if (versions.empty()) return fmt::format("{}: it has not refreshed yet", dependency);
  for (const auto& version : versions) {
    auto it = std::find_if(latest->begin(), latest->end(),
                           [&](const RefreshRecord& r) { return r.version == version; });
    if (it == latest->end()) {
      return fmt::format("{}: {} has not refreshed yet", dependency, version);
    }
    if (it->state != RefreshState::kSucceeded) {
      return fmt::format("{}: its latest refresh of {} (slot {}) ended {}{}", dependency, version,
                         format_rfc3339(it->slot), to_string(it->state),
                         it->error.empty() ? "" : ": " + it->error);
    }
    TimePoint finished = it->finished_at.value_or(it->started_at);
    if (last_ran && finished <= *last_ran) {
      return fmt::format(
          "{}: {} has not refreshed since this target last ran ({}); its latest "
          "success ended {}",
          dependency, version, format_rfc3339(*last_ran), format_rfc3339(finished));
    }
  }
  return std::string();
}

}  // namespace

Result<std::string> waiting_for(Store& store, const Target& target, TimePoint slot) {
  if (target.after.empty()) return std::string();
  auto last_ran = store.last_ran_before(target.name, slot);
  if (!last_ran.ok()) return std::move(last_ran).take_error();
  for (const auto& dependency : target.after) {
    auto why = not_fresh(store, dependency, *last_ran);
    if (!why.ok()) return why;
    if (!why->empty()) return "waits for " + *why;
  }
  return std::string();
}

}  // namespace refreshctl::engine
