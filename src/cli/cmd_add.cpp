// refreshctl add NAME ...: create one target from flags, for interactive use.
#include <fmt/format.h>

#include <memory>

#include "cli/commands.h"
#include "cli/options.h"
#include "cli/target_commands.h"
#include "config/target_file.h"
#include "util/duration.h"

namespace refreshctl::cli {
namespace {

struct AddOptions {
  Target target;
  std::vector<std::string> refresh_headers, status_headers;
  std::string max_refresh_time, poll_interval, max_poll_interval, starting_deadline, retry_delay;
  bool disabled = false;
};

HeaderList parse_headers(const std::vector<std::string>& flags, const char* option) {
  HeaderList out;
  for (const auto& flag : flags) {
    auto colon = flag.find(':');
    if (colon == std::string::npos || colon == 0) {
      throw Failure(kExitUsage, fmt::format("{} \"{}\": use \"Name: value\"", option, flag));
    }
    std::string value = flag.substr(colon + 1);
    while (!value.empty() && value.front() == ' ') value.erase(0, 1);
    out.emplace_back(flag.substr(0, colon), value);
  }
  return out;
}

void set_duration(const std::string& text, const char* option, Millis* out) {
  if (text.empty()) return;
  auto d = parse_duration(text);
  if (!d.ok()) throw Failure(kExitUsage, fmt::format("{}: {}", option, d.error()));
  *out = *d;
}

void run_add(AddOptions& opt, Context& ctx) {
  Target& t = opt.target;
  t.refresh.headers = parse_headers(opt.refresh_headers, "--refresh-header");
  t.status.headers = parse_headers(opt.status_headers, "--status-header");
  set_duration(opt.max_refresh_time, "--max-refresh-time", &t.max_refresh_time);
  set_duration(opt.poll_interval, "--poll-interval", &t.poll_interval);
  set_duration(opt.max_poll_interval, "--max-poll-interval", &t.max_poll_interval);
  set_duration(opt.retry_delay, "--retry-delay", &t.retry_delay);
  if (!opt.starting_deadline.empty()) {
    Millis d{};
    set_duration(opt.starting_deadline, "--starting-deadline", &d);
    t.starting_deadline = d;
  }
  if (opt.max_poll_interval.empty() && t.max_poll_interval < t.poll_interval) {
    t.max_poll_interval = t.poll_interval;
  }
  t.enabled = !opt.disabled;
  unwrap(validate_target(t), kExitUsage);
  auto store = open_store_or_fail(ctx.global);
  if (unwrap(store->target(t.name), kExitDatabase)) {
    throw Failure(kExitUsage, fmt::format("target \"{}\" already exists (change it with "
                                          "refreshctl apply, or remove it first)",
                                          t.name));
  }
  apply_and_report(*store, {{t, "add", {}}}, ctx.global.json);
}

}  // namespace

void setup_add(CLI::App& app, Context& ctx) {
  auto opt = std::make_shared<AddOptions>();
  Target& t = opt->target;
  auto* cmd = app.add_subcommand("add", "Create a target from flags");
  auto text = [cmd](const char* flag, std::string& value, const char* placeholder,
                    const char* help) {
    return cmd->add_option(flag, value, help)->type_name(placeholder);
  };
  cmd->add_option("name", t.name, "Target name ([A-Za-z0-9._-], up to 128)")
      ->required()
      ->type_name("NAME");
  text("--data-type", t.data_type, "TYPE", "Data type the target refreshes")->required();
  cmd->add_option("--data-version", t.versions, "A data version (repeat for several)")
      ->required()
      ->type_name("VERSION");
  text("--refresh-url", t.refresh.url, "URL", "URL of the refresh request")->required();
  text("--refresh-method", t.refresh.method, "METHOD", "Method of the refresh request (POST)");
  text("--refresh-body", t.refresh.body, "TEMPLATE", "Body of the refresh request");
  cmd->add_option("--refresh-header", opt->refresh_headers, "A header (repeatable)")
      ->type_name("'NAME: VALUE'");
  cmd->add_option("--success-code", t.refresh.success_codes, "HTTP codes of a good trigger")
      ->type_name("CODE");
  text("--job-id", t.refresh.job_id, "POINTER", "JSON pointer, or header:NAME, of the job id");
  text("--status-url", t.status.url, "URL", "URL of the status request")->required();
  text("--status-method", t.status.method, "METHOD", "Method of the status request (GET)");
  cmd->add_option("--status-header", opt->status_headers, "A header (repeatable)")
      ->type_name("'NAME: VALUE'");
  text("--state", t.status.state, "POINTER", "JSON pointer to the state (default: whole body)");
  cmd->add_option("--succeeded", t.status.succeeded, "State values meaning success")
      ->required()
      ->type_name("VALUE");
  cmd->add_option("--failed", t.status.failed, "State values meaning failure")->type_name("VALUE");
  cmd->add_option("--running-code", t.status.running_codes, "HTTP codes meaning not done yet")
      ->type_name("CODE");
  text("--error", t.status.error, "POINTER",
       "JSON pointer: a present, non-empty value means failed");
  text("--message", t.status.message, "POINTER", "JSON pointer to the failure message");
  text("--schedule", t.schedule, "EXPR", "Cron expression (default: every run)");
  text("--timezone", t.timezone, "ZONE", "IANA time zone of the schedule (default UTC)");
  text("--max-refresh-time", opt->max_refresh_time, "DURATION", "From trigger to done (1h)");
  text("--poll-interval", opt->poll_interval, "DURATION", "First poll delay and interval (5s)");
  cmd->add_option("--poll-backoff", t.poll_backoff, "Multiply the interval after each poll (1.0)")
      ->type_name("FACTOR");
  text("--max-poll-interval", opt->max_poll_interval, "DURATION", "Longest poll interval (1m)");
  text("--starting-deadline", opt->starting_deadline, "DURATION",
       "A slot older than this is recorded missed");
  cmd->add_option("--max-concurrency", t.max_concurrency, "Versions in flight at once (4)")
      ->type_name("N")
      ->check(whole_number(1, 100'000));
  cmd->add_option("--retries", t.retries, "Extra attempts after a failure (0)")
      ->type_name("N")
      ->check(whole_number(0, 100));
  text("--retry-delay", opt->retry_delay, "DURATION", "Wait before a retry (1m)");
  cmd->add_flag("--retrigger-unknown", t.retrigger_unknown, "Retry refreshes left unknown");
  cmd->add_flag("--disabled", opt->disabled, "Create the target disabled");
  cmd->add_option("--after", t.after, "A target whose fresh data a slot waits for (repeatable)")
      ->type_name("TARGET");
  set_examples(cmd,
               {"refreshctl add sales-cube --data-type sales --data-version 2026-11 \\",
                "    --refresh-url https://cubes.example.com/api/refresh --job-id /jobId \\",
                "    --status-url 'https://cubes.example.com/api/status/{{job_id}}' \\",
                "    --state /status --succeeded SUCCEEDED --failed FAILED --schedule '30 2 * * *'",
                "refreshctl show sales-cube > sales-cube.toml   # then edit and apply it"});
  cmd->callback([opt, &ctx] { run_add(*opt, ctx); });
}

}  // namespace refreshctl::cli
