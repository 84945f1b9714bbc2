// refreshctl doctor: one line per check, "ok" or "problem" and what to fix.
// Exit 0 when all is well; otherwise the code of the gravest problem: 3 the
// database, its directory or lock file; 2 a target's configuration; 1 the
// clock or a host name.
#include <fmt/format.h>

#include <algorithm>
#include <memory>

#include "cli/commands.h"
#include "cli/doctor.h"
#include "cli/ops_commands.h"
#include "cli/options.h"
#include "cli/output.h"
#include "store/store.h"
#include "util/text.h"

namespace refreshctl::cli {
namespace {

std::vector<Check> run_checks(const GlobalOptions& global) {
  std::vector<Check> checks;
  std::string spec = database_spec(global);
  if (!is_postgres_spec(spec) && !check_sqlite_files(spec, checks)) return checks;
  auto store = open_store(spec, OpenMode::kReadOnly);
  if (!store.ok()) {
    checks.push_back({"database", false, store.error(), kExitDatabase});
    return checks;
  }
  check_database(**store, SystemClock().now(), checks);
  auto targets = (*store)->targets();
  if (!targets.ok()) {
    checks.push_back({"targets", false, targets.error(), kExitDatabase});
    return checks;
  }
  check_targets(*targets, system_resolver(), checks);
  return checks;
}

// 3 before 2 before 1: the database first, since nothing runs without it.
int exit_code_of(const std::vector<Check>& checks) {
  int code = kExitOk;
  for (const auto& c : checks) {
    if (!c.ok) code = std::max(code, c.exit_code);
  }
  return code;
}

void print_checks(const std::vector<Check>& checks, const GlobalOptions& global) {
  if (global.json) {
    nlohmann::json out = nlohmann::json::array();
    for (const auto& c : checks) {
      out.push_back({{"check", c.name}, {"ok", c.ok}, {"message", c.message}});
    }
    print_json(out);
    return;
  }
  size_t problems = 0;
  for (const auto& c : checks) {
    problems += c.ok ? 0 : 1;
    if (c.ok && global.quiet) continue;
    fmt::print("{:<8} {}: {}\n", c.ok ? "ok" : "problem", escape_for_terminal(c.name),
               escape_for_terminal(c.message));
  }
  if (problems > 0) {
    fmt::print("{} problem{} found\n", problems, problems == 1 ? "" : "s");
  } else if (!global.quiet) {
    fmt::print("all is well\n");
  }
}

}  // namespace

void setup_doctor(CLI::App& app, Context& ctx) {
  auto* cmd = app.add_subcommand(
      "doctor",
      "Check the database (reachable, writable, permissions, schema), the lock file, the clock, "
      "every enabled target's templates and references, and that their hosts resolve; exit 0 "
      "when all is well, else 3 (database), 2 (a target) or 1 (clock, host names)");
  set_examples(
      cmd, {"refreshctl doctor", "refreshctl --db postgresql://refreshctl@db1/refreshctl doctor",
            "refreshctl -q doctor || echo 'refreshctl needs attention'"});
  cmd->callback([&ctx] {
    auto checks = run_checks(ctx.global);
    print_checks(checks, ctx.global);
    ctx.exit_code = exit_code_of(checks);
  });
}

}  // namespace refreshctl::cli
