#include "config/dependencies.h"

#include <fmt/format.h>

#include <algorithm>

#include "util/text.h"

namespace refreshctl {
namespace {

using Graph = std::map<std::string, std::vector<std::string>>;

enum class Mark { kNew, kOnPath, kDone };

// Depth-first from `name`; `path` holds the names being visited. Returns the
// cycle found, first name repeated at its end, or an empty list.
std::vector<std::string> find_cycle(const Graph& graph,
                                    const std::string& name,
                                    std::map<std::string, Mark>& marks,
                                    std::vector<std::string>& path) {
  marks[name] = Mark::kOnPath;
  path.push_back(name);
  for (const auto& next : graph.at(name)) {
    Mark mark = marks[next];
    if (mark == Mark::kOnPath) {
      std::vector<std::string> cycle(std::find(path.begin(), path.end(), next), path.end());
      cycle.push_back(next);
      return cycle;
    }
    if (mark == Mark::kNew) {
      auto cycle = find_cycle(graph, next, marks, path);
      if (!cycle.empty()) return cycle;
    }
  }
  path.pop_back();
  marks[name] = Mark::kDone;
  return {};
}

}  // namespace

Result<void> check_dependencies(const Graph& after) {
  std::vector<std::string> known;
  known.reserve(after.size());
  for (const auto& [name, names] : after) known.push_back(name);
  for (const auto& [name, names] : after) {
    for (const auto& dependency : names) {
      if (after.count(dependency) != 0) continue;
      return make_error(
          fmt::format("target {}: after names \"{}\", which is no target{} (apply it "
                      "with this file, or remove it from after)",
                      name, dependency, did_you_mean(dependency, known)));
    }
  }
  std::map<std::string, Mark> marks;
  for (const auto& [name, names] : after) {
    if (marks[name] != Mark::kNew) continue;
    std::vector<std::string> path;
    auto cycle = find_cycle(after, name, marks, path);
    if (!cycle.empty()) {
      return make_error(fmt::format(
          "targets wait for each other in a cycle: {} (each waits for the next; remove one of "
          "these from an after list)",
          join(cycle, " → ")));
    }
  }
  return {};
}

}  // namespace refreshctl
