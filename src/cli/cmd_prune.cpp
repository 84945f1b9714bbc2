// refreshctl prune --older-than DUR [--dry-run]: delete finished refreshes
// older than DUR from the history, in small batches. `run` does the same by
// each target's keep_history once an hour.
#include <fmt/format.h>

#include <memory>

#include "cli/commands.h"
#include "cli/options.h"
#include "cli/output.h"
#include "engine/retention.h"
#include "util/duration.h"

namespace refreshctl::cli {
namespace {

struct PruneCommandOptions {
  std::string older_than;
  bool dry_run = false;
};

void print_report(const engine::PruneReport& report, bool dry_run) {
  const char* verb = dry_run ? "would remove" : "removed";
  for (const auto& t : report.targets) {
    fmt::print("{}: {} {} refresh{}\n", t.target, verb, t.refreshes, t.refreshes == 1 ? "" : "es");
  }
  if (dry_run) {
    fmt::print("would remove {} refreshes in all; nothing was deleted (dry run)\n", report.total);
  } else {
    fmt::print("removed {} refreshes in all ({} batches, the longest {})\n", report.total,
               report.batches, format_elapsed(report.longest_batch));
  }
}

void run_prune(const PruneCommandOptions& opt, Context& ctx) {
  Millis older_than = unwrap(parse_duration(opt.older_than), kExitUsage);
  if (older_than <= Millis{0}) {
    throw Failure(kExitUsage,
                  fmt::format("--older-than \"{}\" must be longer than 0s", opt.older_than));
  }
  // A dry run only reads, and never creates a database.
  auto store =
      open_store_or_fail(ctx.global, opt.dry_run ? OpenMode::kReadOnly : OpenMode::kReadWrite);
  engine::PruneOptions options{older_than, opt.dry_run};
  auto report = unwrap(engine::prune_history(*store, SystemClock().now(), options), kExitDatabase);
  if (!ctx.global.json) {
    print_report(report, opt.dry_run);
    return;
  }
  nlohmann::json targets = nlohmann::json::array();
  for (const auto& t : report.targets) {
    targets.push_back({{"target", t.target}, {"refreshes", t.refreshes}});
  }
  nlohmann::json out{{"dry_run", opt.dry_run}, {"total", report.total}, {"targets", targets}};
  if (!opt.dry_run) {
    out["batches"] = report.batches;
    out["longest_batch_ms"] = report.longest_batch.count();
  }
  print_json(out);
}

}  // namespace

void setup_prune(CLI::App& app, Context& ctx) {
  auto opt = std::make_shared<PruneCommandOptions>();
  auto* cmd = app.add_subcommand(
      "prune",
      "Delete finished refreshes older than a duration from the history, every target's "
      "(keep_history aside); open refreshes and each version's newest slot are kept");
  cmd->add_option("--older-than", opt->older_than, "Age to delete from (30d, 12h)")
      ->required()
      ->type_name("DURATION");
  cmd->add_flag("--dry-run", opt->dry_run, "Say how many would be deleted; delete nothing");
  set_examples(
      cmd, {"refreshctl prune --older-than 30d --dry-run", "refreshctl prune --older-than 30d"});
  cmd->callback([opt, &ctx] { run_prune(*opt, ctx); });
}

}  // namespace refreshctl::cli
