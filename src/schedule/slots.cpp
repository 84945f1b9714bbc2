#include "schedule/slots.h"

#include "schedule/cron.h"

namespace refreshctl::schedule {
namespace {

using std::chrono::floor;
using std::chrono::minutes;

struct Compiled {
  Cron cron;
  const date::time_zone* zone;
};

Result<Compiled> compile(const Target& target) {
  auto cron = Cron::parse(target.schedule);
  if (!cron.ok()) return std::move(cron).take_error();
  auto zone = find_zone(target.timezone);
  if (!zone.ok()) return std::move(zone).take_error();
  return Compiled{std::move(cron).value(), *zone};
}

}  // namespace

Result<std::optional<DueSlot>> due_slot(const Target& target, TimePoint now, TimePoint not_before) {
  if (target.schedule.empty()) {
    return std::optional<DueSlot>(DueSlot{floor<minutes>(now), false});
  }
  auto compiled = compile(target);
  if (!compiled.ok()) return std::move(compiled).take_error();
  auto latest =
      compiled->cron.latest_at_or_before(floor<std::chrono::seconds>(now), compiled->zone);
  if (!latest || TimePoint(*latest) < floor<std::chrono::seconds>(not_before)) {
    return std::optional<DueSlot>();
  }
  DueSlot due{TimePoint(*latest), false};
  if (target.starting_deadline && now - due.slot > *target.starting_deadline) due.missed = true;
  return std::optional<DueSlot>(due);
}

Result<std::optional<TimePoint>> next_slot(const Target& target, TimePoint now) {
  if (target.schedule.empty()) {
    return std::optional<TimePoint>(floor<minutes>(now) + minutes(1));
  }
  auto compiled = compile(target);
  if (!compiled.ok()) return std::move(compiled).take_error();
  auto next = compiled->cron.next_after(floor<std::chrono::seconds>(now), compiled->zone);
  if (!next) return std::optional<TimePoint>();
  return std::optional<TimePoint>(TimePoint(*next));
}

}  // namespace refreshctl::schedule
