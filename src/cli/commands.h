// One setup_* per subcommand, each defined in its own cmd_*.cpp.
#pragma once

#include <CLI/CLI.hpp>

#include "cli/command.h"

namespace refreshctl::cli {

void setup_apply(CLI::App& app, Context& ctx);
void setup_add(CLI::App& app, Context& ctx);
void setup_list(CLI::App& app, Context& ctx);
void setup_show(CLI::App& app, Context& ctx);
void setup_revisions(CLI::App& app, Context& ctx);
void setup_diff(CLI::App& app, Context& ctx);
void setup_rollback(CLI::App& app, Context& ctx);
void setup_toggle(CLI::App& app, Context& ctx);  // enable, disable
void setup_remove(CLI::App& app, Context& ctx);
void setup_run(CLI::App& app, Context& ctx);
void setup_history(CLI::App& app, Context& ctx);
void setup_next(CLI::App& app, Context& ctx);
void setup_completion(CLI::App& app, Context& ctx);
void setup_report(CLI::App& app, Context& ctx);
void setup_prune(CLI::App& app, Context& ctx);

}  // namespace refreshctl::cli
