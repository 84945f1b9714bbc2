// refreshctl enable NAME / disable NAME. Enabling is part of the definition,
// so each change is a revision like any other.
#include <fmt/format.h>

#include <memory>

#include "cli/commands.h"
#include "cli/options.h"
#include "cli/target_commands.h"

namespace refreshctl::cli {
namespace {

struct ToggleOptions {
  std::vector<std::string> names;
};

void run_toggle(const ToggleOptions& opt, bool enabled, Context& ctx) {
  auto store = open_store_or_fail(ctx.global);
  std::vector<TargetChange> changes;
  for (const auto& name : opt.names) {
    auto record = require_target(*store, name);
    record.target.enabled = enabled;
    changes.push_back({record.target, enabled ? "enable" : "disable", {}});
  }
  apply_and_report(*store, changes, ctx.global.json);
}

void add_toggle(CLI::App& app, Context& ctx, const char* name, const char* help, bool enabled) {
  auto opt = std::make_shared<ToggleOptions>();
  auto* cmd = app.add_subcommand(name, help);
  cmd->add_option("name", opt->names, "Target name(s)")->required()->type_name("NAME...");
  set_examples(cmd, {fmt::format("refreshctl {} sales-cube", name),
                     fmt::format("refreshctl {} sales-cube inventory-dataset", name)});
  cmd->callback([opt, enabled, &ctx] { run_toggle(*opt, enabled, ctx); });
}

}  // namespace

void setup_toggle(CLI::App& app, Context& ctx) {
  add_toggle(app, ctx, "enable", "Enable targets (a new revision)", true);
  add_toggle(app, ctx, "disable", "Disable targets: run skips them (a new revision)", false);
}

}  // namespace refreshctl::cli
