// refreshctl remove NAME: stop managing a target; its revisions and refresh
// history are kept.
#include <fmt/format.h>

#include <memory>

#include "cli/commands.h"
#include "cli/completion_model.h"
#include "cli/output.h"
#include "cli/target_commands.h"

namespace refreshctl::cli {
namespace {

struct RemoveOptions {
  std::vector<std::string> names;
};

void run_remove(const RemoveOptions& opt, Context& ctx) {
  auto store = open_store_or_fail(ctx.global);
  for (const auto& name : opt.names) require_target(*store, name);
  nlohmann::json out = nlohmann::json::array();
  for (const auto& name : opt.names) {
    unwrap(store->remove(name, SystemClock().now()), kExitDatabase);
    if (ctx.global.json) {
      out.push_back({{"name", name}, {"action", "removed"}});
    } else {
      fmt::print("{}: removed (history kept)\n", name);
    }
  }
  if (ctx.global.json) print_json(out);
}

}  // namespace

void setup_remove(CLI::App& app, Context& ctx) {
  auto opt = std::make_shared<RemoveOptions>();
  auto* cmd = app.add_subcommand("remove", "Remove targets; their history is kept");
  cmd->add_option("name", opt->names, "Target name(s)")->required()->type_name(kTargetNameType);
  cmd->callback([opt, &ctx] { run_remove(*opt, ctx); });
}

}  // namespace refreshctl::cli
