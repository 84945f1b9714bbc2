// Stepping through wall-clock time field by field: a month that does not
// match is skipped whole, then a day, an hour, a minute.
#include <chrono>

#include "schedule/cron_fields.h"

namespace refreshctl::schedule {
namespace {

using date::local_days;
using date::local_seconds;
using std::chrono::hours;
using std::chrono::minutes;
using std::chrono::seconds;

template <size_t N>
int next_bit(const std::bitset<N>& bits, int from) {
  for (int i = from; i < static_cast<int>(N); ++i) {
    if (bits.test(static_cast<size_t>(i))) return i;
  }
  return -1;
}

template <size_t N>
int prev_bit(const std::bitset<N>& bits, int from) {
  for (int i = from; i >= 0; --i) {
    if (bits.test(static_cast<size_t>(i))) return i;
  }
  return -1;
}

struct Civil {
  local_days day;
  date::year_month_day ymd;
  int hour, minute, second;
};

Civil split(local_seconds t) {
  auto day = date::floor<date::days>(t);
  date::hh_mm_ss<seconds> tod{t - day};
  return Civil{day, date::year_month_day{day}, static_cast<int>(tod.hours().count()),
               static_cast<int>(tod.minutes().count()), static_cast<int>(tod.seconds().count())};
}

local_days first_of_month(const date::year_month_day& ymd) {
  return local_days{ymd.year() / ymd.month() / 1};
}

}  // namespace

std::optional<local_seconds> first_match(const CronFields& f,
                                         local_seconds from,
                                         local_seconds to) {
  local_seconds t = from;
  while (t < to) {
    Civil c = split(t);
    if (!f.months.test(static_cast<unsigned>(c.ymd.month()))) {
      t = local_days{c.ymd.year() / c.ymd.month() / 1 + date::months{1}};
      continue;
    }
    if (!day_matches(f, c.ymd)) {
      t = c.day + date::days{1};
      continue;
    }
    int h = next_bit(f.hours, c.hour);
    if (h != c.hour) {
      t = h < 0 ? local_seconds{c.day + date::days{1}} : c.day + hours{h};
      continue;
    }
    int m = next_bit(f.minutes, c.minute);
    if (m != c.minute) {
      t = m < 0 ? c.day + hours{h + 1} : c.day + hours{h} + minutes{m};
      continue;
    }
    int s = next_bit(f.seconds, c.second);
    if (s < 0) {
      t = c.day + hours{h} + minutes{m + 1};
      continue;
    }
    t = c.day + hours{h} + minutes{m} + seconds{s};
    if (t < to) return t;
  }
  return std::nullopt;
}

std::optional<local_seconds> last_match(const CronFields& f, local_seconds from, local_seconds to) {
  local_seconds t = to;
  while (t >= from) {
    Civil c = split(t);
    if (!f.months.test(static_cast<unsigned>(c.ymd.month()))) {
      t = first_of_month(c.ymd) - seconds{1};
      continue;
    }
    if (!day_matches(f, c.ymd)) {
      t = c.day - seconds{1};
      continue;
    }
    int h = prev_bit(f.hours, c.hour);
    if (h != c.hour) {
      t = h < 0 ? c.day - seconds{1} : c.day + hours{h} + minutes{59} + seconds{59};
      continue;
    }
    int m = prev_bit(f.minutes, c.minute);
    if (m != c.minute) {
      t = m < 0 ? c.day + hours{h} - seconds{1} : c.day + hours{h} + minutes{m} + seconds{59};
      continue;
    }
    int s = prev_bit(f.seconds, c.second);
    if (s < 0) {
      t = c.day + hours{h} + minutes{m} - seconds{1};
      continue;
    }
    t = c.day + hours{h} + minutes{m} + seconds{s};
    if (t >= from) return t;
  }
  return std::nullopt;
}

}  // namespace refreshctl::schedule
