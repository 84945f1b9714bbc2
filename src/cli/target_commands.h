// What the target-management commands share.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "store/store.h"

namespace refreshctl::cli {

// The target (at `revision`, default current), or Failure(2) that names the
// unknown target or revision with "did you mean", or says when a removed
// target was removed and how to restore it. With `allow_removed` a removed
// target's revisions are found too (to show, diff or restore them).
TargetRecord require_target(Store& store,
                            const std::string& name,
                            std::optional<int> revision = std::nullopt,
                            bool allow_removed = false);

// Who is making a change, for the revision: the login name (with the sudo
// user: "alice as refreshctl") and the host name.
ChangeAuthor current_author();

// Fails with exit 2, naming them, when the changed targets' `after` lists
// name a target that neither the database nor the changes hold, or close a
// cycle ("a → b → a").
void check_after(Store& store, const std::vector<TargetChange>& changes);

// Writes the targets as new revisions and prints "created / updated (rev N) /
// unchanged" per target (or JSON). Fails with exit 2 for check_after's
// problems, with exit 3 if the store fails.
void apply_and_report(Store& store, std::vector<TargetChange> changes, bool json);

}  // namespace refreshctl::cli
