#include <fmt/format.h>

#include <algorithm>
#include <iterator>

#include "report/html_text.h"
#include "report/render.h"
#include "util/duration.h"

namespace refreshctl::report {
namespace {

constexpr double kLabelWidth = 180;  // the version names left of the lanes
constexpr double kPlotWidth = 1080;
constexpr double kWidth = kLabelWidth + kPlotWidth + 10;
constexpr int kLaneHeight = 18;
constexpr int kStripHeight = 12;   // above the lanes: where revisions were created
constexpr int kMaxTicks = 12;      // about one every 90 px
constexpr size_t kFoldAbove = 40;  // more targets than this: fold those that went well
constexpr size_t kVersionChars = 26;
constexpr size_t kErrorChars = 200;  // in a tooltip; the failure list has it all
constexpr size_t kSourceChars = 80;

struct Scale {
  Window window;
  double x(TimePoint t) const {
    double f = static_cast<double>((t - window.from).count()) /
               static_cast<double>((window.to - window.from).count());
    return kLabelWidth + std::clamp(f, 0.0, 1.0) * kPlotWidth;
  }
};

void append_axis(std::string& out,
                 const Scale& scale,
                 const std::vector<Tick>& ticks,
                 TimePoint now) {
  auto o = std::back_inserter(out);
  fmt::format_to(o, R"(<div class="axis"><svg width="{:.0f}" height="22" role="img">)", kWidth);
  fmt::format_to(o, R"(<text x="4" y="15">UTC</text>)");
  for (const Tick& t : ticks) {
    double x = scale.x(t.at);
    fmt::format_to(o, R"(<path class="tick" d="M{:.1f} 16V22"/><text x="{:.1f}" y="13">{}</text>)",
                   x, x + 2, t.label);
  }
  if (now <= scale.window.to && now >= scale.window.from) {
    fmt::format_to(o, R"(<path class="now" d="M{:.1f} 0V22"><title>now</title></path>)",
                   scale.x(now));
  }
  out += "</svg></div>\n";
}

// A marker in the strip where each revision was created, and a dashed line
// down the lanes: from there on that revision was in force.
void append_revisions(std::string& out, const TargetGroup& g, const Scale& scale, int height) {
  if (g.revisions == nullptr) return;
  auto o = std::back_inserter(out);
  double last_label = -100;
  for (const RevisionInfo& rev : *g.revisions) {
    if (rev.created_at < scale.window.from || rev.created_at > scale.window.to) continue;
    double x = scale.x(rev.created_at);
    fmt::format_to(o, R"(<path class="revline" d="M{:.1f} {}V{}"/>)", x, kStripHeight, height);
    fmt::format_to(o, R"(<path class="rev" d="M{:.1f} 11l-4-8h8z"><title>revision {} created {})",
                   x, rev.revision, format_rfc3339(rev.created_at));
    if (!rev.source.empty()) {
      out += " by ";
      append_html(out, shorten(rev.source, kSourceChars));
    }
    out += "</title></path>";
    if (x - last_label >= 28) {
      fmt::format_to(o, R"(<text class="revl" x="{:.1f}" y="10">r{}</text>)", x + 5, rev.revision);
      last_label = x;
    }
  }
}

void append_bar(
    std::string& out, const RefreshRecord& r, const Scale& scale, int y, TimePoint now) {
  Span span = bar_span(r, now);
  double x = scale.x(span.from);
  double width = std::max(1.0, scale.x(span.to) - x);
  const char* state = to_string(r.state);
  auto o = std::back_inserter(out);
  fmt::format_to(
      o,
      R"(<rect class="bar" data-state="{}" x="{:.1f}" y="{}" width="{:.1f}" height="12"><title>)",
      state, x, y + 3, width);
  append_html(out, bar_title(r, now));
  out += "</title></rect>";
  // The state's name on the bar itself when it fits (10 px monospace: 6 px a letter).
  if (width >= 6.0 * static_cast<double>(std::string_view(state).size()) + 6) {
    fmt::format_to(o, R"(<text class="lbl" x="{:.1f}" y="{}">{}</text>)", x + 3, y + 13, state);
  }
}

void append_lane(std::string& out, const Lane& lane, const Scale& scale, int index, TimePoint now) {
  int y = kStripHeight + index * kLaneHeight;
  auto o = std::back_inserter(out);
  out += R"(<g class="lane" data-version=")";
  append_html(out, lane.version);
  out += "\">";
  fmt::format_to(o, R"(<text class="ver" x="4" y="{}">)", y + 13);
  append_html(out, shorten(lane.version.empty() ? "(no version)" : lane.version, kVersionChars));
  if (lane.version.size() > kVersionChars) {
    out += "<title>";
    append_html(out, lane.version);
    out += "</title>";
  }
  out += "</text>";
  // Successes first, so that a failure among many short successes stays on top.
  std::vector<const RefreshRecord*> order = lane.refreshes;
  std::stable_partition(order.begin(), order.end(),
                        [](const auto* r) { return r->state == RefreshState::kSucceeded; });
  for (const RefreshRecord* r : order) append_bar(out, *r, scale, y, now);
  for (size_t i = 1; i < lane.refreshes.size(); ++i) {
    const RefreshRecord& before = *lane.refreshes[i - 1];
    const RefreshRecord& after = *lane.refreshes[i];
    if (before.revision == after.revision) continue;
    fmt::format_to(
        o, R"(<path class="revtick" d="M{:.1f} {}v{}"><title>revision {} → {}</title></path>)",
        scale.x(bar_span(after, now).from) - 1, y, kLaneHeight, before.revision, after.revision);
  }
  out += "</g>";
}

std::string summary_line(const TargetGroup& g) {
  const TargetStats& s = g.stats;
  std::string line =
      fmt::format("{} version{} · {} refresh{}", g.lanes.size(), g.lanes.size() == 1 ? "" : "s",
                  s.refreshes, s.refreshes == 1 ? "" : "es");
  if (s.success_rate) line += fmt::format(" · {:.1f}% succeeded", *s.success_rate * 100);
  if (s.failures) line += fmt::format(" · {} failure{}", s.failures, s.failures == 1 ? "" : "s");
  if (s.p50) line += " · p50 " + format_elapsed(*s.p50) + " · p95 " + format_elapsed(*s.p95);
  return line;
}

void append_group(
    std::string& out, const TargetGroup& g, const Scale& scale, bool open, TimePoint now) {
  int height = kStripHeight + static_cast<int>(g.lanes.size()) * kLaneHeight;
  auto o = std::back_inserter(out);
  out += open ? R"(<details class="target" open data-target=")"
              : R"(<details class="target" data-target=")";
  append_html(out, g.name);
  out += R"("><summary><b>)";
  append_html(out, g.name);
  out += g.removed ? "</b> (removed) " : "</b> ";
  fmt::format_to(o, R"(<span class="sub">{}</span></summary>)", summary_line(g));
  fmt::format_to(o, R"(<svg class="lanes" width="{:.0f}" height="{}">)", kWidth, height);
  append_revisions(out, g, scale, height);
  for (size_t i = 0; i < g.lanes.size(); ++i) {
    append_lane(out, g.lanes[i], scale, static_cast<int>(i), now);
  }
  out += "</svg></details>\n";
}

// The end of a bar without its date when that is the start's date.
std::string end_time(TimePoint from, TimePoint to) {
  std::string a = format_rfc3339(from);
  std::string b = format_rfc3339(to);
  return a.compare(0, 11, b, 0, 11) == 0 ? b.substr(11) : b;
}

}  // namespace

std::string timeline_css(Window window) {
  Scale scale{window};
  auto ticks = time_ticks(window, kMaxTicks);
  // Lanes striped and the ticks' grid lines drawn by CSS, once for every
  // group, rather than by a few elements in each lane and group.
  std::string layers =
      fmt::format("repeating-linear-gradient(#f6f8fa 0 {0}px,#fff {0}px {1}px) 0 {2}px no-repeat",
                  kLaneHeight, 2 * kLaneHeight, kStripHeight);
  if (ticks.size() >= 2) {  // a 1 px line at each tick, on top of the stripes
    double first = scale.x(ticks[0].at);
    double spacing = scale.x(ticks[1].at) - first;
    layers = fmt::format(
                 "repeating-linear-gradient(90deg,#e5e8eb 0 1px,transparent 1px {:.2f}px) "
                 "{:.2f}px 0/{:.2f}px 100% no-repeat,",
                 spacing, first, kWidth - first) +
             layers;
  }
  return "svg.lanes{background:" + layers + "}\n";
}

std::string bar_title(const RefreshRecord& r, TimePoint now) {
  Span span = bar_span(r, now);
  std::string t =
      fmt::format("{} · attempt {} · revision {}\nslot {}\n{} → ", to_string(r.state), r.attempt,
                  r.revision, format_rfc3339(r.slot), format_rfc3339(span.from));
  t += r.finished_at ? fmt::format("{} ({})", end_time(span.from, *r.finished_at),
                                   format_elapsed(*r.finished_at - r.started_at))
                     : std::string(is_terminal(r.state) ? "-" : "still open");
  t += "\njob " + (r.job_id.empty() ? std::string("-") : r.job_id);
  t += fmt::format(" · {} poll{}", r.polls, r.polls == 1 ? "" : "s");
  if (r.http_status) t += fmt::format(" · HTTP {}", r.http_status);
  if (!r.error.empty()) t += "\n" + shorten(r.error, kErrorChars);
  return t;
}

void append_timeline(std::string& out,
                     const std::vector<TargetGroup>& groups,
                     Window window,
                     TimePoint now) {
  Scale scale{window};
  auto ticks = time_ticks(window, kMaxTicks);
  out += R"(<div class="timeline">)";
  append_axis(out, scale, ticks, now);
  for (const TargetGroup& g : groups) {
    bool open = groups.size() <= kFoldAbove || g.stats.failures > 0 || g.stats.open > 0;
    append_group(out, g, scale, open, now);
  }
  out += "</div>\n";
}

}  // namespace refreshctl::report
