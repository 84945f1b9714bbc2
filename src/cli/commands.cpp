#include "cli/commands.h"

#include <fmt/format.h>

#include <cstdlib>

#include "cli/ops_commands.h"
#include "cli/options.h"
#include "store/store.h"
#include "util/duration.h"

namespace refreshctl::cli {

std::string database_spec(const GlobalOptions& global) {
  if (!global.db.empty()) return global.db;
  const char* env = std::getenv("REFRESHCTL_DB");
  return env != nullptr && *env != '\0' ? env : default_db_path();
}

std::unique_ptr<Store> open_store_or_fail(const GlobalOptions& global, OpenMode mode) {
  return unwrap(open_store(global.db, mode), kExitDatabase);
}

TimePoint parse_since_or_fail(const std::string& text, TimePoint now) {
  if (auto when = parse_rfc3339(text); when.ok()) return *when;
  if (auto ago = parse_duration(text); ago.ok()) return now - *ago;
  throw Failure(kExitUsage, fmt::format("--since \"{}\" is neither a time (2026-11-23T02:00:00Z) "
                                        "nor a duration (2h, 1d)",
                                        text));
}

const char* const kQuietHelp =
    "Print only problems: failed, timed-out, errored, unknown or missed refreshes, stuck targets "
    "and errors; nothing when all went well (for crontab, which mails any output)";

void setup_commands(CLI::App& app, Context& ctx) {
  app.set_version_flag("--version", std::string("refreshctl ") + REFRESHCTL_VERSION);
  app.add_option("--db", ctx.global.db,
                 "Database: a SQLite file path, or a PostgreSQL postgresql:// URL or conninfo "
                 "string (default: $REFRESHCTL_DB, else "
                 "/var/lib/refreshctl/refreshctl.db for root, "
                 "~/.local/state/refreshctl/refreshctl.db for others)")
      ->type_name("PATH")
      ->check(non_empty("give a database path, or leave --db out for the default"));
  app.add_flag("--json", ctx.global.json, "Machine-readable output on stdout");
  app.add_flag("-v,--verbose", ctx.global.verbose,
               "More detail: every column, whole errors, log lines instead of run's live view");
  app.add_flag("-q,--quiet", ctx.global.quiet, kQuietHelp);
  app.add_option("--color", ctx.global.color,
                 "Colour states: auto (on a terminal, unless NO_COLOR is set), always, never")
      ->type_name("WHEN")
      ->check(CLI::IsMember({"auto", "always", "never"}));
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
  setup_report(app, ctx);
  setup_prune(app, ctx);
  setup_metrics(app, ctx);
  setup_doctor(app, ctx);
}

}  // namespace refreshctl::cli
