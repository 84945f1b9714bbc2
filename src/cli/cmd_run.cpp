// refreshctl run: the main job (SPEC §5).
#include "cli/commands.h"

namespace refreshctl::cli {

void setup_run(CLI::App& app, Context& ctx) {
  auto* cmd = app.add_subcommand("run", "Trigger and poll every due refresh");
  cmd->callback([&ctx] {
    (void)ctx;
    throw Failure(kExitUsage, "run is not built yet");
  });
}

}  // namespace refreshctl::cli
