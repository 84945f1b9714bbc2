// The `after` lists of targets (SPEC §10): a target's slot waits for fresh
// data from the targets it names. Those names must exist and must not lead
// back to the target, or a slot would wait for ever.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "util/result.h"

namespace refreshctl {

// Checks every target's `after` names (target name -> its `after`): each
// must be a key of the map, and no chain of them may come back to where it
// started. The error names the target and the unknown name, or the cycle
// ("cube → dataset → cube").
Result<void> check_dependencies(const std::map<std::string, std::vector<std::string>>& after);

}  // namespace refreshctl
