// Which calendar days match the day fields: the Vixie cron OR rule and the
// Quartz extensions L, W and #.
#include "schedule/cron_fields.h"

namespace refreshctl::schedule {
namespace {

using date::days;
using date::sys_days;

unsigned last_day(date::year_month_day d) {
  return static_cast<unsigned>((d.year() / d.month() / date::last).day());
}

unsigned weekday_of(date::year y, date::month m, unsigned day) {
  return date::weekday{sys_days{y / m / date::day{day}}}.c_encoding();
}

// Quartz's W: the weekday nearest to `day` within the same month; none when
// the month has no such day.
unsigned nearest_weekday(date::year_month_day d, unsigned day) {
  unsigned last = last_day(d);
  if (day > last) return 0;
  unsigned wd = weekday_of(d.year(), d.month(), day);
  if (wd == 6) return day == 1 ? 3 : day - 1;           // Saturday: Friday, or Monday the 3rd
  if (wd == 0) return day == last ? day - 2 : day + 1;  // Sunday: Monday, or Friday
  return day;
}

bool day_of_month_matches(const CronFields& f, date::year_month_day d) {
  unsigned day = static_cast<unsigned>(d.day());
  if (f.days.test(day)) return true;
  unsigned last = last_day(d);
  if (last - day < f.days_before_last.size() && f.days_before_last.test(last - day)) return true;
  if (f.last_weekday_of_month && nearest_weekday(d, last) == day) return true;
  if (f.nearest_weekday.any()) {
    // The day can only be the nearest weekday of itself or a neighbour
    // within two days.
    for (unsigned n = day > 2 ? day - 2 : 1; n <= day + 2 && n <= 31; ++n) {
      if (f.nearest_weekday.test(n) && nearest_weekday(d, n) == day) return true;
    }
  }
  return false;
}

bool day_of_week_matches(const CronFields& f, date::year_month_day d) {
  unsigned wd = date::weekday{sys_days{d}}.c_encoding();
  if (f.weekdays.test(wd)) return true;
  unsigned day = static_cast<unsigned>(d.day());
  if (f.last_in_month.test(wd) && day + 7 > last_day(d)) return true;
  unsigned week = (day - 1) / 7;  // 0 for the first of this weekday in the month
  return (f.nth_in_month[wd] >> week) & 1u;
}

}  // namespace

bool day_matches(const CronFields& f, date::year_month_day d) {
  if (!f.months.test(static_cast<unsigned>(d.month()))) return false;
  // Vixie cron: if either field starts with '*', a day must match both;
  // otherwise it may match either.
  if (f.dom_star || f.dow_star) return day_of_month_matches(f, d) && day_of_week_matches(f, d);
  return day_of_month_matches(f, d) || day_of_week_matches(f, d);
}

}  // namespace refreshctl::schedule
