// refreshctl rollback NAME --to N: make revision N current again, as a new
// revision (revisions are immutable; history never rewrites).
#include <fmt/format.h>

#include <memory>

#include "cli/commands.h"
#include "cli/options.h"
#include "cli/target_commands.h"

namespace refreshctl::cli {
namespace {

struct RollbackOptions {
  std::string name;
  int to = 0;
};

void run_rollback(const RollbackOptions& opt, Context& ctx) {
  auto store = open_store_or_fail(ctx.global);
  // A removed target may be rolled back too: that restores it.
  auto old = require_target(*store, opt.name, opt.to, true);
  apply_and_report(*store, {{old.target, fmt::format("rollback to {}", opt.to), {}}},
                   ctx.global.json);
}

}  // namespace

void setup_rollback(CLI::App& app, Context& ctx) {
  auto opt = std::make_shared<RollbackOptions>();
  auto* cmd = app.add_subcommand(
      "rollback", "Make an earlier revision current (as a new one); restores a removed target");
  cmd->add_option("name", opt->name, "Target name")->required()->type_name("NAME");
  cmd->add_option("--to", opt->to, "The revision to go back to")
      ->required()
      ->type_name("N")
      ->check(whole_number(1, 1'000'000'000));
  set_examples(cmd, {"refreshctl rollback sales-cube --to 2",
                     "refreshctl diff sales-cube 2 4   # first see what it changes"});
  cmd->callback([opt, &ctx] { run_rollback(*opt, ctx); });
}

}  // namespace refreshctl::cli
