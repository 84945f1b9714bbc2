// refreshctl list: one row a target.
#include <fmt/format.h>

#include <memory>

#include "cli/commands.h"
#include "cli/output.h"
#include "schedule/slots.h"
#include "store/store.h"
#include "util/text.h"

namespace refreshctl::cli {
namespace {

std::optional<std::string> next_slot_text(const Target& t, TimePoint now) {
  if (!t.enabled) return std::nullopt;
  auto next = schedule::next_slot(t, now);
  if (!next.ok() || !*next) return std::nullopt;
  return format_rfc3339(**next);
}

void run_list(Context& ctx) {
  auto store = open_store_or_fail(ctx.global, OpenMode::kReadOnly);
  auto targets = unwrap(store->targets(), kExitDatabase);
  auto last = unwrap(store->last_states(), kExitDatabase);
  TimePoint now = SystemClock().now();
  nlohmann::json out = nlohmann::json::array();
  std::vector<std::vector<std::string>> rows;
  for (const auto& record : targets) {
    const Target& t = record.target;
    auto next = next_slot_text(t, now);
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
           {"next_slot", next ? nlohmann::json(*next) : nlohmann::json()},
           {"last_state", last_state ? nlohmann::json(*last_state) : nlohmann::json()}});
      continue;
    }
    std::string schedule = t.schedule.empty() ? "(every run)" : t.schedule;
    if (!t.schedule.empty() && t.timezone != "UTC") schedule += " " + t.timezone;
    rows.push_back({t.name, t.data_type, join(t.versions, ","), schedule, next.value_or("-"),
                    t.enabled ? "yes" : "no", std::to_string(record.revision),
                    last_state.value_or("-")});
  }
  if (ctx.global.json) {
    print_json(out);
  } else if (rows.empty()) {
    fmt::print("no targets (add some with: refreshctl apply -f targets.toml)\n");
  } else {
    print_table(
        {"NAME", "DATA TYPE", "VERSIONS", "SCHEDULE", "NEXT SLOT", "ENABLED", "REV", "LAST"}, rows);
  }
}

}  // namespace

void setup_list(CLI::App& app, Context& ctx) {
  auto* cmd = app.add_subcommand("list", "List targets, one row each");
  cmd->callback([&ctx] { run_list(ctx); });
}

}  // namespace refreshctl::cli
