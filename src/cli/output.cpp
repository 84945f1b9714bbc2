#include "cli/output.h"

#include <fmt/format.h>
#include <unistd.h>

#include <cstdio>

namespace refreshctl::cli {

void print_table(const std::vector<std::string>& header,
                 const std::vector<std::vector<std::string>>& rows) {
  std::vector<size_t> widths(header.size(), 0);
  auto measure = [&](const std::vector<std::string>& row) {
    for (size_t i = 0; i < row.size() && i < widths.size(); ++i) {
      widths[i] = std::max(widths[i], row[i].size());
    }
  };
  measure(header);
  for (const auto& row : rows) measure(row);
  auto print_row = [&](const std::vector<std::string>& row) {
    std::string line;
    for (size_t i = 0; i < row.size(); ++i) {
      line += i + 1 == row.size() ? row[i] : fmt::format("{:<{}}  ", row[i], widths[i]);
    }
    while (!line.empty() && line.back() == ' ') line.pop_back();
    fmt::print("{}\n", line);
  };
  print_row(header);
  for (const auto& row : rows) print_row(row);
}

void print_json(const nlohmann::json& value) { fmt::print("{}\n", value.dump(2)); }

std::optional<int64_t> refresh_duration_ms(const RefreshRecord& r) {
  if (!r.finished_at) return std::nullopt;
  return (*r.finished_at - r.started_at).count();
}

namespace {

nlohmann::json optional_time(const std::optional<TimePoint>& t) {
  return t ? nlohmann::json(format_rfc3339(*t)) : nlohmann::json();
}

}  // namespace

nlohmann::json refresh_json(const RefreshRecord& r) {
  auto ms = refresh_duration_ms(r);
  nlohmann::json out = {
      {"id", r.id},
      {"run_id", r.run_id},
      {"target", r.target},
      {"revision", r.revision},
      {"version", r.version},
      {"slot", format_rfc3339(r.slot)},
      {"attempt", r.attempt},
      {"state", to_string(r.state)},
      {"started_at", format_rfc3339(r.started_at)},
      {"triggered_at", optional_time(r.triggered_at)},
      {"finished_at", optional_time(r.finished_at)},
      {"duration_ms", ms ? nlohmann::json(*ms) : nlohmann::json()},
      {"polls", r.polls},
      {"job_id", r.job_id.empty() ? nlohmann::json() : nlohmann::json(r.job_id)},
      {"http_status", r.http_status ? nlohmann::json(r.http_status) : nlohmann::json()},
      {"error", r.error.empty() ? nlohmann::json() : nlohmann::json(r.error)}};
  // Which host's run did it: known to the history (several hosts may share
  // a PostgreSQL database), not to a run's own lines.
  if (!r.host.empty()) out["host"] = r.host;
  return out;
}

bool stdout_is_terminal() { return isatty(STDOUT_FILENO) == 1; }

}  // namespace refreshctl::cli
