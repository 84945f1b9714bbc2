#include "report/timeline.h"

#include <date/date.h>
#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <map>

namespace refreshctl::report {
namespace {

using std::chrono::days;
using std::chrono::hours;
using std::chrono::minutes;
using std::chrono::seconds;

// Round steps for the time axis, smallest first.
constexpr Millis kSteps[] = {
    seconds(1), seconds(2), seconds(5),  seconds(10), seconds(15), seconds(30), minutes(1),
    minutes(2), minutes(5), minutes(10), minutes(15), minutes(30), hours(1),    hours(2),
    hours(3),   hours(6),   hours(12),   days(1),     days(2),     days(7),     days(14),
    days(28),   days(91),   days(182),   days(364),
};

// Weekly ticks fall on Mondays (1970-01-05 was one).
Millis step_origin(Millis step) {
  return step == days(7) || step == days(14) ? days(4) : Millis(0);
}

std::string tick_label(TimePoint t, Millis step, bool show_date) {
  auto day = date::floor<days>(t);
  if (step >= days(1)) return date::format("%F", day);
  std::string time = step < minutes(1) ? date::format("%T", date::floor<seconds>(t))
                                       : date::format("%R", date::floor<minutes>(t));
  return show_date ? date::format("%m-%d ", day) + time : time;
}

}  // namespace

Span bar_span(const RefreshRecord& r, TimePoint now) {
  TimePoint from = r.triggered_at.value_or(r.started_at);
  TimePoint to = r.finished_at.value_or(is_terminal(r.state) ? from : now);
  return {from, std::max(from, to)};
}

std::optional<Millis> percentile(const std::vector<Millis>& sorted, double q) {
  if (sorted.empty()) return std::nullopt;
  auto rank = static_cast<size_t>(std::ceil(q * static_cast<double>(sorted.size())));
  return sorted[std::clamp<size_t>(rank, 1, sorted.size()) - 1];
}

TargetStats target_stats(const std::vector<const RefreshRecord*>& refreshes) {
  TargetStats s;
  std::vector<Millis> durations;
  for (const RefreshRecord* r : refreshes) {
    ++s.refreshes;
    if (r->state == RefreshState::kSucceeded) {
      ++s.succeeded;
      if (r->finished_at) durations.push_back(*r->finished_at - r->started_at);
    } else if (is_failure(r->state)) {
      ++s.failures;
    } else if (r->state == RefreshState::kMissed) {
      ++s.missed;
    } else if (!is_terminal(r->state)) {
      ++s.open;
    }
  }
  if (s.succeeded + s.failures > 0) {
    s.success_rate = static_cast<double>(s.succeeded) / (s.succeeded + s.failures);
  }
  std::sort(durations.begin(), durations.end());
  s.p50 = percentile(durations, 0.50);
  s.p95 = percentile(durations, 0.95);
  return s;
}

std::vector<TargetGroup> group_by_target(const ReportInput& input) {
  std::map<std::string, std::map<std::string, std::vector<const RefreshRecord*>>> by_target;
  for (const RefreshRecord& r : input.refreshes) by_target[r.target][r.version].push_back(&r);
  std::vector<TargetGroup> groups;
  groups.reserve(by_target.size());
  for (auto& [name, versions] : by_target) {
    TargetGroup g;
    g.name = name;
    g.removed = input.removed.count(name) > 0;
    if (auto it = input.revisions.find(name); it != input.revisions.end()) {
      g.revisions = &it->second;
    }
    std::vector<const RefreshRecord*> all;
    for (auto& [version, refreshes] : versions) {
      std::sort(refreshes.begin(), refreshes.end(), [](const auto* a, const auto* b) {
        return std::tie(a->started_at, a->id) < std::tie(b->started_at, b->id);
      });
      all.insert(all.end(), refreshes.begin(), refreshes.end());
      g.lanes.push_back({version, std::move(refreshes)});
    }
    g.stats = target_stats(all);
    groups.push_back(std::move(g));
  }
  return groups;
}

Window time_window(const ReportInput& input) {
  Window w{input.since.value_or(input.now), input.now};
  if (!input.refreshes.empty() && !input.since) {
    w.from = TimePoint::max();
    w.to = TimePoint::min();
    for (const RefreshRecord& r : input.refreshes) {
      Span s = bar_span(r, input.now);
      w.from = std::min(w.from, s.from);
      w.to = std::max(w.to, s.to);
    }
  }
  if (w.to - w.from < seconds(1)) w.to = w.from + seconds(1);
  if (!input.since) {  // a little air on both sides, so that no bar touches an edge
    Millis pad = std::max(Millis(1), (w.to - w.from) / 100);
    w.from -= pad;
    w.to += pad;
  }
  return w;
}

std::vector<Tick> time_ticks(Window window, int max_ticks) {
  Millis span = window.to - window.from;
  Millis step = kSteps[std::size(kSteps) - 1];
  for (Millis candidate : kSteps) {
    if (span / candidate < max_ticks) {
      step = candidate;
      break;
    }
  }
  Millis origin = step_origin(step);
  Millis since_origin = window.from.time_since_epoch() - origin;
  // The first multiple of the step at or after the window's start.
  Millis first = since_origin / step * step + origin;
  if (first < window.from.time_since_epoch()) first += step;
  std::vector<Tick> ticks;
  date::sys_days last_day{};
  for (TimePoint t{first}; t <= window.to; t += step) {
    auto day = date::floor<days>(t);
    ticks.push_back({t, tick_label(t, step, ticks.empty() || day != last_day)});
    last_day = day;
  }
  return ticks;
}

}  // namespace refreshctl::report
