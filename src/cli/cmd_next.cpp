// refreshctl next EXPR [--from TIME] [--count N] [--tz ZONE]: the next fire
// times of a cron expression, as RFC 3339 wall-clock times in the zone.
#include <fmt/format.h>

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "cli/commands.h"
#include "cli/options.h"
#include "cli/output.h"
#include "schedule/cron.h"
#include "schedule/zone.h"
#include "util/text.h"
#include "util/time.h"

namespace refreshctl::cli {
namespace {

struct NextOptions {
  std::vector<std::string> words;  // the expression, quoted or not
  std::optional<std::string> from;
  int count = 5;
  std::string tz = "UTC";
};

schedule::Seconds start_time(const NextOptions& opt) {
  TimePoint from = opt.from ? unwrap(parse_rfc3339(*opt.from).context("--from"), kExitUsage)
                            : SystemClock().now();
  return std::chrono::floor<std::chrono::seconds>(from);
}

void run_next(const NextOptions& opt, Context& ctx) {
  std::string expression = join(opt.words, " ");
  auto cron =
      unwrap(schedule::Cron::parse(expression).context(fmt::format("schedule \"{}\"", expression)),
             kExitUsage);
  const date::time_zone* zone = unwrap(schedule::find_zone(opt.tz), kExitUsage);
  if (opt.count < 1) throw Failure(kExitUsage, "--count must be at least 1");
  schedule::Seconds t = start_time(opt);
  std::vector<std::string> times;
  for (int i = 0; i < opt.count; ++i) {
    auto next = cron.next_after(t, zone);
    if (!next) break;
    times.push_back(schedule::format_in_zone(*next, zone));
    t = *next;
  }
  if (times.empty()) {
    throw Failure(kExitUsage, schedule::never_fires_message(expression, t));
  }
  if (ctx.global.json) {
    print_json(nlohmann::json(times));
  } else {
    for (const auto& time : times) fmt::print("{}\n", time);
  }
  ctx.exit_code = kExitOk;
}

}  // namespace

void setup_next(CLI::App& app, Context& ctx) {
  auto opt = std::make_shared<NextOptions>();
  auto* cmd = app.add_subcommand("next", "Print the next fire times of a cron expression");
  cmd->add_option("expression", opt->words,
                  "Cron expression: 5 fields (min hour dom mon dow), 6 with leading seconds, "
                  "or @hourly/@daily/...; quote it")
      ->required()
      ->type_name("EXPR");
  cmd->add_option("--from", opt->from, "Start after this RFC 3339 time (default: now)")
      ->type_name("TIME");
  cmd->add_option("-n,--count", opt->count, "How many fire times to print")
      ->type_name("N")
      ->check(whole_number(1, 10'000))
      ->capture_default_str();
  cmd->add_option("--tz", opt->tz, "IANA time zone of the schedule, as Asia/Shanghai")
      ->type_name("ZONE")
      ->capture_default_str();
  set_examples(cmd, {"refreshctl next '30 2 * * *' --tz Asia/Shanghai",
                     "refreshctl next '0 0 L * *' --count 12 --from 2026-01-01T00:00:00Z",
                     "refreshctl --json next @hourly"});
  cmd->callback([opt, &ctx] { run_next(*opt, ctx); });
}

}  // namespace refreshctl::cli
