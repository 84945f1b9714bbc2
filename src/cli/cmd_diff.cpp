// refreshctl diff NAME A B: what changed between two revisions.
#include <fmt/format.h>

#include <memory>

#include "cli/commands.h"
#include "cli/completion_model.h"
#include "cli/output.h"
#include "cli/target_commands.h"
#include "config/target_file.h"
#include "util/line_diff.h"

namespace refreshctl::cli {
namespace {

struct DiffOptions {
  std::string name;
  int a = 0;
  int b = 0;
};

void run_diff(const DiffOptions& opt, Context& ctx) {
  auto store = open_store_or_fail(ctx.global);
  auto a = require_target(*store, opt.name, opt.a);
  auto b = require_target(*store, opt.name, opt.b);
  std::string diff = line_diff(to_toml(a.target), to_toml(b.target),
                               fmt::format("{} revision {}", opt.name, opt.a),
                               fmt::format("{} revision {}", opt.name, opt.b));
  if (ctx.global.json) {
    print_json({{"name", opt.name}, {"a", opt.a}, {"b", opt.b}, {"diff", diff}});
  } else if (diff.empty()) {
    fmt::print("revisions {} and {} of {} are the same\n", opt.a, opt.b, opt.name);
  } else {
    fmt::print("{}", diff);
  }
}

}  // namespace

void setup_diff(CLI::App& app, Context& ctx) {
  auto opt = std::make_shared<DiffOptions>();
  auto* cmd = app.add_subcommand("diff", "Show what changed between two revisions of a target");
  cmd->add_option("name", opt->name, "Target name")->required()->type_name(kTargetNameType);
  cmd->add_option("a", opt->a, "The older revision")->required();
  cmd->add_option("b", opt->b, "The newer revision")->required();
  cmd->callback([opt, &ctx] { run_diff(*opt, ctx); });
}

}  // namespace refreshctl::cli
