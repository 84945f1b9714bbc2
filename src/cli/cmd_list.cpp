// refreshctl list: one row a target.
#include <fmt/format.h>

#include <map>
#include <memory>
#include <utility>

#include "cli/commands.h"
#include "cli/options.h"
#include "cli/output.h"
#include "schedule/slots.h"
#include "store/store.h"
#include "util/text.h"

namespace refreshctl::cli {
namespace {

// The next slot of each (schedule, time zone), worked out once: a list of
// 100,000 targets has far fewer schedules.
class NextSlots {
 public:
  explicit NextSlots(TimePoint now) : now_(now) {}
  std::optional<TimePoint> of(const TargetSummary& t) {
    if (!t.enabled) return std::nullopt;
    auto key = std::make_pair(t.schedule, t.timezone);
    auto it = memo_.find(key);
    if (it != memo_.end()) return it->second;
    Target probe;
    probe.name = t.name;
    probe.schedule = t.schedule;
    probe.timezone = t.timezone;
    auto next = schedule::next_slot(probe, now_);
    std::optional<TimePoint> value;
    if (next.ok() && *next) value = **next;
    memo_.emplace(std::move(key), value);
    return value;
  }

 private:
  TimePoint now_;
  std::map<std::pair<std::string, std::string>, std::optional<TimePoint>> memo_;
};

void run_list(Context& ctx) {
  auto store = open_store_or_fail(ctx.global, OpenMode::kReadOnly);
  auto targets = unwrap(store->target_summaries(), kExitDatabase);
  auto last = unwrap(store->last_states(), kExitDatabase);
  TimePoint now = SystemClock().now();
  NextSlots next_slots(now);
  std::map<std::pair<TimePoint, std::string>, std::string> shown;  // next slot, zone → text
  OutputStyle style = output_style(ctx.global);
  JsonArrayPrinter out;
  std::vector<std::vector<std::string>> rows;
  if (!ctx.global.json) rows.reserve(targets.size());
  for (const auto& t : targets) {
    auto next = next_slots.of(t);
    auto it = last.find(t.name);
    std::optional<std::string> last_state;
    if (it != last.end()) last_state = to_string(it->second);
    if (ctx.global.json) {
      out.add({{"name", t.name},
               {"data_type", t.data_type},
               {"versions", t.versions},
               {"schedule", t.schedule.empty() ? nlohmann::json() : nlohmann::json(t.schedule)},
               {"timezone", t.timezone},
               {"enabled", t.enabled},
               {"revision", t.revision},
               {"next_slot", next ? nlohmann::json(format_rfc3339(*next)) : nlohmann::json()},
               {"last_state", last_state ? nlohmann::json(*last_state) : nlohmann::json()},
               {"after", t.after}});
      continue;
    }
    std::string schedule = t.schedule.empty() ? "(every run)" : t.schedule;
    if (!t.schedule.empty() && t.timezone != "UTC") schedule += " " + t.timezone;
    if (!t.after.empty()) schedule += ", after " + join(t.after, ",");  // what its slots wait for
    // On a terminal the next slot is shown in the target's own zone, as its
    // schedule is written.
    std::string next_text = "-";
    if (next) {
      auto key = std::make_pair(*next, t.timezone);
      auto known = shown.find(key);
      if (known == shown.end()) {
        known = shown.emplace(key, format_time_in_zone(*next, t.timezone, style)).first;
      }
      next_text = known->second;
    }
    std::string versions = t.versions_from ? "(read at run time)" : join(t.versions, ",");
    rows.push_back({t.name, t.data_type, versions, schedule, next_text, t.enabled ? "yes" : "no",
                    std::to_string(t.revision), last_state.value_or("-")});
  }
  if (ctx.global.json) {
    out.finish();
  } else if (rows.empty()) {
    fmt::print("no targets (add some with: refreshctl apply -f targets.toml)\n");
  } else {
    TableLayout layout;
    layout.state_column = 7;
    layout.color = style.color;
    if (style.terminal && style.verbose == 0) {
      layout.max_width = style.width;
      layout.shrink = {2, 1, 0};  // the versions, then the data type, then the name
    }
    print_table(
        {"NAME", "DATA TYPE", "VERSIONS", "SCHEDULE", "NEXT SLOT", "ENABLED", "REV", "LAST"}, rows,
        layout);
  }
}

}  // namespace

void setup_list(CLI::App& app, Context& ctx) {
  auto* cmd = app.add_subcommand("list", "List targets, one row each");
  set_examples(cmd, {"refreshctl list", "refreshctl --json list | jq -r '.[].name'",
                     "refreshctl --db /var/lib/refreshctl/refreshctl.db list"});
  cmd->callback([&ctx] { run_list(ctx); });
}

}  // namespace refreshctl::cli
