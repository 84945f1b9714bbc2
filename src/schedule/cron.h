// Cron expressions (SPEC §6): pure functions of a time point and a zone.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

#include "schedule/cron_fields.h"
#include "util/result.h"

namespace date {
class time_zone;
}

namespace refreshctl::schedule {

using Seconds = std::chrono::sys_seconds;

class Cron {
 public:
  // Parses five fields (min hour dom mon dow), or six with leading seconds,
  // or an @alias. Fails with a message naming the field and what it allows:
  // "hour 24 is out of range 0-23".
  static Result<Cron> parse(std::string_view expression);

  // The first fire time strictly after `t`, evaluated in `zone` (nullptr: UTC).
  // nullopt when the expression never fires within five years of `t`.
  std::optional<Seconds> next_after(Seconds t, const date::time_zone* zone) const;

  // The latest fire time at or before `t`; nullopt when there is none within
  // five years before `t`.
  std::optional<Seconds> latest_at_or_before(Seconds t, const date::time_zone* zone) const;

  const std::string& text() const { return text_; }

 private:
  std::string text_;
  CronFields fields_;
};

// "schedule \"0 0 30 2 *\" never fires (...)": what `next` and `apply` say
// when next_after() finds no time after `from`.
std::string never_fires_message(std::string_view expression, Seconds from);

// Looks up an IANA zone ("Asia/Shanghai", "UTC") in the system tz database.
// Fails with a "did you mean" when the name is unknown.
Result<const date::time_zone*> find_zone(std::string_view name);

}  // namespace refreshctl::schedule
