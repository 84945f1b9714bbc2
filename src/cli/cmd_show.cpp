// refreshctl show NAME [--revision N]: the target as TOML, or as a JSON
// object with --json.
#include <fmt/format.h>

#include <memory>

#include "cli/commands.h"
#include "cli/options.h"
#include "cli/output.h"
#include "cli/target_commands.h"
#include "cli/target_json.h"
#include "config/target_file.h"
#include "util/duration.h"

namespace refreshctl::cli {
namespace {

std::string default_keep_history() { return format_duration(kDefaultKeepHistory); }

struct ShowOptions {
  std::string name;
  std::optional<int> revision;
};

void run_show(const ShowOptions& opt, Context& ctx) {
  auto store = open_store_or_fail(ctx.global, OpenMode::kReadOnly);
  // An explicit revision of a removed target can still be shown (to restore
  // it); the current one of a removed target says that it was removed.
  auto record = require_target(*store, opt.name, opt.revision, opt.revision.has_value());
  if (ctx.global.json) {
    nlohmann::json out = target_json(record.target);
    out["revision"] = record.revision;
    out["revision_created_at"] = format_rfc3339(record.revision_created_at);
    // The canonical TOML leaves a default keep_history out; say it anyway.
    if (!out.contains("keep_history")) out["keep_history"] = default_keep_history();
    print_json(out);
    return;
  }
  fmt::print("# {} revision {}, made {}\n", record.target.name, record.revision,
             format_rfc3339(record.revision_created_at));
  if (record.target.keep_history == kDefaultKeepHistory) {
    fmt::print("# keep_history = \"{}\" (the default)\n", default_keep_history());
  }
  fmt::print("{}", to_toml(record.target));
}

}  // namespace

void setup_show(CLI::App& app, Context& ctx) {
  auto opt = std::make_shared<ShowOptions>();
  auto* cmd = app.add_subcommand("show", "Print a target as TOML (references unresolved)");
  cmd->add_option("name", opt->name, "Target name")->required()->type_name("NAME");
  cmd->add_option("-r,--revision", opt->revision, "Revision to show (default: current)")
      ->type_name("N")
      ->check(whole_number(1, 1'000'000'000));
  set_examples(cmd, {"refreshctl show sales-cube",
                     "refreshctl show sales-cube --revision 2 > sales-cube.toml",
                     "refreshctl --json show sales-cube | jq .versions"});
  cmd->callback([opt, &ctx] { run_show(*opt, ctx); });
}

}  // namespace refreshctl::cli
