// refreshctl rollback NAME --to N: make revision N current again, as a new
// revision (revisions are immutable; history never rewrites).
#include <fmt/format.h>

#include <memory>

#include "cli/commands.h"
#include "cli/completion_model.h"
#include "cli/target_commands.h"

namespace refreshctl::cli {
namespace {

struct RollbackOptions {
  std::string name;
  int to = 0;
};

void run_rollback(const RollbackOptions& opt, Context& ctx) {
  auto store = open_store_or_fail(ctx.global);
  require_target(*store, opt.name);
  auto old = require_target(*store, opt.name, opt.to);
  apply_and_report(*store, {{old.target, fmt::format("rollback to {}", opt.to)}}, ctx.global.json);
}

}  // namespace

void setup_rollback(CLI::App& app, Context& ctx) {
  auto opt = std::make_shared<RollbackOptions>();
  auto* cmd = app.add_subcommand("rollback", "Make an earlier revision current (as a new one)");
  cmd->add_option("name", opt->name, "Target name")->required()->type_name(kTargetNameType);
  cmd->add_option("--to", opt->to, "The revision to go back to")->required();
  cmd->callback([opt, &ctx] { run_rollback(*opt, ctx); });
}

}  // namespace refreshctl::cli
