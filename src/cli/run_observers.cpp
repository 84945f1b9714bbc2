#include "cli/run_observers.h"

#include <fmt/format.h>

#include <cstdio>
#include <nlohmann/json.hpp>

#include "cli/output.h"
#include "util/duration.h"
#include "util/text.h"

namespace refreshctl::cli {
namespace {

// For people: what came from a service or a target file is escaped
// (escape_for_terminal), so a reply cannot move the cursor or fake a line.
std::string describe(const RefreshRecord& r) {
  std::string line =
      fmt::format("{} {} {}", r.target, escape_for_terminal(r.version), to_string(r.state));
  if (r.attempt > 0) line += fmt::format(" (retry {})", r.attempt);
  if (!r.job_id.empty()) line += " job=" + escape_for_terminal(r.job_id);
  if (r.state == RefreshState::kPolling && r.polls > 0) line += fmt::format(" polls={}", r.polls);
  if (is_terminal(r.state) && r.finished_at) {
    line += " after " + format_elapsed(*r.finished_at - r.started_at);
    if (r.polls > 0) line += fmt::format(", {} polls", r.polls);
  }
  if (!r.error.empty()) line += ": " + escape_for_terminal(r.error);
  return line;
}

class LogObserver : public engine::RunObserver {
 public:
  explicit LogObserver(const ObserverOptions& o) : opt_(o) {}

  void on_state(const RefreshRecord& r) override {
    if (opt_.quiet && !is_failure(r.state)) return;
    TimePoint now = SystemClock().now();
    if (opt_.json) {
      nlohmann::json line = refresh_json(r);
      line["time"] = format_rfc3339(now);
      line["event"] = "state";
      fmt::print("{}\n", line.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
    } else {
      fmt::print("{} {} slot={} rev={}\n", format_rfc3339(now), describe(r), format_rfc3339(r.slot),
                 r.revision);
    }
    std::fflush(stdout);
  }

  void on_note(const std::string& text) override {
    // Quiet is for crontab lines: a run that went well prints nothing, so
    // cron mails only failures.
    if (opt_.quiet) return;
    TimePoint now = SystemClock().now();
    if (opt_.json) {
      fmt::print(
          "{}\n",
          nlohmann::json{{"time", format_rfc3339(now)}, {"event", "note"}, {"message", text}}.dump(
              -1, ' ', false, nlohmann::json::error_handler_t::replace));
    } else {
      fmt::print("{} {}\n", format_rfc3339(now), escape_for_terminal(text));
    }
    std::fflush(stdout);
  }

 private:
  ObserverOptions opt_;
};

// Redraws the refreshes in flight in place; terminal states scroll above.
class TerminalObserver : public engine::RunObserver {
 public:
  void on_state(const RefreshRecord& r) override {
    if (!is_terminal(r.state)) return;
    clear();
    fmt::print("{}\n", describe(r));
  }
  void on_note(const std::string& text) override {
    clear();
    fmt::print("{}\n", escape_for_terminal(text));
  }
  void on_tick(const std::vector<const RefreshRecord*>& in_flight, TimePoint now) override {
    clear();
    constexpr size_t kShown = 15;
    for (size_t i = 0; i < in_flight.size() && i < kShown; ++i) {
      const RefreshRecord& r = *in_flight[i];
      auto since = r.triggered_at.value_or(r.started_at);
      fmt::print("  {:<24} {:<12} {:<10} {:>6} polls={}\n", r.target,
                 escape_for_terminal(r.version), to_string(r.state), format_elapsed(now - since),
                 r.polls);
      ++lines_;
    }
    if (in_flight.size() > kShown) {
      fmt::print("  … and {} more in flight\n", in_flight.size() - kShown);
      ++lines_;
    }
    std::fflush(stdout);
  }

 private:
  void clear() {
    for (; lines_ > 0; --lines_) fmt::print("\x1b[1A\x1b[2K");
  }
  int lines_ = 0;
};

}  // namespace

std::unique_ptr<engine::RunObserver> make_run_observer(const ObserverOptions& options) {
  if (options.terminal && !options.json && !options.quiet) {
    return std::make_unique<TerminalObserver>();
  }
  return std::make_unique<LogObserver>(options);
}

std::string summary_line(const engine::RunSummary& s) {
  std::string parts;
  for (const auto& [state, count] : s.by_state) {
    if (count == 0) continue;
    parts += fmt::format("{}{} {}", parts.empty() ? "" : ", ", count, to_string(state));
  }
  std::string line =
      fmt::format("run {}: {} refresh{}", s.run_id, s.total(), s.total() == 1 ? "" : "es");
  if (!parts.empty()) line += ": " + parts;
  if (s.resumed > 0) line += fmt::format(" ({} resumed from an earlier run)", s.resumed);
  if (s.stopped) line += "; stopped early, open refreshes are left for the next run";
  return line;
}

}  // namespace refreshctl::cli
