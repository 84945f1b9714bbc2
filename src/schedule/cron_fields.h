// The parsed form of a cron expression and the calendar test on it. Internal
// to src/schedule: code elsewhere uses Cron (cron.h).
#pragma once

#include <date/date.h>

#include <array>
#include <bitset>
#include <cstdint>
#include <optional>
#include <string_view>

#include "util/result.h"

namespace refreshctl::schedule {

struct CronFields {
  std::bitset<60> seconds;
  std::bitset<60> minutes;
  std::bitset<24> hours;
  std::bitset<13> months;  // 1..12
  // Day of month.
  std::bitset<32> days;                // 1..31
  std::bitset<31> days_before_last;    // L-n: bit n (L is bit 0)
  std::bitset<32> nearest_weekday;     // nW: bit n
  bool last_weekday_of_month = false;  // LW
  // Day of week, Sunday = 0.
  std::bitset<7> weekdays;
  std::bitset<7> last_in_month;                // nL: the last weekday n of the month
  std::array<std::uint8_t, 7> nth_in_month{};  // n#k: bit k-1 of [n]
  // Vixie cron's DOM_STAR / DOW_STAR: the field text starts with '*' (or is
  // '?'). When either is set a day must match both fields, otherwise either.
  bool dom_star = false;
  bool dow_star = false;
  // The hour field starts with '*': the job follows the real clock and fires
  // in both passes of a repeated (fall-back) hour.
  bool hour_star = false;
};

// Parses the text of a whole expression (fields or an @alias).
Result<CronFields> parse_cron_fields(std::string_view expression);

// Whether the civil date `day` matches the day-of-month, month and
// day-of-week fields.
bool day_matches(const CronFields& f, date::year_month_day day);

// The first wall-clock time in [from, to) that matches every field; nullopt
// when there is none. Steps by fields, so the work grows with the number of
// days in the range, not seconds.
std::optional<date::local_seconds> first_match(const CronFields& f,
                                               date::local_seconds from,
                                               date::local_seconds to);

// The last wall-clock time in [from, to] that matches every field; nullopt
// when there is none.
std::optional<date::local_seconds> last_match(const CronFields& f,
                                              date::local_seconds from,
                                              date::local_seconds to);

}  // namespace refreshctl::schedule
