#include "cli/target_commands.h"

#include <fmt/format.h>

#include "cli/command.h"
#include "cli/output.h"
#include "util/text.h"

namespace refreshctl::cli {

TargetRecord require_target(Store& store, const std::string& name, std::optional<int> revision) {
  auto record = unwrap(store.target(name, revision), kExitDatabase);
  if (record) return std::move(*record);
  if (revision && unwrap(store.target(name), kExitDatabase)) {
    throw Failure(kExitUsage,
                  fmt::format("target \"{}\" has no revision {} (see: refreshctl revisions {})",
                              name, *revision, name));
  }
  auto names = unwrap(store.target_names(), kExitDatabase);
  throw Failure(kExitUsage,
                fmt::format("no target named \"{}\"{}", name, did_you_mean(name, names)));
}

void apply_and_report(Store& store, const std::vector<TargetChange>& changes, bool json) {
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
