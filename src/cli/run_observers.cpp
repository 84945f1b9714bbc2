#include "cli/run_observers.h"

#include <fmt/format.h>

#include <nlohmann/json.hpp>

#include "cli/output.h"
#include "util/duration.h"
#include "util/text.h"

namespace refreshctl::cli {
namespace {

// For people: what came from a service or a target file is escaped
// (escape_for_terminal), so a reply cannot move the cursor or fake a line.
std::string describe(const RefreshRecord& r, bool color) {
  OutputStyle style;
  style.color = color;
  std::string line = fmt::format("{} {} {}", r.target, escape_for_terminal(r.version),
                                 paint_state(r.state, style));
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

// What cron should mail under -q: anything that needs a person.
bool is_problem(RefreshState state) { return is_failure(state) || state == RefreshState::kMissed; }

class LogObserver : public engine::RunObserver {
 public:
  explicit LogObserver(const ObserverOptions& o) : opt_(o) {}

  void on_state(const RefreshRecord& r) override {
    if (opt_.quiet && !is_problem(r.state)) return;
    TimePoint now = SystemClock().now();
    if (opt_.json) {
      nlohmann::json line = refresh_json(r);
      line["time"] = format_rfc3339(now);
      line["event"] = "state";
      fmt::print(opt_.out, "{}\n",
                 line.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
    } else {
      fmt::print(opt_.out, "{} {} slot={} rev={}\n", format_rfc3339(now), describe(r, opt_.color),
                 format_rfc3339(r.slot), r.revision);
    }
    // A line a state change, flushed at least every 200 ms (and by on_tick):
    // a write of its own for each of 100,000 refreshes would cost more than
    // the refreshes.
    unflushed_ = true;
    if (now - last_flush_ >= kFlushEvery) flush(now);
  }

  void on_tick(const std::vector<const RefreshRecord*>&, TimePoint now) override {
    if (unflushed_) flush(now);
  }

  void on_note(const std::string& text) override {
    // Quiet is for crontab lines: a run that went well prints nothing, so
    // cron mails only failures.
    if (!opt_.quiet) print_note(text);
  }

  void on_warning(const std::string& text) override { print_note(text); }

 private:
  static constexpr std::chrono::milliseconds kFlushEvery{200};

  void flush(TimePoint now) {
    std::fflush(opt_.out);
    unflushed_ = false;
    last_flush_ = now;
  }

  void print_note(const std::string& text) {
    TimePoint now = SystemClock().now();
    if (opt_.json) {
      fmt::print(
          opt_.out, "{}\n",
          nlohmann::json{{"time", format_rfc3339(now)}, {"event", "note"}, {"message", text}}.dump(
              -1, ' ', false, nlohmann::json::error_handler_t::replace));
    } else {
      fmt::print(opt_.out, "{} {}\n", format_rfc3339(now), escape_for_terminal(text));
    }
    flush(now);
  }

  ObserverOptions opt_;
  bool unflushed_ = false;
  TimePoint last_flush_{};
};

class DryRunObserver : public engine::RunObserver {
 public:
  DryRunObserver(bool json, TimePoint as_of) : json_(json), as_of_(as_of) {}
  void on_state(const RefreshRecord& r) override {
    ++count_;
    if (json_) {
      items_.push_back({{"target", r.target},
                        {"revision", r.revision},
                        {"version", r.version},
                        {"slot", format_rfc3339(r.slot)},
                        {"attempt", r.attempt}});
    } else {
      fmt::print("would trigger {} {} slot={} attempt={} rev={}\n", r.target,
                 escape_for_terminal(r.version), format_rfc3339(r.slot), r.attempt, r.revision);
    }
  }
  void on_note(const std::string&) override {}
  ~DryRunObserver() override {
    if (json_) {
      fmt::print("{}\n", items_.dump(2));
    } else if (count_ == 0) {
      fmt::print("nothing is due at {}; nothing would be triggered (dry run)\n",
                 format_rfc3339(as_of_));
    }
  }

 private:
  bool json_;
  TimePoint as_of_;
  int count_ = 0;
  nlohmann::json items_ = nlohmann::json::array();
};

}  // namespace

LiveView::LiveView(bool color, std::FILE* out, TimePoint started)
    : color_(color), out_(out), started_(started) {}

void LiveView::on_state(const RefreshRecord& r) {
  retry_waits_.erase({r.target, r.version});
  if (!is_terminal(r.state)) return;
  ++ended_[r.state];
  clear();
  fmt::print(out_, "{}\n", describe(r, color_));
}

void LiveView::on_note(const std::string& text) {
  clear();
  fmt::print(out_, "{}\n", escape_for_terminal(text));
}

void LiveView::on_retry_wait(const RefreshRecord& next, TimePoint not_before) {
  retry_waits_[{next.target, next.version}] = not_before;
}

std::string LiveView::header(size_t in_flight, TimePoint now) const {
  int done = 0;
  std::string parts;
  OutputStyle style;
  style.color = color_;
  for (const auto& [state, count] : ended_) {
    done += count;
    parts += fmt::format("{}{} {}", parts.empty() ? "" : ", ", count, paint_state(state, style));
  }
  std::string line = fmt::format("run: {} in flight, {} done", in_flight, done);
  if (!parts.empty()) line += ": " + parts;
  if (!retry_waits_.empty()) line += fmt::format("; {} waiting to retry", retry_waits_.size());
  return line + "; " + format_elapsed(now - started_);
}

void LiveView::on_tick(const std::vector<const RefreshRecord*>& in_flight, TimePoint now) {
  clear();
  fmt::print(out_, "{}\n", header(in_flight.size(), now));
  ++lines_;
  constexpr size_t kShown = 15;
  for (size_t i = 0; i < in_flight.size() && i < kShown; ++i) {
    const RefreshRecord& r = *in_flight[i];
    auto since = r.triggered_at.value_or(r.started_at);
    fmt::print(out_, "  {:<24} {:<12} {:<10} {:>6} polls={}\n", r.target,
               escape_for_terminal(r.version), to_string(r.state), format_elapsed(now - since),
               r.polls);
    ++lines_;
  }
  if (in_flight.size() > kShown) {
    fmt::print(out_, "  … and {} more in flight\n", in_flight.size() - kShown);
    ++lines_;
  }
  size_t shown = 0;
  for (const auto& [key, at] : retry_waits_) {
    if (shown++ == 5) break;
    fmt::print(out_, "  {:<24} {:<12} {:<10} in {}\n", key.first, key.second, "retry",
               format_elapsed(std::max(Millis(0), at - now)));
    ++lines_;
  }
  std::fflush(out_);
}

void LiveView::clear() {
  for (; lines_ > 0; --lines_) fmt::print(out_, "\x1b[1A\x1b[2K");
}

std::unique_ptr<engine::RunObserver> make_run_observer(const ObserverOptions& options) {
  if (options.terminal && !options.json && !options.quiet) {
    return std::make_unique<LiveView>(options.color, options.out, SystemClock().now());
  }
  return std::make_unique<LogObserver>(options);
}

std::unique_ptr<engine::RunObserver> make_dry_run_observer(bool json, TimePoint as_of) {
  return std::make_unique<DryRunObserver>(json, as_of);
}

std::string summary_line(const engine::RunSummary& s) {
  std::string parts;
  for (const auto& [state, count] : s.by_state) {
    if (count == 0) continue;
    parts += fmt::format("{}{} {}", parts.empty() ? "" : ", ", count, to_string(state));
  }
  std::string line =
      fmt::format("run {}: {} refresh{} ended", s.run_id, s.total(), s.total() == 1 ? "" : "es");
  if (!parts.empty()) line += ": " + parts;
  if (s.attempts != s.total()) {
    line += fmt::format(" ({} trigger request{}, retries included)", s.attempts,
                        s.attempts == 1 ? "" : "s");
  }
  if (s.resumed > 0) line += fmt::format("; {} resumed from an earlier run", s.resumed);
  if (s.busy > 0) {
    line += fmt::format("; {} target{} busy in another run", s.busy, s.busy == 1 ? "" : "s");
  }
  if (s.stuck > 0) line += fmt::format(" ({} stuck)", s.stuck);
  if (s.left > 0) {
    line +=
        fmt::format("; {} refresh{} left open for the next run", s.left, s.left == 1 ? "" : "es");
  }
  if (s.stopped) line += "; stopped early";
  return line;
}

}  // namespace refreshctl::cli
