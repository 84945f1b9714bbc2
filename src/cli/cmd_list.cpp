// refreshctl list: one row a target.
#include <fmt/format.h>

#include <memory>

#include "cli/commands.h"
#include "cli/options.h"
#include "cli/output.h"
#include "schedule/slots.h"
#include "store/store.h"
#include "util/text.h"

namespace refreshctl::cli {
namespace {

std::optional<TimePoint> next_slot(const Target& t, TimePoint now) {
  if (!t.enabled) return std::nullopt;
  auto next = schedule::next_slot(t, now);
  if (!next.ok() || !*next) return std::nullopt;
  return **next;
}

void run_list(Context& ctx) {
  auto store = open_store_or_fail(ctx.global, OpenMode::kReadOnly);
  auto targets = unwrap(store->targets(), kExitDatabase);
  auto last = unwrap(store->last_states(), kExitDatabase);
  TimePoint now = SystemClock().now();
  OutputStyle style = output_style(ctx.global);
  nlohmann::json out = nlohmann::json::array();
  std::vector<std::vector<std::string>> rows;
  for (const auto& record : targets) {
    const Target& t = record.target;
    auto next = next_slot(t, now);
    auto it = last.find(t.name);
    std::optional<std::string> last_state;
    if (it != last.end()) last_state = to_string(it->second);
    if (ctx.global.json) {
      out.push_back(
          {{"name", t.name},
           {"data_type", t.data_type},
           {"versions", t.versions},
           {"schedule", t.schedule.empty() ? nlohmann::json() : nlohmann::json(t.schedule)},
           {"timezone", t.timezone},
           {"enabled", t.enabled},
           {"revision", record.revision},
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
    std::string next_text = next ? format_time_in_zone(*next, t.timezone, style) : "-";
    std::string versions = t.versions_from ? "(read at run time)" : join(t.versions, ",");
    rows.push_back({t.name, t.data_type, versions, schedule, next_text, t.enabled ? "yes" : "no",
                    std::to_string(record.revision), last_state.value_or("-")});
  }
  if (ctx.global.json) {
    print_json(out);
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
