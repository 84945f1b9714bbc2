#include "schedule/zone.h"

#include <date/tz.h>
#include <fmt/format.h>

#include <algorithm>
#include <vector>

#include "util/text.h"
#include "util/time.h"

namespace refreshctl::schedule {
namespace {

bool is_utc(const date::time_zone* zone) {
  static const std::vector<std::string> kUtcNames = {"UTC",      "Etc/UTC",   "Etc/Universal",
                                                     "Etc/Zulu", "Universal", "Zulu"};
  return zone == nullptr ||
         std::find(kUtcNames.begin(), kUtcNames.end(), zone->name()) != kUtcNames.end();
}

}  // namespace

Result<const date::time_zone*> find_zone(std::string_view name) {
  if (name.empty()) return make_error("the time zone name is empty (use an IANA name as UTC)");
  try {
    return date::locate_zone(name);
  } catch (const std::exception&) {
    // fall through to a helpful message
  }
  std::vector<std::string> names;
  try {
    for (const auto& zone : date::get_tzdb().zones) names.emplace_back(zone.name());
  } catch (const std::exception& e) {
    return make_error(fmt::format("cannot read the time zone database: {}", e.what()));
  }
  if (names.empty()) {
    return make_error(fmt::format(
        "unknown time zone \"{}\": the system time zone database is empty (install tzdata)", name));
  }
  return make_error(fmt::format("unknown time zone \"{}\" (use an IANA name as Europe/Berlin){}",
                                name, did_you_mean(name, names)));
}

std::string format_in_zone(Seconds t, const date::time_zone* zone) {
  if (is_utc(zone)) return format_rfc3339(TimePoint{t});
  date::sys_info info = zone->get_info(t);
  auto local = date::local_seconds{(t + info.offset).time_since_epoch()};
  auto offset = info.offset.count();
  char sign = offset < 0 ? '-' : '+';
  offset = offset < 0 ? -offset : offset;
  return fmt::format("{}{}{:02}:{:02}", date::format("%Y-%m-%dT%H:%M:%S", local), sign,
                     offset / 3600, offset / 60 % 60);
}

}  // namespace refreshctl::schedule
