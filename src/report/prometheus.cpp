#include "report/prometheus.h"

#include <fmt/format.h>

#include <chrono>

namespace refreshctl::report {
namespace {

constexpr RefreshState kAllStates[] = {RefreshState::kPending,   RefreshState::kTriggering,
                                       RefreshState::kPolling,   RefreshState::kSucceeded,
                                       RefreshState::kFailed,    RefreshState::kTimedOut,
                                       RefreshState::kError,     RefreshState::kUnknown,
                                       RefreshState::kCancelled, RefreshState::kMissed};

void family(std::string& out, const char* name, const char* type, const char* help) {
  out += fmt::format("# HELP {} {}\n# TYPE {} {}\n", name, help, name, type);
}

std::string labels(const VersionStats& v) {
  return fmt::format("target=\"{}\",version=\"{}\"", escape_label_value(v.target),
                     escape_label_value(v.version));
}

// Seconds with millisecond precision, as the format's floats.
std::string seconds(std::chrono::milliseconds ms) {
  return fmt::format("{:.3f}", static_cast<double>(ms.count()) / 1000.0);
}

std::string unix_seconds(TimePoint t) {
  return seconds(std::chrono::duration_cast<std::chrono::milliseconds>(t.time_since_epoch()));
}

void refresh_families(std::string& out, const std::vector<VersionStats>& versions) {
  family(out, "refreshctl_refresh_last_state", "gauge",
         "1 for the state of the newest refresh of a target and version, 0 for the others");
  for (const auto& v : versions) {
    for (RefreshState s : kAllStates) {
      out += fmt::format("refreshctl_refresh_last_state{{{},state=\"{}\"}} {}\n", labels(v),
                         to_string(s), s == v.last_state ? 1 : 0);
    }
  }
  family(out, "refreshctl_refresh_last_success_timestamp_seconds", "gauge",
         "When the newest successful refresh finished, in seconds since the epoch");
  for (const auto& v : versions) {
    if (!v.last_success) continue;
    out += fmt::format("refreshctl_refresh_last_success_timestamp_seconds{{{}}} {}\n", labels(v),
                       unix_seconds(*v.last_success));
  }
  family(out, "refreshctl_refresh_last_duration_seconds", "gauge",
         "How long the newest refresh that ran took, from its start to its end");
  for (const auto& v : versions) {
    if (!v.last_duration) continue;
    out += fmt::format("refreshctl_refresh_last_duration_seconds{{{}}} {}\n", labels(v),
                       seconds(*v.last_duration));
  }
  family(out, "refreshctl_refreshes_total", "counter",
         "Refreshes recorded in the history, by state (pruning history lowers it)");
  for (const auto& v : versions) {
    for (const auto& [state, count] : v.counts) {
      out += fmt::format("refreshctl_refreshes_total{{{},state=\"{}\"}} {}\n", labels(v),
                         to_string(state), count);
    }
  }
}

}  // namespace

std::string escape_label_value(std::string_view value) {
  std::string out;
  out.reserve(value.size());
  for (char c : value) {
    switch (c) {
      case '\\':
        out += "\\\\";
        break;
      case '"':
        out += "\\\"";
        break;
      case '\n':
        out += "\\n";
        break;
      default:
        out += c;
    }
  }
  return out;
}

std::string render_metrics(const MetricsInput& input) {
  std::string out;
  refresh_families(out, input.versions);
  family(out, "refreshctl_runs_total", "counter", "Runs recorded in the database");
  out += fmt::format("refreshctl_runs_total {}\n", input.runs.count);
  family(out, "refreshctl_last_run_timestamp_seconds", "gauge",
         "When the newest run started, in seconds since the epoch");
  if (input.runs.last_started) {
    out += fmt::format("refreshctl_last_run_timestamp_seconds {}\n",
                       unix_seconds(*input.runs.last_started));
  }
  return out;
}

}  // namespace refreshctl::report
