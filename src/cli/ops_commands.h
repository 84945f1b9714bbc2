// The commands for operating refreshctl rather than its targets: `metrics`
// (cmd_metrics.cpp) and `doctor` (cmd_doctor.cpp).
#pragma once

#include <CLI/CLI.hpp>

#include "cli/command.h"

namespace refreshctl::cli {

void setup_metrics(CLI::App& app, Context& ctx);
void setup_doctor(CLI::App& app, Context& ctx);

}  // namespace refreshctl::cli
