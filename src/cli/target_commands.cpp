#include "cli/target_commands.h"

#include <fmt/format.h>
#include <pwd.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <map>

#include "cli/command.h"
#include "cli/output.h"
#include "config/dependencies.h"
#include "util/text.h"

namespace refreshctl::cli {
namespace {

[[noreturn]] void fail_removed(Store& store, const std::string& name) {
  auto removals = unwrap(store.removals(name), kExitDatabase);
  std::string when;
  int last = 0;
  if (!removals.empty()) {
    const RemovalInfo& r = removals.back();
    last = r.revision;
    when = " on " + format_rfc3339(r.removed_at);
    if (!r.author.user.empty()) when += " by " + r.author.user;
    if (!r.author.host.empty()) when += " on host " + r.author.host;
  }
  if (last == 0) {
    auto revisions = unwrap(store.revisions(name), kExitDatabase);
    if (!revisions.empty()) last = revisions.back().revision;
  }
  throw Failure(kExitUsage,
                fmt::format("target \"{}\" was removed{} (its history is kept); restore it with: "
                            "refreshctl rollback {} --to {} (or apply its file again); see it "
                            "with: refreshctl show {} --revision {}",
                            name, when, name, last, name, last));
}

}  // namespace

void check_after(Store& store, const std::vector<TargetChange>& changes) {
  bool any = std::any_of(changes.begin(), changes.end(),
                         [](const TargetChange& c) { return !c.target.after.empty(); });
  if (!any) return;  // nothing changed can close a cycle or name an unknown target
  std::map<std::string, std::vector<std::string>> after;
  for (const auto& stored : unwrap(store.targets(), kExitDatabase)) {
    after[stored.target.name] = stored.target.after;
  }
  for (const auto& change : changes) after[change.target.name] = change.target.after;
  // A stored target may still name one removed since: that is its own
  // problem (it waits, saying why), not this change's.
  for (auto& entry : after) {
    const std::string& name = entry.first;
    bool changed = std::any_of(changes.begin(), changes.end(),
                               [&](const TargetChange& c) { return c.target.name == name; });
    if (changed) continue;
    std::erase_if(entry.second, [&](const std::string& n) { return after.count(n) == 0; });
  }
  auto checked = check_dependencies(after);
  if (!checked.ok()) {
    throw Failure(kExitUsage, checked.error() + "; nothing was applied");
  }
}

TargetRecord require_target(Store& store,
                            const std::string& name,
                            std::optional<int> revision,
                            bool allow_removed) {
  auto record = unwrap(store.target(name, revision, allow_removed), kExitDatabase);
  if (record) return std::move(*record);
  auto any = unwrap(store.target(name, std::nullopt, true), kExitDatabase);
  if (any && any->removed && !allow_removed) fail_removed(store, name);
  if (revision && any) {
    throw Failure(kExitUsage,
                  fmt::format("target \"{}\" has no revision {} (see: refreshctl revisions {})",
                              name, *revision, name));
  }
  auto names = unwrap(store.target_names(), kExitDatabase);
  throw Failure(kExitUsage,
                fmt::format("no target named \"{}\"{}", name, did_you_mean(name, names)));
}

ChangeAuthor current_author() {
  ChangeAuthor author;
  if (const passwd* pw = getpwuid(geteuid()); pw != nullptr) {
    author.user = pw->pw_name;
  } else {
    author.user = fmt::format("uid {}", geteuid());
  }
  const char* sudo_user = std::getenv("SUDO_USER");
  if (sudo_user != nullptr && *sudo_user != '\0' && author.user != sudo_user) {
    author.user = std::string(sudo_user) + " as " + author.user;
  }
  char host[256] = "";
  gethostname(host, sizeof host - 1);
  author.host = host;
  return author;
}

void apply_and_report(Store& store, std::vector<TargetChange> changes, bool json) {
  check_after(store, changes);
  ChangeAuthor author = current_author();
  for (auto& change : changes) change.author = author;
  auto results = unwrap(store.apply(changes, SystemClock().now()), kExitDatabase);
  nlohmann::json out = nlohmann::json::array();
  for (const auto& r : results) {
    const char* action = r.action == ApplyAction::kCreated   ? "created"
                         : r.action == ApplyAction::kUpdated ? "updated"
                                                             : "unchanged";
    if (json) {
      out.push_back({{"name", r.name}, {"action", action}, {"revision", r.revision}});
    } else {
      fmt::print("{}: {} (rev {})\n", r.name, action, r.revision);
    }
  }
  if (json) print_json(out);
}

}  // namespace refreshctl::cli
