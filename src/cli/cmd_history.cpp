// refreshctl history: refreshes, newest first.
#include <fmt/format.h>

#include <memory>

#include "cli/commands.h"
#include "cli/completion_model.h"
#include "cli/options.h"
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
  if (!opt.since.empty()) q.since = parse_since_or_fail(opt.since, SystemClock().now());
  return q;
}

// The table a person reads: on a terminal the columns that fit 100 columns
// (-v: all of them, errors whole); in a pipe every column, RFC 3339 UTC.
void print_history(const std::vector<RefreshRecord>& records, const OutputStyle& style) {
  bool all_columns = !style.terminal || style.verbose > 0;
  std::vector<std::string> header =
      all_columns ? std::vector<std::string>{"STARTED", "TARGET", "REV",  "VERSION", "SLOT",
                                             "ATTEMPT", "STATE",  "TOOK", "POLLS",   "JOB",
                                             "HTTP",    "RUN",    "HOST", "ERROR"}
                  : std::vector<std::string>{"STARTED", "TARGET", "VERSION", "REV",
                                             "STATE",   "TOOK",   "ERROR"};
  std::vector<std::vector<std::string>> rows;
  for (const auto& r : records) {
    auto ms = refresh_duration_ms(r);
    std::string took = ms ? format_elapsed(Millis(*ms)) : "-";
    std::string started = format_time(r.started_at, style);
    if (all_columns) {
      rows.push_back({started, r.target, std::to_string(r.revision), r.version,
                      format_time(r.slot, style), std::to_string(r.attempt), to_string(r.state),
                      took, std::to_string(r.polls), r.job_id.empty() ? "-" : r.job_id,
                      r.http_status ? std::to_string(r.http_status) : "-", std::to_string(r.run_id),
                      r.host.empty() ? "-" : r.host, r.error});
    } else {
      rows.push_back({started, r.target, r.version, std::to_string(r.revision), to_string(r.state),
                      took, r.error});
    }
  }
  TableLayout layout;
  layout.state_column = all_columns ? 6 : 4;
  layout.color = style.color;
  if (style.terminal && style.verbose == 0) {
    layout.max_width = style.width;
    layout.shrink = {6, 2, 1};  // the error, then the version, then the target
  }
  print_table(header, rows, layout);
}

void run_history(const HistoryOptions& opt, Context& ctx) {
  HistoryQuery query = make_query(opt);
  auto store = open_store_or_fail(ctx.global, OpenMode::kReadOnly);
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
  print_history(records, output_style(ctx.global));
}

}  // namespace

void setup_history(CLI::App& app, Context& ctx) {
  auto opt = std::make_shared<HistoryOptions>();
  auto* cmd = app.add_subcommand("history", "Show refreshes, newest first");
  cmd->add_option("-t,--target", opt->targets, "Only this target (repeatable)")->type_name("NAME");
  cmd->add_option("--data-version", opt->version, "Only this data version of the targets")
      ->type_name("VERSION");
  cmd->add_option("-s,--state", opt->state, "Only this state (succeeded, failed, ...)")
      ->type_name("STATE")
      ->check(offered_choices(state_names()));
  cmd->add_option("--since", opt->since,
                  "Only since this time (2026-11-23T02:00:00Z) or this long ago (2h, 1d)")
      ->type_name("TIME|DURATION");
  cmd->add_option("-n,--limit", opt->limit, "At most this many refreshes")
      ->type_name("N")
      ->check(whole_number(1, 1'000'000))
      ->capture_default_str();
  set_examples(cmd, {"refreshctl history --state failed --since 1d",
                     "refreshctl history -t sales-cube --data-version 2026-11 -v",
                     "refreshctl --json history --limit 1000 > history.json"});
  cmd->callback([opt, &ctx] { run_history(*opt, ctx); });
}

}  // namespace refreshctl::cli
