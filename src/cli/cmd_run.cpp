// refreshctl run: the main job (SPEC §5). Takes the run lock, resumes what a
// killed run left open, triggers every due refresh and polls it to the end.
#include <fmt/format.h>
#include <unistd.h>

#include <atomic>
#include <csignal>
#include <memory>
#include <thread>

#include "cli/commands.h"
#include "cli/options.h"
#include "cli/output.h"
#include "cli/run_observers.h"
#include "cli/target_commands.h"
#include "config/template.h"
#include "engine/retention.h"
#include "engine/runner.h"
#include "http/client.h"
#include "store/store.h"
#include "util/duration.h"

namespace refreshctl::cli {
namespace {

struct RunCommandOptions {
  std::vector<std::string> targets;
  bool now = false;
  bool dry_run = false;
  int max_concurrency = 10'000;
  std::string wait_lock;
  std::string at;
};

std::atomic<int> g_stop_signal{0};

// keep_history, at most once an hour, after the refreshes so that pruning
// never delays a trigger. A failure here is told but changes neither the
// refreshes nor the exit code: the history is only kept longer.
void prune_by_keep_history(Store& store, engine::RunObserver& observer, TimePoint now) {
  auto pruned = engine::apply_retention(store, now);
  if (!pruned.ok()) {
    observer.on_warning(fmt::format(
        "could not prune the history by keep_history ({}); the next run an hour on tries again",
        pruned.error()));
  } else if (*pruned && (*pruned)->total > 0) {
    observer.on_note(
        fmt::format("pruned {} refreshes older than their keep_history", (*pruned)->total));
  }
}

void on_stop_signal(int sig) { g_stop_signal = sig; }

void run_run(const RunCommandOptions& opt, Context& ctx) {
  Millis wait_lock{0};
  if (!opt.wait_lock.empty()) {
    wait_lock = unwrap(parse_duration(opt.wait_lock), kExitUsage);
  }
  std::optional<TimePoint> at;
  if (!opt.at.empty()) at = unwrap(parse_rfc3339(opt.at), kExitUsage);
  auto store = open_store_or_fail(ctx.global);
  for (const auto& name : opt.targets) require_target(*store, name);

  SystemClock clock;
  engine::RunOptions run_options;
  run_options.at = at;
  run_options.wait_lock = wait_lock;
  run_options.targets = opt.targets;
  run_options.manual = opt.now;
  run_options.dry_run = opt.dry_run;
  run_options.max_concurrency = opt.max_concurrency;
  run_options.stop_requested = [] { return g_stop_signal != 0; };

  std::unique_ptr<engine::RunObserver> observer;
  if (opt.dry_run) {
    observer = make_dry_run_observer(ctx.global.json, clock.now());
  } else {
    observer = make_run_observer({ctx.global.json, ctx.global.quiet,
                                  stdout_is_terminal() && ctx.global.verbose == 0,
                                  output_style(ctx.global).color});
  }
  std::signal(SIGTERM, on_stop_signal);
  std::signal(SIGINT, on_stop_signal);
  // `run | head -1` must not kill the run mid-trigger: output that cannot be
  // written is given up (the engine shields itself), the refreshes go on.
  std::signal(SIGPIPE, SIG_IGN);
  auto http = http::make_curl_client();
  engine::RunContext context{*store, *http, clock, system_resolver(), *observer};
  auto summary = unwrap(engine::run_refreshes(context, run_options), kExitDatabase);
  if (opt.dry_run) return;
  try {
    observer->on_note(summary_line(summary));
    if (!summary.stopped) prune_by_keep_history(*store, *observer, clock.now());
  } catch (const std::exception&) {
    // stdout is gone; the exit code still tells how the refreshes went
  }
  if (summary.stopped) {
    ctx.exit_code = 128 + g_stop_signal.load();
  } else if (summary.any_failure()) {
    ctx.exit_code = kExitRefreshFailed;
  }
}

}  // namespace

void setup_run(CLI::App& app, Context& ctx) {
  auto opt = std::make_shared<RunCommandOptions>();
  auto* cmd = app.add_subcommand("run", "Trigger and poll every due refresh (the cron job)");
  cmd->add_option("-t,--target", opt->targets, "Only this target (repeatable)")->type_name("NAME");
  cmd->add_flag("--now", opt->now, "Run the targets now, as a manual slot, whatever the schedule");
  cmd->add_flag("--dry-run", opt->dry_run, "Print what is due; trigger nothing");
  cmd->add_option("--max-concurrency", opt->max_concurrency,
                  "Refreshes in flight at once, all targets together")
      ->type_name("N")
      ->check(whole_number(1, 1'000'000))
      ->capture_default_str();
  cmd->add_option(
         "--wait-lock", opt->wait_lock,
         "Wait up to this long for targets busy in another run (default: leave them to it)")
      ->type_name("DURATION");
  cmd->add_option("--at", opt->at,
                  "Decide which slots are due as if the clock read this RFC 3339 time")
      ->type_name("TIME");
  set_examples(cmd, {"refreshctl run -q                          # the crontab line",
                     "refreshctl run --target sales-cube --now   # one target, now",
                     "refreshctl run --dry-run --at 2026-11-24T02:30:00Z"});
  cmd->callback([opt, &ctx] { run_run(*opt, ctx); });
}

}  // namespace refreshctl::cli
