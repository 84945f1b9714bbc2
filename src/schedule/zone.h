// Time zones for schedules: lookup in the system tz database and wall-clock
// RFC 3339 text.
#pragma once

#include <string>

#include "schedule/cron.h"

namespace refreshctl::schedule {

// "2026-11-24T02:30:00+08:00": `t` as wall-clock time in `zone` with its UTC
// offset; "...Z" when `zone` is nullptr or UTC.
std::string format_in_zone(Seconds t, const date::time_zone* zone);

}  // namespace refreshctl::schedule
