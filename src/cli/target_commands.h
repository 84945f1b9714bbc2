// What the target-management commands share.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "store/store.h"

namespace refreshctl::cli {

// The target (at `revision`, default current), or Failure(2) naming the
// unknown target or revision, with "did you mean".
TargetRecord require_target(Store& store,
                            const std::string& name,
                            std::optional<int> revision = std::nullopt);

// Writes the targets as new revisions and prints "created / updated (rev N) /
// unchanged" per target (or JSON). Fails with exit 3 if the store fails.
void apply_and_report(Store& store, const std::vector<TargetChange>& changes, bool json);

}  // namespace refreshctl::cli
