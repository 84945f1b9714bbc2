#include <fmt/format.h>

#include <algorithm>
#include <iterator>

#include "report/html_text.h"
#include "report/render.h"
#include "report/report.h"
#include "util/duration.h"

namespace refreshctl::report {
namespace {

constexpr size_t kMaxFailuresListed = 200;

// No script at all, and a policy that keeps it so: even markup that slipped
// through escaping could not run, load or send anything.
constexpr const char* kHead = R"(<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="refreshctl )" REFRESHCTL_VERSION R"(">
<title>refreshctl report</title>
<style>
body{font:14px/1.45 system-ui,sans-serif;margin:0 24px 48px;color:#1f2328;background:#fff}
h1{font-size:20px;margin:20px 0 2px}h2{font-size:16px;margin:28px 0 8px}
.sub{color:#59636e}.note{background:#fff8c5;padding:4px 8px;display:inline-block}
table{border-collapse:collapse}th,td{padding:3px 10px;text-align:left;vertical-align:top;border-bottom:1px solid #e5e8eb}
th{background:#f6f8fa;font-weight:600}td.n{text-align:right;font-variant-numeric:tabular-nums}
.scroll{max-height:26em;overflow:auto;display:inline-block;border-bottom:1px solid #d1d9e0}.scroll th{position:sticky;top:0}
table.failures td{white-space:nowrap}table.failures td.msg{white-space:pre-wrap;word-break:break-word;min-width:24em;max-width:60em;font:12px/1.4 ui-monospace,monospace}
[data-state=succeeded]{--c:#2da44e}[data-state=failed]{--c:#cf222e}[data-state=timed_out]{--c:#e16f24}
[data-state=error]{--c:#8250df}[data-state=unknown]{--c:#7d4e00}[data-state=cancelled]{--c:#8c959f}
[data-state=missed]{--c:#c4cad1}[data-state=pending],[data-state=triggering],[data-state=polling]{--c:#0969da}
.st{display:inline-block;padding:0 6px;border-radius:3px;background:var(--c);color:#fff;font:12px/1.6 ui-monospace,monospace}
.legend .st{margin-right:2px}.legend span.c{margin-right:14px}
.timeline{overflow-x:auto}.axis{position:sticky;top:0;background:#fff;z-index:1;border-bottom:1px solid #d1d9e0}
details.target summary{cursor:pointer;padding:3px 0}details.target svg{display:block}
svg text{font:11px ui-monospace,monospace;fill:#1f2328}
rect.bar{fill:var(--c)}text.lbl{fill:#fff;font-size:10px;pointer-events:none}
path.tick{stroke:#59636e}path.now{stroke:#0969da;stroke-width:2}
path.rev{fill:#1f2328}path.revline{stroke:#1f2328;stroke-dasharray:2 3;opacity:.5}
path.revtick{stroke:#1f2328;stroke-width:2}text.revl{font-size:10px}
)";

constexpr RefreshState kStates[] = {
    RefreshState::kSucceeded, RefreshState::kFailed,  RefreshState::kTimedOut,
    RefreshState::kError,     RefreshState::kUnknown, RefreshState::kCancelled,
    RefreshState::kMissed,    RefreshState::kPending, RefreshState::kTriggering,
    RefreshState::kPolling,
};

void append_state(std::string& out, RefreshState state) {
  fmt::format_to(std::back_inserter(out), R"(<span class="st" data-state="{0}">{0}</span>)",
                 to_string(state));
}

void append_header(std::string& out, const ReportInput& in, Window window, size_t targets) {
  auto o = std::back_inserter(out);
  out += "<h1>refreshctl report</h1>\n<p class=\"sub\">";
  fmt::format_to(o, "{} to {} (UTC) · {} refreshes of {} target{} · from ",
                 format_rfc3339(window.from), format_rfc3339(window.to), in.refreshes.size(),
                 targets, targets == 1 ? "" : "s");
  append_html(out, in.database);
  fmt::format_to(o, " · made {}</p>\n<p class=\"legend\">", format_rfc3339(in.now));
  for (RefreshState state : kStates) {
    auto n = std::count_if(in.refreshes.begin(), in.refreshes.end(),
                           [&](const RefreshRecord& r) { return r.state == state; });
    if (n == 0) continue;
    out += "<span class=\"c\">";
    append_state(out, state);
    fmt::format_to(o, " {}</span>", n);
  }
  out += "</p>\n";
  if (in.truncated) {
    fmt::format_to(o,
                   "<p class=\"note\">Only the newest {} refreshes are shown; older ones are "
                   "left out (narrow the report with --since or --target, or raise --limit).</p>\n",
                   in.refreshes.size());
  }
}

bool is_problem(const RefreshRecord& r) {
  return is_failure(r.state) || r.state == RefreshState::kMissed;
}

// Failures, timeouts, errors, unknowns and missed slots, newest first, each
// with its message.
void append_failures(std::string& out, const ReportInput& in) {
  std::vector<const RefreshRecord*> problems;
  for (const RefreshRecord& r : in.refreshes) {
    if (is_problem(r)) problems.push_back(&r);
  }
  std::sort(problems.begin(), problems.end(), [](const auto* a, const auto* b) {
    return std::tie(b->started_at, b->id) < std::tie(a->started_at, a->id);
  });
  auto o = std::back_inserter(out);
  fmt::format_to(o, "<h2 id=\"failures\">Failures ({})</h2>\n", problems.size());
  if (problems.empty()) {
    out += "<p class=\"sub\">No refresh failed, timed out, errored or was missed.</p>\n";
    return;
  }
  out +=
      "<div class=\"scroll\"><table "
      "class=\"failures\"><tr><th>started</th><th>target</th><th>version</th>"
      "<th>state</th><th>attempt</th><th>rev</th><th>slot</th><th>job</th><th>message</th></tr>\n";
  for (size_t i = 0; i < problems.size() && i < kMaxFailuresListed; ++i) {
    const RefreshRecord& r = *problems[i];
    fmt::format_to(o, "<tr data-state=\"{}\"><td>{}</td><td>", to_string(r.state),
                   format_rfc3339(r.started_at));
    append_html(out, r.target);
    out += "</td><td>";
    append_html(out, r.version);
    out += "</td><td>";
    append_state(out, r.state);
    fmt::format_to(o, "</td><td class=\"n\">{}</td><td class=\"n\">{}</td><td>{}</td><td>",
                   r.attempt, r.revision, format_rfc3339(r.slot));
    append_html(out, r.job_id);
    out += "</td><td class=\"msg\">";
    append_html(out, r.error);
    out += "</td></tr>\n";
  }
  out += "</table></div>\n";
  if (problems.size() > kMaxFailuresListed) {
    fmt::format_to(o,
                   "<p class=\"sub\">{} older ones are not listed here (refreshctl history "
                   "--state failed shows them).</p>\n",
                   problems.size() - kMaxFailuresListed);
  }
}

std::string optional_elapsed(const std::optional<Millis>& d) {
  return d ? format_elapsed(*d) : "-";
}

void append_targets(std::string& out, const std::vector<TargetGroup>& groups) {
  auto o = std::back_inserter(out);
  out +=
      "<h2>Targets</h2>\n<table class=\"targets\"><tr><th>target</th><th>revision</th>"
      "<th>versions</th><th>refreshes</th><th>succeeded</th><th>failures</th><th>missed</th>"
      "<th>success rate</th><th>p50</th><th>p95</th></tr>\n";
  for (const TargetGroup& g : groups) {
    const TargetStats& s = g.stats;
    out += "<tr><td>";
    append_html(out, g.name);
    out += "</td><td class=\"n\">";
    if (g.revisions != nullptr && !g.revisions->empty()) {
      fmt::format_to(o, "{}", g.revisions->back().revision);
    }
    if (g.removed) out += " (removed)";
    fmt::format_to(o,
                   "</td><td class=\"n\">{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td>"
                   "<td class=\"n\">{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td>"
                   "<td class=\"n\">{}</td><td class=\"n\">{}</td></tr>\n",
                   g.lanes.size(), s.refreshes, s.succeeded, s.failures, s.missed,
                   s.success_rate ? fmt::format("{:.1f}%", *s.success_rate * 100) : "-",
                   optional_elapsed(s.p50), optional_elapsed(s.p95));
  }
  out +=
      "</table>\n<p class=\"sub\">Success rate: succeeded of those that ended succeeded, "
      "failed, timed_out, error or unknown. p50 and p95: how long succeeded refreshes took, "
      "start to end.</p>\n";
}

}  // namespace

std::string render_html(const ReportInput& input) {
  std::string out;
  out.reserve(4096 + input.refreshes.size() * 320);
  auto groups = group_by_target(input);
  Window window = time_window(input);
  out += kHead;
  out += timeline_css(window);
  out += "</style></head><body>\n";
  append_header(out, input, window, groups.size());
  append_failures(out, input);
  append_targets(out, groups);
  out +=
      "<h2>Timeline</h2>\n<p class=\"sub\">One lane per target and version; a bar from "
      "trigger to end. ▼ a revision was created, | the revision changed from the refresh "
      "before. Hover for details.</p>\n";
  if (groups.empty()) {
    out += "<p>No refreshes recorded in this window.</p>\n";
  } else {
    append_timeline(out, groups, window, input.now);
  }
  out += "</body></html>\n";
  return out;
}

}  // namespace refreshctl::report
