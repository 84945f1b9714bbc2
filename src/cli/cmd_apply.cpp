// refreshctl apply -f FILE...: create or update targets from TOML files.
#include <fmt/format.h>

#include <memory>

#include "cli/commands.h"
#include "cli/target_commands.h"
#include "config/target_file.h"

namespace refreshctl::cli {
namespace {

struct ApplyOptions {
  std::vector<std::string> files;
  bool dry_run = false;
};

void run_apply(const ApplyOptions& opt, Context& ctx) {
  // Every file is read and checked before anything is written: all or nothing.
  auto loaded = unwrap(load_target_files(opt.files), kExitUsage);
  if (opt.dry_run) {
    for (const auto& t : loaded) fmt::print("{}: valid\n", t.target.name);
    return;
  }
  auto store = open_store_or_fail(ctx.global);
  std::vector<TargetChange> changes;
  changes.reserve(loaded.size());
  for (auto& t : loaded) changes.push_back({std::move(t.target), "apply " + t.source});
  apply_and_report(*store, changes, ctx.global.json);
}

}  // namespace

void setup_apply(CLI::App& app, Context& ctx) {
  auto opt = std::make_shared<ApplyOptions>();
  auto* cmd = app.add_subcommand("apply", "Create or update targets from TOML files");
  cmd->add_option("-f,--file", opt->files, "Target file(s) to apply")
      ->required()
      ->check(CLI::ExistingFile);
  cmd->add_flag("--check", opt->dry_run, "Only check the files; change nothing");
  cmd->callback([opt, &ctx] { run_apply(*opt, ctx); });
}

}  // namespace refreshctl::cli
