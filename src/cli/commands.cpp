#include "cli/commands.h"

#include "store/store.h"

namespace refreshctl::cli {

std::unique_ptr<Store> open_store_or_fail(const GlobalOptions& global) {
  return unwrap(open_store(global.db), kExitDatabase);
}

void setup_commands(CLI::App& app, Context& ctx) {
  app.set_version_flag("--version", std::string("refreshctl ") + REFRESHCTL_VERSION);
  app.add_option("--db", ctx.global.db,
                 "Database: a SQLite file path (default: $REFRESHCTL_DB, else "
                 "/var/lib/refreshctl/refreshctl.db for root, "
                 "~/.local/state/refreshctl/refreshctl.db for others)");
  app.add_flag("--json", ctx.global.json, "Machine-readable output on stdout");
  app.add_flag("-v,--verbose", ctx.global.verbose, "More detail (repeatable)");
  app.add_flag("-q,--quiet", ctx.global.quiet,
               "Only errors and failed refreshes (for crontab: no output when all is well)");
  app.require_subcommand(1);
  app.fallthrough();

  setup_apply(app, ctx);
  setup_add(app, ctx);
  setup_list(app, ctx);
  setup_show(app, ctx);
  setup_revisions(app, ctx);
  setup_diff(app, ctx);
  setup_rollback(app, ctx);
  setup_toggle(app, ctx);
  setup_remove(app, ctx);
  setup_run(app, ctx);
  setup_history(app, ctx);
  setup_next(app, ctx);
  setup_completion(app, ctx);
}

}  // namespace refreshctl::cli
