// refreshctl diff NAME A B: what changed between two revisions; diff NAME -f
// FILE: what applying the file would change in the stored target.
#include <fmt/format.h>

#include <memory>

#include "cli/commands.h"
#include "cli/options.h"
#include "cli/output.h"
#include "cli/target_commands.h"
#include "cli/target_json.h"
#include "config/target_file.h"
#include "util/line_diff.h"
#include "util/text.h"

namespace refreshctl::cli {
namespace {

struct DiffOptions {
  std::string name;
  std::optional<int> a;
  std::optional<int> b;
  std::string file;
};

// One side of the comparison: a target and how to name it.
struct Side {
  Target target;
  std::string label;     // "sales-cube revision 2", "targets.toml:3"
  nlohmann::json which;  // 2, or "targets.toml"
};

Side from_file(const DiffOptions& opt) {
  auto loaded = unwrap(load_target_files({opt.file}), kExitUsage);
  for (auto& t : loaded) {
    if (t.target.name == opt.name) return {std::move(t.target), t.source, opt.file};
  }
  std::vector<std::string> names;
  names.reserve(loaded.size());
  for (const auto& t : loaded) names.push_back(t.target.name);
  throw Failure(kExitUsage, fmt::format("{} has no target named \"{}\"{}", opt.file, opt.name,
                                        did_you_mean(opt.name, names)));
}

Side from_store(Store& store, const std::string& name, std::optional<int> revision) {
  auto record = require_target(store, name, revision, revision.has_value());
  return {std::move(record.target), fmt::format("{} revision {}", name, record.revision),
          record.revision};
}

// The two sides the arguments name, or Failure(2) saying in words what is missing.
std::pair<Side, Side> sides(const DiffOptions& opt, Store& store) {
  if (!opt.file.empty()) {
    if (opt.b) {
      throw Failure(kExitUsage,
                    "diff: with -f FILE give at most one revision (the one to compare the file "
                    "with; default: the current one)");
    }
    return {from_store(store, opt.name, opt.a), from_file(opt)};
  }
  if (!opt.a || !opt.b) {
    throw Failure(
        kExitUsage,
        fmt::format("diff: {} is missing: diff compares two revisions, the older A and the newer "
                    "B (usage: refreshctl diff NAME A B, or refreshctl diff NAME -f FILE to "
                    "compare a file with the stored target)",
                    opt.a ? "the newer revision B" : "the older revision A and the newer B"));
  }
  return {from_store(store, opt.name, opt.a), from_store(store, opt.name, opt.b)};
}

void run_diff(const DiffOptions& opt, Context& ctx) {
  auto store = open_store_or_fail(ctx.global, OpenMode::kReadOnly);
  auto [a, b] = sides(opt, *store);
  std::string diff = line_diff(to_toml(a.target), to_toml(b.target), a.label, b.label);
  if (ctx.global.json) {
    print_json({{"name", opt.name},
                {"from", a.which},
                {"to", b.which},
                {"changes", changed_fields(target_json(a.target), target_json(b.target))},
                {"diff", diff}});
  } else if (diff.empty() && b.which.is_number()) {
    fmt::print("revisions {} and {} of {} are the same\n", a.which.dump(), b.which.dump(),
               opt.name);
  } else if (diff.empty()) {
    fmt::print("{} and {} are the same\n", a.label, b.label);
  } else {
    fmt::print("{}", diff);
  }
}

}  // namespace

void setup_diff(CLI::App& app, Context& ctx) {
  auto opt = std::make_shared<DiffOptions>();
  auto* cmd = app.add_subcommand(
      "diff", "Show what changed between two revisions, or between a file and the stored target");
  cmd->add_option("name", opt->name, "Target name")->required()->type_name("NAME");
  cmd->add_option("a", opt->a, "The older revision (with -f: the revision to compare with)")
      ->type_name("A")
      ->check(whole_number(1, 1'000'000'000));
  cmd->add_option("b", opt->b, "The newer revision")
      ->type_name("B")
      ->check(whole_number(1, 1'000'000'000));
  cmd->add_option("-f,--file", opt->file,
                  "Compare the target of this file with the stored one (what apply would change)")
      ->type_name("PATH")
      ->check(CLI::ExistingFile);
  set_examples(cmd, {"refreshctl diff sales-cube 1 2", "refreshctl diff sales-cube -f targets.toml",
                     "refreshctl --json diff sales-cube 2 3 | jq '.changes[].field'"});
  cmd->callback([opt, &ctx] { run_diff(*opt, ctx); });
}

}  // namespace refreshctl::cli
