// refreshctl show NAME [--revision N]: the target as TOML.
#include <fmt/format.h>

#include <memory>

#include "cli/commands.h"
#include "cli/completion_model.h"
#include "cli/output.h"
#include "cli/target_commands.h"
#include "config/target_file.h"

namespace refreshctl::cli {
namespace {

struct ShowOptions {
  std::string name;
  std::optional<int> revision;
};

void run_show(const ShowOptions& opt, Context& ctx) {
  auto store = open_store_or_fail(ctx.global);
  auto record = require_target(*store, opt.name, opt.revision);
  std::string toml = to_toml(record.target);
  if (ctx.global.json) {
    print_json({{"name", record.target.name}, {"revision", record.revision}, {"toml", toml}});
    return;
  }
  fmt::print("# {} revision {}, made {}\n{}", record.target.name, record.revision,
             format_rfc3339(record.revision_created_at), toml);
}

}  // namespace

void setup_show(CLI::App& app, Context& ctx) {
  auto opt = std::make_shared<ShowOptions>();
  auto* cmd = app.add_subcommand("show", "Print a target as TOML");
  cmd->add_option("name", opt->name, "Target name")->required()->type_name(kTargetNameType);
  cmd->add_option("-r,--revision", opt->revision, "Revision to show (default: current)");
  cmd->callback([opt, &ctx] { run_show(*opt, ctx); });
}

}  // namespace refreshctl::cli
