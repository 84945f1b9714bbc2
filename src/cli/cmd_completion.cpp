// refreshctl completion bash|zsh|fish: a shell completion script, written at
// run time from this binary's own command tree (completion_model.cpp), so it
// offers exactly the commands and options --help shows.
//
// The scripts complete target names by running the hidden
// `refreshctl [--db DB] completion --list-targets`.
#include <fmt/format.h>

#include <memory>

#include "cli/commands.h"
#include "cli/completion_model.h"
#include "cli/options.h"
#include "store/store.h"
#include "util/text.h"

namespace refreshctl::cli {
namespace {

const std::vector<std::string> kShells = {"bash", "zsh", "fish"};

struct CompletionOptions {
  std::string shell;
  bool list_targets = false;
};

// Prints the names of the targets, one a line. It runs at every <Tab>, so it
// says nothing and changes nothing: a SQLite file that does not exist is not
// created (nothing printed), and an error prints nothing. Exit 0 either way.
void list_target_names(const GlobalOptions& global) {
  auto store = open_store(database_spec(global), OpenMode::kReadOnly);
  if (!store.ok()) return;
  auto targets = (*store)->targets();
  if (!targets.ok()) return;
  for (const auto& record : *targets) fmt::print("{}\n", record.target.name);
}

void run_completion(const CompletionOptions& opt, CLI::App& app, Context& ctx) {
  if (opt.list_targets) {
    list_target_names(ctx.global);
    return;
  }
  if (opt.shell.empty()) {
    throw Failure(kExitUsage, "name the shell: refreshctl completion bash (or zsh, or fish)");
  }
  CompletionModel model = read_completion_model(app, REFRESHCTL_VERSION);
  if (opt.shell == "bash") {
    fmt::print("{}", bash_completion_script(model));
  } else if (opt.shell == "zsh") {
    fmt::print("{}", zsh_completion_script(model));
  } else if (opt.shell == "fish") {
    fmt::print("{}", fish_completion_script(model));
  } else {
    throw Failure(kExitUsage,
                  fmt::format("no completion for the shell \"{}\"{} (use {})", opt.shell,
                              did_you_mean(opt.shell, kShells), join(kShells, ", ")));
  }
}

}  // namespace

void setup_completion(CLI::App& app, Context& ctx) {
  auto opt = std::make_shared<CompletionOptions>();
  auto* cmd = app.add_subcommand(
      "completion", "Print a shell completion script (source <(refreshctl completion bash))");
  cmd->add_option("shell", opt->shell, "The shell")
      ->type_name("SHELL")
      ->check(offered_choices(kShells));
  // Hidden (no group): what the scripts run to complete target names.
  cmd->add_flag("--list-targets", opt->list_targets, "Print the target names, one a line")
      ->group("");
  set_examples(cmd, {"source <(refreshctl completion bash)       # this shell only",
                     "refreshctl completion zsh > ~/.zfunc/_refreshctl",
                     "refreshctl completion fish > ~/.config/fish/completions/refreshctl.fish"});
  cmd->callback([opt, &app, &ctx] { run_completion(*opt, app, ctx); });
}

}  // namespace refreshctl::cli
