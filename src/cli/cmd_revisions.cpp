// refreshctl revisions NAME: the revision history of a target, with who made
// each revision, how, and when the target was removed.
#include <fmt/format.h>

#include <algorithm>
#include <memory>
#include <tuple>

#include "cli/commands.h"
#include "cli/options.h"
#include "cli/output.h"
#include "cli/target_commands.h"

namespace refreshctl::cli {
namespace {

struct RevisionsOptions {
  std::string name;
};

// A line of the history: a revision or a removal.
struct Event {
  TimePoint at;
  int revision = 0;  // the revision made, or the one current when removed
  bool removal = false;
  std::string how;  // "apply targets.toml:3", "rollback to 1", "remove"
  ChangeAuthor author;
};

std::vector<Event> events_of(const std::vector<RevisionInfo>& revisions,
                             const std::vector<RemovalInfo>& removals) {
  std::vector<Event> events;
  events.reserve(revisions.size() + removals.size());
  for (const auto& r : revisions) {
    events.push_back({r.created_at, r.revision, false, r.source, r.author});
  }
  for (const auto& r : removals)
    events.push_back({r.removed_at, r.revision, true, "remove", r.author});
  // A removal follows the revision it removed, even within one millisecond.
  std::stable_sort(events.begin(), events.end(), [](const Event& x, const Event& y) {
    return std::tie(x.revision, x.removal) < std::tie(y.revision, y.removal);
  });
  return events;
}

std::string who(const ChangeAuthor& author) {
  if (author.user.empty() && author.host.empty()) return "-";
  if (author.host.empty()) return author.user;
  return author.user + "@" + author.host;
}

void run_revisions(const RevisionsOptions& opt, Context& ctx) {
  auto store = open_store_or_fail(ctx.global, OpenMode::kReadOnly);
  auto revisions = unwrap(store->revisions(opt.name), kExitDatabase);
  if (revisions.empty()) require_target(*store, opt.name);  // fails with "did you mean"
  auto removals = unwrap(store->removals(opt.name), kExitDatabase);
  auto current = unwrap(store->target(opt.name, std::nullopt, true), kExitDatabase);
  bool removed = current && current->removed;
  int current_revision = current && !removed ? current->revision : 0;
  auto events = events_of(revisions, removals);
  if (ctx.global.json) {
    nlohmann::json out = nlohmann::json::array();
    for (const auto& e : events) {
      out.push_back({{"revision", e.revision},
                     {"action", e.removal ? "removed" : "revision"},
                     {"created_at", format_rfc3339(e.at)},
                     {"source", e.how},
                     {"user", e.author.user},
                     {"host", e.author.host},
                     {"current", !e.removal && e.revision == current_revision}});
    }
    print_json(out);
    return;
  }
  OutputStyle style = output_style(ctx.global);
  std::vector<std::vector<std::string>> rows;
  for (const auto& e : events) {
    std::string revision = e.removal ? "-" : std::to_string(e.revision);
    if (!e.removal && e.revision == current_revision) revision += " *";
    std::string how =
        e.removal ? fmt::format("remove (revision {} was current)", e.revision) : e.how;
    rows.push_back({revision, format_time(e.at, style), who(e.author), how});
  }
  print_table({"REVISION", "CREATED", "BY", "HOW"}, rows);
  if (removed) {
    fmt::print("{} is removed; restore it with: refreshctl rollback {} --to {}\n", opt.name,
               opt.name, revisions.back().revision);
  }
}

}  // namespace

void setup_revisions(CLI::App& app, Context& ctx) {
  auto opt = std::make_shared<RevisionsOptions>();
  auto* cmd = app.add_subcommand(
      "revisions", "List the revisions of a target and its removals, with who made them and how");
  cmd->add_option("name", opt->name, "Target name")->required()->type_name("NAME");
  set_examples(cmd, {"refreshctl revisions sales-cube",
                     "refreshctl --json revisions sales-cube | jq '.[-1]'"});
  cmd->callback([opt, &ctx] { run_revisions(*opt, ctx); });
}

}  // namespace refreshctl::cli
