// Cron fire times in a time zone. The zone's history is a sequence of spans
// of constant UTC offset; within a span wall-clock time is a plain shift of
// UTC, so each span is searched in wall-clock time with first_match /
// last_match. Across a change of offset:
//  - wall times skipped by a spring-forward gap fire once, at the instant the
//    gap ends (02:30 on a New York spring-forward day fires at 03:00 EDT);
//  - wall times repeated by a fall-back fire at their first occurrence only,
//    unless the hour field starts with '*' (hourly, every-n-minutes jobs):
//    those follow the real clock and fire in both passes, as Vixie cron does.
//    Either way an instant fires at most once.
#include "schedule/cron.h"

#include <date/tz.h>
#include <fmt/format.h>

#include <algorithm>
#include <limits>

#include "util/time.h"

namespace refreshctl::schedule {
namespace {

using date::local_seconds;
using std::chrono::seconds;

// How far next_after and latest_at_or_before look: five years and a day.
constexpr seconds kHorizon = date::days{5 * 365 + 2};

// Times far outside the calendar are refused rather than computed wrongly.
constexpr Seconds kEarliest = date::sys_days{date::year{1} / 1 / 1};
constexpr Seconds kLatest = date::sys_days{date::year{9990} / 1 / 1};

// A stretch of time [begin, end) with one UTC offset, and the offset just
// before it.
struct Span {
  Seconds begin;
  Seconds end;
  seconds offset;
  seconds previous_offset;

  local_seconds local(Seconds t) const { return local_seconds{(t + offset).time_since_epoch()}; }
  Seconds sys(local_seconds t) const { return Seconds{t.time_since_epoch()} - offset; }
  bool has_gap() const { return offset > previous_offset; }
  bool has_repeat() const { return offset < previous_offset; }
  // The wall times that the previous offset reached and this one repeats
  // (or skips, for a gap): [begin + min(offsets), begin + max(offsets)).
  local_seconds change_low() const {
    return local_seconds{(begin + std::min(offset, previous_offset)).time_since_epoch()};
  }
  local_seconds change_high() const {
    return local_seconds{(begin + std::max(offset, previous_offset)).time_since_epoch()};
  }
};

Span span_at(const date::time_zone* zone, Seconds t) {
  if (zone == nullptr) return Span{kEarliest, kLatest + kHorizon, seconds{0}, seconds{0}};
  date::sys_info info = zone->get_info(t);
  date::sys_info before = zone->get_info(info.begin - seconds{1});
  return Span{info.begin, info.end, info.offset, before.offset};
}

}  // namespace

Result<Cron> Cron::parse(std::string_view expression) {
  auto fields = parse_cron_fields(expression);
  if (!fields) return std::move(fields).take_error();
  Cron cron;
  cron.text_ = std::string(expression);
  cron.fields_ = *fields;
  return cron;
}

std::optional<Seconds> Cron::next_after(Seconds t, const date::time_zone* zone) const {
  if (t < kEarliest || t >= kLatest) return std::nullopt;
  const Seconds limit = t + kHorizon;
  Span span = span_at(zone, t);
  local_seconds from = span.local(t) + seconds{1};
  for (bool first = true;; first = false) {
    if (!first && span.has_gap() && first_match(fields_, span.change_low(), span.change_high())) {
      return span.begin;
    }
    if (span.has_repeat() && !fields_.hour_star) from = std::max(from, span.change_high());
    local_seconds to = span.local(std::min(span.end, limit + seconds{1}));
    if (auto match = first_match(fields_, from, to)) return span.sys(*match);
    if (span.end > limit) break;
    span = span_at(zone, span.end);
    from = span.local(span.begin);
  }
  return std::nullopt;
}

std::optional<Seconds> Cron::latest_at_or_before(Seconds t, const date::time_zone* zone) const {
  if (t < kEarliest + kHorizon || t >= kLatest) return std::nullopt;
  const Seconds limit = t - kHorizon;
  Span span = span_at(zone, t);
  local_seconds to = span.local(t);
  while (true) {
    local_seconds from = span.local(std::max(span.begin, limit));
    if (span.has_repeat() && !fields_.hour_star) from = std::max(from, span.change_high());
    if (auto match = last_match(fields_, from, to)) return span.sys(*match);
    if (span.begin < limit) return std::nullopt;
    if (span.has_gap() && first_match(fields_, span.change_low(), span.change_high())) {
      return span.begin;
    }
    Seconds before = span.begin - seconds{1};
    span = span_at(zone, before);
    to = span.local(before);
  }
}

}  // namespace refreshctl::schedule

namespace refreshctl::schedule {

std::string never_fires_message(std::string_view expression, Seconds from) {
  return fmt::format(
      "schedule \"{}\" never fires (no time matches within five years after {}; check the "
      "day-of-month against the month)",
      expression, format_rfc3339(TimePoint{from}));
}

}  // namespace refreshctl::schedule
