// A target: one named refresh definition (SPEC §2, §4). This is the value
// that revisions store; references such as ${env:TOKEN} are kept as written.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace refreshctl {

using Millis = std::chrono::milliseconds;
using HeaderList = std::vector<std::pair<std::string, std::string>>;

struct RefreshRequestSpec {
  std::string method = "POST";
  std::string url;
  HeaderList headers;
  std::string body;
  std::vector<int> success_codes{200, 201, 202};
  std::string job_id;  // JSON pointer into the body, or "header:NAME"; empty: none
  bool operator==(const RefreshRequestSpec&) const = default;
};

struct StatusRequestSpec {
  std::string method = "GET";
  std::string url;
  HeaderList headers;
  std::string body;
  std::string state;  // JSON pointer; empty: the whole text body
  std::vector<std::string> succeeded;
  std::vector<std::string> failed;
  std::vector<int> running_codes{202};
  std::string error;    // JSON pointer; a non-null value there means failed
  std::string message;  // JSON pointer; recorded on failure
  bool operator==(const StatusRequestSpec&) const = default;
};

struct HttpSpec {
  Millis connect_timeout{10'000};
  Millis request_timeout{60'000};
  int64_t max_body_bytes = 1 << 20;
  int max_redirects = 5;
  std::string ca_bundle;
  bool insecure = false;
  // "same-host": follow redirects to the same scheme, host and port only;
  // "any": to other hosts too (without the target's headers); "none".
  std::string follow_redirects = "same-host";
  bool operator==(const HttpSpec&) const = default;
};

// keep_history when a target does not say.
inline constexpr Millis kDefaultKeepHistory = std::chrono::days(90);
// [target.notify]: who hears of this target's refreshes (SPEC §4). URLs and
// header values are templates; secrets in them are ${env:}/${file:}.
struct NotifySpec {
  std::string on_failure;  // POSTed a JSON summary of each failed refresh
  std::string ping;        // healthchecks.io: <ping>/start, <ping>, <ping>/fail
  HeaderList headers;      // sent with every notification
  bool operator==(const NotifySpec&) const = default;
};

// versions_from (SPEC §10): the versions are read from an HTTP endpoint once
// per slot instead of listed. URL and header values are templates
// ({{target}}, {{data_type}}, {{slot}}, ${env:}/${file:}).
struct VersionsFromSpec {
  std::string method = "GET";
  std::string url;
  HeaderList headers;
  std::string pointer;        // JSON pointer to an array of strings; empty: the whole body
  std::optional<int> latest;  // take only the last N of the list
  bool operator==(const VersionsFromSpec&) const = default;
};

struct Target {
  std::string name;
  std::string data_type;
  std::vector<std::string> versions;
  std::string schedule;  // cron expression; empty: every run (one slot a minute)
  std::string timezone = "UTC";
  Millis max_refresh_time{std::chrono::hours(1)};
  Millis poll_interval{5'000};
  double poll_backoff = 1.0;
  Millis max_poll_interval{60'000};
  std::optional<Millis> starting_deadline;  // none: a missed slot is never too old
  int max_concurrency = 4;
  int retries = 0;
  Millis retry_delay{60'000};
  bool retrigger_unknown = false;
  bool enabled = true;
  RefreshRequestSpec refresh;
  StatusRequestSpec status;
  HttpSpec http;
  // How long its refreshes stay in the history before `run` prunes them
  // (keep_history); nullopt: "forever".
  std::optional<Millis> keep_history{kDefaultKeepHistory};
  // Targets whose fresh data a slot of this one waits for (SPEC §10): names,
  // checked at apply for unknown ones and cycles.
  std::vector<std::string> after;
  NotifySpec notify;
  // Set instead of `versions`: the list is read at run time (SPEC §10).
  std::optional<VersionsFromSpec> versions_from;
  bool operator==(const Target&) const = default;
};

// A target name is [A-Za-z0-9._-]{1,128}.
bool is_valid_target_name(const std::string& name);

}  // namespace refreshctl
