// refreshctl history: refreshes, newest first.
#include <fmt/format.h>

#include <memory>

#include "cli/commands.h"
#include "cli/completion_model.h"
#include "cli/output.h"
#include "store/store.h"
#include "util/duration.h"
#include "util/text.h"

namespace refreshctl::cli {
namespace {

struct HistoryOptions {
  std::vector<std::string> targets;
  std::string version;
  std::string state;
  std::string since;
  int limit = 50;
};

std::vector<std::string> state_names() {
  std::vector<std::string> names;
  for (int s = 0; s <= static_cast<int>(RefreshState::kMissed); ++s) {
    names.emplace_back(to_string(static_cast<RefreshState>(s)));
  }
  return names;
}

HistoryQuery make_query(const HistoryOptions& opt) {
  HistoryQuery q;
  q.targets = opt.targets;
  q.version = opt.version;
  q.limit = opt.limit;
  if (!opt.state.empty()) {
    q.state = parse_refresh_state(opt.state);
    if (!q.state) {
      auto names = state_names();
      throw Failure(kExitUsage,
                    fmt::format("--state \"{}\" is not a state{} (use one of: {})", opt.state,
                                did_you_mean(opt.state, names), join(names, ", ")));
    }
  }
  if (!opt.since.empty()) {
    // Either a time ("2026-11-23T02:00:00Z") or a duration back from now ("2h").
    auto when = parse_rfc3339(opt.since);
    if (when.ok()) {
      q.since = *when;
    } else if (auto ago = parse_duration(opt.since); ago.ok()) {
      q.since = SystemClock().now() - *ago;
    } else {
      throw Failure(kExitUsage,
                    fmt::format("--since \"{}\" is neither a time (2026-11-23T02:00:00Z) "
                                "nor a duration (2h, 1d)",
                                opt.since));
    }
  }
  return q;
}

void run_history(const HistoryOptions& opt, Context& ctx) {
  HistoryQuery query = make_query(opt);
  auto store = open_store_or_fail(ctx.global);
  auto records = unwrap(store->history(query), kExitDatabase);
  if (ctx.global.json) {
    nlohmann::json out = nlohmann::json::array();
    for (const auto& r : records) out.push_back(refresh_json(r));
    print_json(out);
    return;
  }
  if (records.empty()) {
    fmt::print("no refreshes recorded{}\n", opt.targets.empty() ? "" : " for these targets");
    return;
  }
  std::vector<std::vector<std::string>> rows;
  for (const auto& r : records) {
    auto ms = refresh_duration_ms(r);
    rows.push_back({format_rfc3339(r.started_at), r.target, std::to_string(r.revision), r.version,
                    format_rfc3339(r.slot), std::to_string(r.attempt), to_string(r.state),
                    ms ? format_elapsed(Millis(*ms)) : "-", std::to_string(r.polls),
                    r.job_id.empty() ? "-" : r.job_id,
                    r.http_status ? std::to_string(r.http_status) : "-", r.error});
  }
  print_table({"STARTED", "TARGET", "REV", "VERSION", "SLOT", "ATTEMPT", "STATE", "TOOK", "POLLS",
               "JOB", "HTTP", "ERROR"},
              rows);
}

}  // namespace

void setup_history(CLI::App& app, Context& ctx) {
  auto opt = std::make_shared<HistoryOptions>();
  auto* cmd = app.add_subcommand("history", "Show refreshes, newest first");
  cmd->add_option("-t,--target", opt->targets, "Only this target (repeatable)")
      ->type_name(kTargetNameType);
  cmd->add_option("--version", opt->version, "Only this data version");
  cmd->add_option("-s,--state", opt->state, "Only this state")
      ->check(offered_choices(state_names()));
  cmd->add_option("--since", opt->since, "Only since this time or duration ago (2h)");
  cmd->add_option("-n,--limit", opt->limit, "At most this many (50)")->check(CLI::PositiveNumber);
  cmd->callback([opt, &ctx] { run_history(*opt, ctx); });
}

}  // namespace refreshctl::cli
