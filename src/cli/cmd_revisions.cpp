// refreshctl revisions NAME: the revision history of a target.
#include <memory>

#include "cli/commands.h"
#include "cli/completion_model.h"
#include "cli/output.h"
#include "cli/target_commands.h"

namespace refreshctl::cli {
namespace {

struct RevisionsOptions {
  std::string name;
};

void run_revisions(const RevisionsOptions& opt, Context& ctx) {
  auto store = open_store_or_fail(ctx.global);
  auto revisions = unwrap(store->revisions(opt.name), kExitDatabase);
  if (revisions.empty()) require_target(*store, opt.name);  // fails with "did you mean"
  auto current = unwrap(store->target(opt.name, std::nullopt, true), kExitDatabase);
  int current_revision = current ? current->revision : 0;
  if (ctx.global.json) {
    nlohmann::json out = nlohmann::json::array();
    for (const auto& r : revisions) {
      out.push_back({{"revision", r.revision},
                     {"created_at", format_rfc3339(r.created_at)},
                     {"source", r.source},
                     {"current", r.revision == current_revision}});
    }
    print_json(out);
    return;
  }
  std::vector<std::vector<std::string>> rows;
  rows.reserve(revisions.size());
  for (const auto& r : revisions) {
    rows.push_back({std::to_string(r.revision) + (r.revision == current_revision ? " *" : ""),
                    format_rfc3339(r.created_at), r.source});
  }
  print_table({"REVISION", "CREATED", "SOURCE"}, rows);
}

}  // namespace

void setup_revisions(CLI::App& app, Context& ctx) {
  auto opt = std::make_shared<RevisionsOptions>();
  auto* cmd = app.add_subcommand("revisions", "List the revisions of a target (* = current)");
  cmd->add_option("name", opt->name, "Target name")->required()->type_name(kTargetNameType);
  cmd->callback([opt, &ctx] { run_revisions(*opt, ctx); });
}

}  // namespace refreshctl::cli
