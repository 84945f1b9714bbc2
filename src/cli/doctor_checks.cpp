// doctor: the database as opened (schema, a write, the clock) and the targets
// (templates, references, host names).
#include <fmt/format.h>
#include <netdb.h>
#include <sys/socket.h>

#include <chrono>
#include <map>
#include <set>

#include "cli/command.h"
#include "cli/doctor.h"
#include "engine/redact.h"
#include "engine/refresh_logic.h"
#include "store/stats.h"
#include "util/duration.h"
#include "util/url.h"

namespace refreshctl::cli {
namespace {

// How far this host's clock may be from the database server's: schedules are
// decided by the clock of the host that runs, in minutes.
constexpr auto kClockTolerance = std::chrono::seconds(5);

void check_clock(const DatabaseHealth& health, TimePoint now, std::vector<Check>& checks) {
  Check c{"clock", true, "", kExitRefreshFailed};
  if (health.server_now) {
    auto off = std::chrono::duration_cast<Millis>(now - *health.server_now);
    Millis distance = off < Millis(0) ? -off : off;
    if (distance > kClockTolerance) {
      c.ok = false;
      c.message = fmt::format(
          "this host's clock is {} {} the database server's: slots are decided by each "
          "host's clock, so hosts that disagree run a slot early or late; sync both with NTP "
          "(chrony, systemd-timesyncd)",
          format_elapsed(distance), off > Millis(0) ? "ahead of" : "behind");
    } else {
      c.message = fmt::format("within {} of the database server's", format_elapsed(distance));
    }
  } else if (health.newest_recorded && *health.newest_recorded > now + std::chrono::minutes(1)) {
    c.ok = false;
    c.message = fmt::format(
        "the newest run recorded started {} in the future: this host's clock is behind the one "
        "that ran it; sync it with NTP (chrony, systemd-timesyncd)",
        format_elapsed(std::chrono::duration_cast<Millis>(*health.newest_recorded - now)));
  } else {
    c.message = "no run recorded in the future (SQLite has no clock of its own to compare with)";
  }
  checks.push_back(c);
}

// Resolves references as `inner` does, remembering each value, so that an
// error that quotes a rendered URL can be redacted before it is printed.
ReferenceResolver remembering(const ReferenceResolver& inner, std::vector<std::string>* values) {
  auto keep = [values](Result<std::string> v) {
    if (v.ok() && !v->empty()) values->push_back(*v);
    return v;
  };
  return {[&inner, keep](const std::string& name) { return keep(inner.env(name)); },
          [&inner, keep](const std::string& path) { return keep(inner.file(path)); }};
}

// The hosts a target sends to, by host: "refresh URL of sales-cube".
using HostUses = std::map<std::string, std::set<std::string>>;

// Builds both requests as a run would for the first version; a status URL
// that is a job id from the service (${env:BASE}{{job_id}}, {{job_id}}) is
// tried with a path and with a whole URL on the refresh URL's origin.
Check check_target(const Target& target, const ReferenceResolver& resolver, HostUses& hosts) {
  std::vector<std::string> secrets;
  auto resolve = remembering(resolver, &secrets);
  RefreshRecord record;
  record.target = target.name;
  record.version = target.versions.empty() ? "" : target.versions.front();
  record.attempt = 1;
  record.job_id = "1";
  Check c{"target " + target.name, true, "", kExitUsage};
  auto fail = [&](const std::string& error) {
    c.ok = false;
    c.message = engine::redact(error, secrets) +
                " (set what it names where refreshctl runs: the crontab, the unit's "
                "Environment=, the pod's env; then run doctor again)";
    return c;
  };
  auto trigger = engine::build_trigger(target, record, resolve);
  if (!trigger.ok()) return fail(trigger.error());
  auto origin = url_origin(trigger->request.url);
  auto poll = engine::build_poll(target, record, resolve);
  for (const std::string& job : {std::string("/1"), origin ? to_string(*origin) + "/1" : ""}) {
    if (poll.ok() || job.empty()) break;
    record.job_id = job;
    if (auto again = engine::build_poll(target, record, resolve); again.ok())
      poll = std::move(again);
  }
  if (!poll.ok()) return fail(poll.error());
  if (target.versions_from) {
    auto list = engine::build_versions_request(target, record, resolve);
    if (!list.ok()) return fail(list.error());
  }
  if (origin) hosts[origin->host].insert("refresh URL of " + target.name);
  if (auto status = url_origin(poll->request.url)) {
    hosts[status->host].insert("status URL of " + target.name);
  }
  c.message = "templates and references resolve";
  return c;
}

Check check_host(const std::string& host, const std::set<std::string>& uses) {
  std::string used_by;
  for (const auto& use : uses) used_by += (used_by.empty() ? "" : ", ") + use;
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* found = nullptr;
  int rc = getaddrinfo(host.c_str(), nullptr, &hints, &found);
  if (found != nullptr) freeaddrinfo(found);
  if (rc != 0) {
    return {"host " + host, false,
            fmt::format("does not resolve: {} ({}); check the name in the target file and this "
                        "host's resolver (/etc/resolv.conf)",
                        gai_strerror(rc), used_by),
            kExitRefreshFailed};
  }
  return {"host " + host, true, fmt::format("resolves ({})", used_by), kExitRefreshFailed};
}

}  // namespace

void check_database(Store& store, TimePoint now, std::vector<Check>& checks) {
  auto health = database_health(store);
  if (!health.ok()) {
    checks.push_back({"database", false, fmt::format("{}: {}", store.describe(), health.error()),
                      kExitDatabase});
    return;
  }
  Check db{"database", true, "", kExitDatabase};
  if (health->schema_version < health->latest_schema_version) {
    db.ok = false;
    db.message = fmt::format(
        "{} is at schema version {}, this refreshctl needs {}: run refreshctl apply (or run) "
        "once as a user who can write it, and it migrates",
        store.describe(), health->schema_version, health->latest_schema_version);
  } else {
    db.message = fmt::format("{} reachable, schema version {} (current)", store.describe(),
                             health->schema_version);
  }
  checks.push_back(db);
  Check write{"database writes", health->write_error.empty(), "", kExitDatabase};
  write.message = write.ok ? "a write transaction opens"
                           : fmt::format(
                                 "a write fails: {}; runs cannot record refreshes "
                                 "(check the file's owner, or the role's privileges)",
                                 health->write_error);
  checks.push_back(write);
  check_clock(*health, now, checks);
}

void check_targets(const std::vector<TargetRecord>& targets,
                   const ReferenceResolver& resolver,
                   std::vector<Check>& checks) {
  HostUses hosts;
  size_t enabled = 0;
  for (const auto& t : targets) {
    if (!t.target.enabled) continue;
    ++enabled;
    checks.push_back(check_target(t.target, resolver, hosts));
  }
  if (enabled == 0) {
    checks.push_back({"targets", true,
                      fmt::format("none enabled ({} in the database)", targets.size()),
                      kExitUsage});
  }
  for (const auto& [host, uses] : hosts) checks.push_back(check_host(host, uses));
}

}  // namespace refreshctl::cli
