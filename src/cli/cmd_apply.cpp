// refreshctl apply -f FILE|DIR...: create or update targets from TOML files;
// with --check (or --dry-run) say what would change, and change nothing.
#include <fmt/format.h>

#include <algorithm>
#include <filesystem>
#include <memory>

#include "cli/commands.h"
#include "cli/options.h"
#include "cli/output.h"
#include "cli/target_commands.h"
#include "cli/target_json.h"
#include "config/target_file.h"
#include "util/line_diff.h"

namespace refreshctl::cli {
namespace {

struct ApplyOptions {
  std::vector<std::string> paths;
  bool check = false;
};

// Files as given; a directory stands for its *.toml files in name order.
std::vector<std::string> expand_paths(const std::vector<std::string>& paths) {
  std::vector<std::string> files;
  for (const auto& path : paths) {
    if (!std::filesystem::is_directory(path)) {
      files.push_back(path);
      continue;
    }
    std::vector<std::string> found;
    for (const auto& entry : std::filesystem::directory_iterator(path)) {
      if (entry.path().extension() == ".toml" && !entry.is_directory()) {
        found.push_back(entry.path().string());
      }
    }
    if (found.empty()) {
      throw Failure(kExitUsage, fmt::format("{}: no *.toml files in this directory", path));
    }
    std::sort(found.begin(), found.end());
    files.insert(files.end(), found.begin(), found.end());
  }
  return files;
}

// Loads every file; every problem is reported, one a line, and nothing is
// applied if there is any.
std::vector<LoadedTarget> load_or_fail(const std::vector<std::string>& files) {
  auto loaded = load_target_files(files);
  if (loaded.ok()) return std::move(loaded).value();
  std::string text = loaded.error();
  if (text.find('\n') == std::string::npos) throw Failure(kExitUsage, text);
  size_t start = 0;
  for (size_t end; (end = text.find('\n', start)) != std::string::npos; start = end + 1) {
    fmt::print(stderr, "refreshctl: error: {}\n", text.substr(start, end - start));
  }
  fmt::print(stderr, "refreshctl: error: {}\n", text.substr(start));
  throw Failure(kExitUsage, "nothing was applied (fix the problems above and apply again)");
}

// The stored target of that name (removed ones too), or nullopt. A database
// that does not exist yet is not created for a check.
std::unique_ptr<Store> open_for_check(const GlobalOptions& global) {
  std::string spec = database_spec(global);
  if (spec.find("://") == std::string::npos && spec.find('=') == std::string::npos &&
      !std::filesystem::exists(spec)) {
    return nullptr;
  }
  return open_store_or_fail(global);
}

void run_check(const std::vector<LoadedTarget>& loaded, Context& ctx) {
  auto store = open_for_check(ctx.global);
  if (store) {
    std::vector<TargetChange> changes;
    changes.reserve(loaded.size());
    for (const auto& t : loaded) changes.push_back({t.target, t.source, {}});
    check_after(*store, changes);
  }
  nlohmann::json out = nlohmann::json::array();
  for (const auto& t : loaded) {
    std::optional<TargetRecord> stored;
    if (store) stored = unwrap(store->target(t.target.name, std::nullopt, true), kExitDatabase);
    std::string before = stored ? to_toml(stored->target) : "";
    std::string after = to_toml(t.target);
    const char* action = !stored           ? "create"
                         : stored->removed ? "restore"
                         : before == after ? "unchanged"
                                           : "update";
    std::string diff;
    nlohmann::json changes = nlohmann::json::array();
    if (stored && before != after) {
      diff = line_diff(before, after,
                       fmt::format("{} revision {}", t.target.name, stored->revision), t.source);
      changes = changed_fields(target_json(stored->target), target_json(t.target));
    }
    if (ctx.global.json) {
      out.push_back({{"name", t.target.name},
                     {"action", action},
                     {"source", t.source},
                     {"revision", stored ? nlohmann::json(stored->revision) : nlohmann::json()},
                     {"changes", changes},
                     {"diff", diff}});
      continue;
    }
    if (!stored) {
      fmt::print("{}: would be created (rev 1)\n", t.target.name);
    } else if (std::string(action) == "unchanged") {
      fmt::print("{}: unchanged (rev {})\n", t.target.name, stored->revision);
    } else {
      fmt::print("{}: would be {} (rev {}){}\n{}", t.target.name,
                 stored->removed ? "restored" : "updated", stored->revision + 1,
                 diff.empty() ? "" : ":", diff);
    }
  }
  if (ctx.global.json) {
    print_json(out);
  } else {
    fmt::print("nothing was changed (--check)\n");
  }
}

void run_apply(const ApplyOptions& opt, Context& ctx) {
  // Every file is read and checked before anything is written: all or nothing.
  auto loaded = load_or_fail(expand_paths(opt.paths));
  if (opt.check) {
    run_check(loaded, ctx);
    return;
  }
  auto store = open_store_or_fail(ctx.global);
  std::vector<TargetChange> changes;
  changes.reserve(loaded.size());
  for (auto& t : loaded) changes.push_back({std::move(t.target), "apply " + t.source, {}});
  apply_and_report(*store, std::move(changes), ctx.global.json);
}

}  // namespace

void setup_apply(CLI::App& app, Context& ctx) {
  auto opt = std::make_shared<ApplyOptions>();
  auto* cmd = app.add_subcommand("apply", "Create or update targets from TOML files");
  cmd->add_option("-f,--file", opt->paths,
                  "Target file, or a directory of *.toml files applied in name order "
                  "(repeatable)")
      ->required()
      ->type_name("PATH")
      ->check(CLI::ExistingPath);
  cmd->add_flag("--check,--dry-run", opt->check,
                "Say what would change per target (created, updated with the diff, unchanged); "
                "change nothing");
  set_examples(cmd, {"refreshctl apply -f targets.toml",
                     "refreshctl apply --check -f /etc/refreshctl/targets.d",
                     "refreshctl --json apply --dry-run -f targets.toml | jq '.[] | select(.action "
                     "!= \"unchanged\")'"});
  cmd->callback([opt, &ctx] { run_apply(*opt, ctx); });
}

}  // namespace refreshctl::cli
