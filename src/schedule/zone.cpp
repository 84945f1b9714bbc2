#include "schedule/zone.h"

#include <date/tz.h>
#include <fmt/format.h>

#include <algorithm>
#include <cctype>
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

// "local" and "localtime" name whatever zone the host is set to: a schedule
// in them fires at another instant on each host and moves when the host's
// setting changes. The user most likely means the host's zone by its name.
Error refuse_host_zone(std::string_view name) {
  std::string host;
  try {
    host = date::current_zone()->name();
  } catch (const std::exception&) {
    // no /etc/localtime: say so without a name
  }
  if (host.empty() || host == "localtime") {
    return make_error(fmt::format(
        "\"{}\" is the host's zone, which differs between hosts; write the zone by its IANA "
        "name, as \"Europe/Berlin\" or \"UTC\"",
        name));
  }
  return make_error(fmt::format(
      "\"{}\" is the host's zone, which differs between hosts; write the zone by its IANA "
      "name (this host's is \"{}\")",
      name, host));
}

}  // namespace

Result<const date::time_zone*> find_zone(std::string_view name) {
  if (name.empty()) return make_error("the time zone name is empty (use an IANA name as UTC)");
  std::string lower(name);
  for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  if (lower == "local" || lower == "localtime") return refuse_host_zone(name);
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
