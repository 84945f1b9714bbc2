// refreshctl run: the main job (SPEC §5). Takes the run lock, resumes what a
// killed run left open, triggers every due refresh and polls it to the end.
#include <fmt/format.h>
#include <unistd.h>

#include <atomic>
#include <csignal>
#include <memory>
#include <thread>

#include "cli/commands.h"
#include "cli/completion_model.h"
#include "cli/output.h"
#include "cli/run_observers.h"
#include "cli/target_commands.h"
#include "config/template.h"
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

void on_stop_signal(int sig) { g_stop_signal = sig; }

// The system clock shifted so that the run starts at --at: schedules are
// checked as of that time while polls and timeouts still pass in real time.
class ShiftedClock : public Clock {
 public:
  explicit ShiftedClock(Millis shift) : shift_(shift) {}
  TimePoint now() const override { return SystemClock().now() + shift_; }

 private:
  Millis shift_;
};

class DryRunObserver : public engine::RunObserver {
 public:
  explicit DryRunObserver(bool json) : json_(json) {}
  void on_state(const RefreshRecord& r) override {
    if (json_) {
      items_.push_back({{"target", r.target},
                        {"revision", r.revision},
                        {"version", r.version},
                        {"slot", format_rfc3339(r.slot)},
                        {"attempt", r.attempt}});
    } else {
      fmt::print("would trigger {} {} slot={} attempt={} rev={}\n", r.target, r.version,
                 format_rfc3339(r.slot), r.attempt, r.revision);
    }
  }
  void on_note(const std::string&) override {}
  ~DryRunObserver() override {
    if (json_) print_json(items_);
  }

 private:
  bool json_;
  nlohmann::json items_ = nlohmann::json::array();
};

// Takes the run lock, waiting up to --wait-lock. nullptr: another run holds it.
std::unique_ptr<RunLock> take_lock(Store& store, Millis wait, engine::RunObserver& observer) {
  auto deadline = std::chrono::steady_clock::now() + wait;
  for (;;) {
    std::string holder;
    auto lock = unwrap(store.try_lock_run(&holder), kExitDatabase);
    if (lock) return lock;
    if (std::chrono::steady_clock::now() >= deadline || g_stop_signal != 0) {
      observer.on_note(fmt::format("another run holds the lock ({}); nothing to do", holder));
      return nullptr;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(250));
  }
}

void run_run(const RunCommandOptions& opt, Context& ctx) {
  Millis wait_lock{0};
  if (!opt.wait_lock.empty()) {
    wait_lock = unwrap(parse_duration(opt.wait_lock), kExitUsage);
  }
  Millis shift{0};
  if (!opt.at.empty()) {
    shift = unwrap(parse_rfc3339(opt.at), kExitUsage) - SystemClock().now();
  }
  auto store = open_store_or_fail(ctx.global);
  for (const auto& name : opt.targets) require_target(*store, name);

  ShiftedClock clock(shift);
  engine::RunOptions run_options;
  run_options.targets = opt.targets;
  run_options.manual = opt.now;
  run_options.dry_run = opt.dry_run;
  run_options.max_concurrency = opt.max_concurrency;
  run_options.stop_requested = [] { return g_stop_signal != 0; };

  std::unique_ptr<engine::RunObserver> observer;
  if (opt.dry_run) {
    observer = std::make_unique<DryRunObserver>(ctx.global.json);
  } else {
    observer = make_run_observer(
        {ctx.global.json, ctx.global.quiet, stdout_is_terminal() && ctx.global.verbose == 0});
  }
  std::signal(SIGTERM, on_stop_signal);
  std::signal(SIGINT, on_stop_signal);
  std::unique_ptr<RunLock> lock;
  if (!opt.dry_run) {
    lock = take_lock(*store, wait_lock, *observer);
    if (!lock) return;  // exit 0: the other run does the work
  }
  auto http = http::make_curl_client();
  engine::RunContext context{*store, *http, clock, system_resolver(), *observer};
  auto summary = unwrap(engine::run_refreshes(context, run_options), kExitDatabase);
  if (opt.dry_run) return;
  observer->on_note(summary_line(summary));
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
  cmd->add_option("-t,--target", opt->targets, "Only this target (repeatable)")
      ->type_name(kTargetNameType);
  cmd->add_flag("--now", opt->now, "Run the targets now, as a manual slot, whatever the schedule");
  cmd->add_flag("--dry-run", opt->dry_run, "Print what is due; trigger nothing");
  cmd->add_option("--max-concurrency", opt->max_concurrency,
                  "Refreshes in flight at once, all targets together (10000)")
      ->check(CLI::PositiveNumber);
  cmd->add_option("--wait-lock", opt->wait_lock,
                  "If another run holds the lock, wait this long for it (default: exit 0 at once)");
  cmd->add_option("--at", opt->at, "Check schedules as if it were this time (RFC 3339)");
  cmd->callback([opt, &ctx] { run_run(*opt, ctx); });
}

}  // namespace refreshctl::cli
